package io.github.posixmq.boot.metrics;

import io.github.posixmq.integration.metrics.PosixMqQueueMetrics;
import io.github.posixmq.boot.PosixMqAutoConfiguration;
import io.github.posixmq.boot.PosixMqIntegrationAutoConfiguration;
import io.github.posixmq.boot.actuate.PosixMqHealthContributorAutoConfiguration;
import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the posixmq meters ({@link PosixMqMetricNames}): the queue gauges
 * ({@link PosixMqQueueMetrics}), the send and receive timers and failure counters ({@link PosixMqMeterListener}), the
 * inbound adapters' receivers ({@link PosixMqReceiverMetrics}, with Spring Integration) and the queues' health as a
 * gauge ({@link PosixMqHealthMetrics}, with the {@code posixmq} health contributor), when Micrometer is on the
 * classpath and a {@link MeterRegistry} bean exists.
 */
@AutoConfiguration(after = { PosixMqAutoConfiguration.class, PosixMqIntegrationAutoConfiguration.class,
        PosixMqHealthContributorAutoConfiguration.class }, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, MeterBinder.class })
@ConditionalOnBean(MeterRegistry.class)
public final class PosixMqMetricsAutoConfiguration {

    PosixMqMetricsAutoConfiguration() {
    }

    /** Gauges of every configured queue, bound to the meter registries by Spring Boot. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(PosixMqQueues.class)
    PosixMqQueueMetrics posixMqQueueMetrics(PosixMqQueues queues) {
        return new PosixMqQueueMetrics(queues);
    }

    /** Send and receive timers, told of every operation by the template and the channel adapters. */
    @Bean
    @ConditionalOnMissingBean
    PosixMqMeterListener posixMqMeterListener(MeterRegistry registry) {
        return new PosixMqMeterListener(registry);
    }

    /** Receivers of the inbound adapters, with Spring Integration. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ PosixMqMessageProducer.class,
            org.springframework.integration.endpoint.MessageProducerSupport.class })
    static final class ReceiverMetricsConfiguration {

        /** Gauges and counters of every {@link PosixMqMessageProducer} bean. */
        @Bean
        @ConditionalOnMissingBean
        PosixMqReceiverMetrics posixMqReceiverMetrics(ObjectProvider<PosixMqMessageProducer> adapters) {
            return new PosixMqReceiverMetrics(() -> adapters.orderedStream().toList());
        }
    }

    /** The {@code posixmq} health contributor as gauges. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthContributor.class)
    @ConditionalOnBean(name = "posixmqHealthContributor", value = PosixMqQueues.class)
    static final class HealthMetricsConfiguration {

        /** One gauge per queue reading its health indicator. */
        @Bean
        @ConditionalOnMissingBean
        PosixMqHealthMetrics posixMqHealthMetrics(PosixMqQueues queues,
                @Qualifier("posixmqHealthContributor") HealthContributor health) {
            return new PosixMqHealthMetrics(queues, (health instanceof CompositeHealthContributor composite)
                    ? composite : CompositeHealthContributor.fromMap(java.util.Map.of()));
        }
    }
}
