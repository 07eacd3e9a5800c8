package io.github.posixmq.boot;

import io.github.posixmq.boot.adapters.PosixMqChannelAdapterCustomizer;
import io.github.posixmq.boot.adapters.PosixMqChannelAdapterFactory;
import io.github.posixmq.boot.adapters.PosixMqChannelAdapterRegistrar;
import io.github.posixmq.boot.properties.PosixMqProperties;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.template.PosixMqTemplate;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.CompositePosixMqOperationListener;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.inbound.PosixMqMessageProducer;

import java.util.concurrent.Executor;

import io.github.posixmq.integration.dispatch.PosixMqDispatchSettings;
import io.github.posixmq.integration.dispatch.PosixMqDispatcher;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.messaging.converter.MessageConverter;

/**
 * Auto-configuration of the Spring Integration channel adapters declared under {@code posixmq.queues.<key>.inbound}
 * and {@code .outbound}: the {@link PosixMqChannelAdapterRegistrar} registers for each enabled adapter, unless a bean
 * of that name already exists (the names are its static methods):
 * <ul>
 * <li>{@code posixmq.<key>.inbound-channel-adapter}: a {@link PosixMqMessageProducer} sending to the inbound
 * channel;</li>
 * <li>{@code posixmq.<key>.outbound-channel-adapter}: an endpoint subscribing the handler
 * {@code posixmq.<key>.outbound-channel-adapter.handler} to the outbound channel;</li>
 * <li>each named channel that no bean provides, as a {@code DirectChannel}.</li>
 * </ul>
 */
@AutoConfiguration(after = PosixMqAutoConfiguration.class,
        afterName = "org.springframework.boot.integration.autoconfigure.IntegrationAutoConfiguration")
@ConditionalOnClass({ PosixMq.class, PosixMqMessageProducer.class,
        org.springframework.integration.endpoint.MessageProducerSupport.class })
@Conditional(OnPosixMqSupportedCondition.class)
public final class PosixMqIntegrationAutoConfiguration {

    /** Registers the channel adapters (and missing channels) configured under {@code posixmq.queues}. */
    @Bean
    static PosixMqChannelAdapterRegistrar posixMqChannelAdapterRegistrar(Environment environment) {
        return new PosixMqChannelAdapterRegistrar(environment);
    }

    /**
     * Makes the adapters from the registry's settings. Uses the {@link MessageConverter} bean named
     * {@value PosixMqAutoConfiguration#MESSAGE_CONVERTER_BEAN_NAME} if there is one, and tells every
     * {@link PosixMqOperationListener} bean of the adapters' operations; applies every
     * {@link PosixMqChannelAdapterCustomizer} bean, in order, to each adapter it makes.
     */
    @Bean(PosixMqChannelAdapterFactory.BEAN_NAME)
    static PosixMqChannelAdapterFactory posixMqChannelAdapterFactory(PosixMqQueues queues,
            @Qualifier(PosixMqAutoConfiguration.MESSAGE_CONVERTER_BEAN_NAME) ObjectProvider<MessageConverter> converter,
            ObjectProvider<PosixMqOperationListener> listeners, ObjectProvider<PosixMqProperties> properties,
            ObjectProvider<PosixMqChannelAdapterCustomizer> customizers) {
        PosixMqChannelAdapterFactory factory = new PosixMqChannelAdapterFactory(queues,
                CompositePosixMqOperationListener.of(listeners),
                converter.getIfAvailable(PosixMqTemplate::defaultMessageConverter));
        PosixMqProperties settings = properties.getIfAvailable();
        if (settings != null) {
            factory.setObservationEnabled(settings::observationEnabled);
            factory.setDedicatedThreads(settings.getDispatch().isDedicatedThreads());
        }
        factory.setCustomizers(customizers.orderedStream().toList());
        return factory;
    }

    /**
     * The shared dispatcher of the inbound adapters ({@code posixmq.dispatch.*}): its selector threads and its own
     * bounded worker pool, or a virtual thread per message in hand with {@code spring.threads.virtual.enabled=true}.
     * Not Spring Boot's {@code applicationTaskExecutor}: that one is shut down when the context closes, before the
     * adapters stop, and would drop the messages in hand that wait in its queue.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    static PosixMqDispatcher posixMqDispatcher(ObjectProvider<PosixMqProperties> properties, Environment environment) {
        PosixMqProperties configured = properties.getIfAvailable();
        PosixMqDispatchSettings settings = configured != null ? configured.getDispatch().settings()
                : PosixMqDispatchSettings.DEFAULTS;
        Executor workers = null;
        if (environment.getProperty("spring.threads.virtual.enabled", Boolean.class, false)) {
            SimpleAsyncTaskExecutor virtual = new SimpleAsyncTaskExecutor("posixmq-worker-");
            virtual.setVirtualThreads(true);
            workers = virtual;
        }
        return settings.dispatcher(workers);
    }
}
