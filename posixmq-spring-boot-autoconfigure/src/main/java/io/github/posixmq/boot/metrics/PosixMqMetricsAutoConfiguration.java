package io.github.posixmq.boot.metrics;

import io.github.posixmq.integration.metrics.PosixMqQueueMetrics;
import io.github.posixmq.boot.PosixMqAutoConfiguration;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the queue gauges ({@link PosixMqQueueMetrics}) and the send and receive timers
 * ({@link PosixMqMeterListener}), when Micrometer is on the classpath and a {@link MeterRegistry} bean exists.
 */
@AutoConfiguration(after = PosixMqAutoConfiguration.class, afterName = {
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
}
