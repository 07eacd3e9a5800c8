package io.github.posixmq.boot;

import io.github.posixmq.boot.properties.PosixMqProperties;
import io.github.posixmq.boot.properties.PosixMqCheckedSettings;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.runtime.PosixMqRecovery;
import io.github.posixmq.integration.template.PosixMqTemplate;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.CompositePosixMqOperationListener;
import io.github.posixmq.integration.PosixMqOperationListener;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.env.Environment;
import org.springframework.messaging.converter.MessageConverter;

/**
 * Auto-configuration of the queues declared under {@code posixmq.queues}: the {@link PosixMqQueues} registry, its
 * {@link PosixMqRecovery} (nested {@code RuntimeConfiguration}) and a {@link PosixMqTemplate} with its
 * {@link PosixMqTemplateCustomizer}s (nested {@code TemplateConfiguration}). Backs off, with one log line, where POSIX
 * message queues are not available.
 */
@AutoConfiguration
@ConditionalOnClass(PosixMq.class)
@Conditional(OnPosixMqSupportedCondition.class)
@EnableConfigurationProperties(PosixMqProperties.class)
public final class PosixMqAutoConfiguration {

    /** Name of an optional {@link MessageConverter} bean used by the auto-configured {@link PosixMqTemplate}. */
    public static final String MESSAGE_CONVERTER_BEAN_NAME = "posixMqMessageConverter";

    /** The queue runtime: the checked settings, the registry of the configured queues and their recovery. */
    @Configuration(proxyBeanMethods = false)
    static class RuntimeConfiguration {

        /** The {@code posixmq.*} properties, checked when this bean is initialized (not by this method). */
        @Bean
        @ConditionalOnMissingBean(PosixMqQueues.class)
        PosixMqCheckedSettings posixMqCheckedSettings(PosixMqProperties properties, Environment environment) {
            return new PosixMqCheckedSettings(properties, environment);
        }

        /**
         * The registry of configured queues, made from the settings checked at their bean's initialization, opened
         * when the bean is initialized ({@link PosixMqQueues#open()}, before any bean that uses it gets it) and closed
         * at shutdown: the bean method itself does no I/O and no check.
         */
        @Bean(initMethod = "open")
        @ConditionalOnMissingBean
        public PosixMqQueues posixMqQueues(PosixMqCheckedSettings settings) {
            PosixMqQueues queues = PosixMqQueues.unopened(settings.settings());
            queues.removeCreatedUnlessStarted();
            return queues;
        }

        /** Tells the auto-configured registry that the application started: a failed start removes its queues. */
        @Bean
        static ApplicationListener<ContextRefreshedEvent> posixMqStartedListener(ApplicationContext context) {
            return (event) -> {
                if (event.getApplicationContext() == context) {
                    context.getBeanProvider(PosixMqQueues.class).ifAvailable(PosixMqQueues::started);
                }
            };
        }

        /** Recovery of queues whose name is removed while the application runs; a lifecycle bean. */
        @Bean
        @ConditionalOnMissingBean
        public PosixMqRecovery posixMqRecovery(PosixMqQueues queues) {
            return new PosixMqRecovery(queues);
        }
    }

    /** The template, with its customizers. */
    @Configuration(proxyBeanMethods = false)
    static class TemplateConfiguration {

        /**
         * The template. Uses the {@link MessageConverter} bean named
         * {@value PosixMqAutoConfiguration#MESSAGE_CONVERTER_BEAN_NAME} if there is one, and tells every
         * {@link PosixMqOperationListener} bean of its sends and receives; observes the sends to
         * queues with {@code observation-enabled} in the {@link ObservationRegistry} bean; then applies every
         * {@link PosixMqTemplateCustomizer} bean, in order.
         */
        @Bean
        @ConditionalOnMissingBean
        public PosixMqTemplate posixMqTemplate(PosixMqQueues queues,
                @Qualifier(MESSAGE_CONVERTER_BEAN_NAME) ObjectProvider<MessageConverter> messageConverter,
                ObjectProvider<PosixMqOperationListener> listeners, PosixMqProperties properties,
                ObjectProvider<ObservationRegistry> observations,
                ObjectProvider<PosixMqTemplateCustomizer> customizers) {
            PosixMqTemplate template = new PosixMqTemplate(queues);
            messageConverter.ifAvailable(template::setMessageConverter);
            template.setOperationListener(CompositePosixMqOperationListener.of(listeners));
            template.setObservation(observations.getIfUnique(() -> ObservationRegistry.NOOP),
                    properties::observationEnabled);
            customizers.orderedStream().forEach((customizer) -> customizer.customize(template));
            return template;
        }
    }
}
