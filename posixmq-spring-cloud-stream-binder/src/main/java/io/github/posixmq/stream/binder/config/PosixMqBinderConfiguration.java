package io.github.posixmq.stream.binder.config;

import io.github.posixmq.integration.dispatch.PosixMqDispatchSettings;
import io.github.posixmq.integration.dispatch.PosixMqDispatcher;
import io.github.posixmq.integration.metrics.PosixMqQueueMetrics;
import io.github.posixmq.integration.runtime.PosixMqRecovery;
import io.github.posixmq.stream.binder.PosixMqMessageChannelBinder;
import io.github.posixmq.stream.binder.actuate.PosixMqBinderHealthContributor;
import io.github.posixmq.stream.binder.properties.PosixMqExtendedBindingProperties;
import io.github.posixmq.stream.binder.provisioning.PosixMqProvisioner;
import io.github.posixmq.stream.binder.provisioning.ProvisionedQueue;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The configuration of the {@code posixmq} binder, named in {@code META-INF/spring.binders}: the provisioner, the
 * binder and, when Micrometer and Spring Boot's health support are present, the gauges and health of its queues as of
 * {@code posixmq.queues.*}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PosixMqExtendedBindingProperties.class)
public class PosixMqBinderConfiguration {

    /**
     * The provisioner: destinations to queues. Its queues join the application's {@link PosixMqRecovery} when there
     * is one (the Spring Boot auto-configuration's), so one thread checks every queue of the application.
     */
    @Bean
    @ConditionalOnMissingBean
    PosixMqProvisioner posixMqProvisioner(ObjectProvider<PosixMqRecovery> recovery) {
        return new PosixMqProvisioner(recovery.getIfUnique());
    }

    /** The binder. */
    @Bean
    @ConditionalOnMissingBean
    PosixMqMessageChannelBinder posixMqMessageChannelBinder(PosixMqProvisioner provisioner,
            PosixMqExtendedBindingProperties properties) {
        return new PosixMqMessageChannelBinder(provisioner, properties);
    }

    /**
     * The shared dispatcher of the consumer bindings, unless the application has one (Spring Boot's posixmq
     * auto-configuration declares it): consumers then share the selector threads and workers of the inbound adapters.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    PosixMqDispatcher posixMqDispatcher() {
        return PosixMqDispatchSettings.DEFAULTS.dispatcher(null);
    }

    /** Gauges of each queue the binder provisions, in the application's meter registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class Metrics {

        /** Binds the gauges of each provisioned queue to the meter registry, if there is one. */
        @Bean
        BinderQueueMetrics posixMqBinderQueueMetrics(PosixMqProvisioner provisioner,
                ObjectProvider<MeterRegistry> registry) {
            BinderQueueMetrics metrics = new BinderQueueMetrics(registry);
            provisioner.addListener(metrics::bind);
            return metrics;
        }
    }

    /** Binds {@link PosixMqQueueMetrics} of each provisioned queue to the meter registry. */
    static final class BinderQueueMetrics {

        private final ObjectProvider<MeterRegistry> registry;

        BinderQueueMetrics(ObjectProvider<MeterRegistry> registry) {
            this.registry = registry;
        }

        void bind(ProvisionedQueue queue) {
            this.registry.ifAvailable((registry) -> new PosixMqQueueMetrics(queue.queues()).bindTo(registry));
        }
    }

    /** Health of the binder's queues, shown under {@code binders.posixmq}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Health {

        /**
         * One indicator per provisioned queue, with {@code posixmq.health.full-threshold} (declared, with its
         * metadata, by the Spring Boot module; read here from the environment, as the binder does not depend on it).
         */
        @Bean
        PosixMqBinderHealthContributor posixMqBinderHealthContributor(PosixMqProvisioner provisioner,
                Environment environment) {
            return new PosixMqBinderHealthContributor(provisioner,
                    environment.getProperty("posixmq.health.full-threshold", Double.class));
        }
    }
}
