package io.github.posixmq.boot.metrics;

import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.util.Assert;

/**
 * The {@code posixmq} health contributor as gauges {@value PosixMqMetricNames#HEALTH}, one per queue (tags
 * {@code queue} and {@code key}), with Spring Boot's documented mapping of statuses to numbers: 3 {@code UP}, 2
 * {@code OUT_OF_SERVICE}, 1 {@code DOWN}, 0 anything else. Each read runs the queue's health indicator.
 */
public final class PosixMqHealthMetrics implements MeterBinder {

    private final PosixMqQueues queues;

    private final CompositeHealthContributor health;

    /** Creates the gauges of the indicators in {@code health} of the queues of {@code queues}. */
    public PosixMqHealthMetrics(PosixMqQueues queues, CompositeHealthContributor health) {
        Assert.notNull(queues, "queues must not be null");
        Assert.notNull(health, "health must not be null");
        this.queues = queues;
        this.health = health;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String key : this.queues.keys()) {
            if (this.health.getContributor(key) instanceof HealthIndicator indicator) {
                Gauge.builder(PosixMqMetricNames.HEALTH, indicator, PosixMqHealthMetrics::status)
                    .description("Health of the POSIX message queue: 3 UP, 2 OUT_OF_SERVICE, 1 DOWN, 0 unknown")
                    .tag(PosixMqMetricNames.QUEUE_TAG, this.queues.queueName(key))
                    .tag(PosixMqMetricNames.KEY_TAG, key)
                    .strongReference(true)
                    .register(registry);
            }
        }
    }

    private static double status(HealthIndicator indicator) {
        Health health = indicator.health(false);
        Status status = (health != null) ? health.getStatus() : Status.UNKNOWN;
        if (Status.UP.equals(status)) {
            return 3;
        }
        if (Status.OUT_OF_SERVICE.equals(status)) {
            return 2;
        }
        if (Status.DOWN.equals(status)) {
            return 1;
        }
        return 0;
    }
}
