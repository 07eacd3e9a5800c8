package io.github.posixmq.stream.binder.actuate;

import io.github.posixmq.integration.metrics.PosixMqQueueHealth;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.util.Assert;

/**
 * Health of one queue the binder provisioned, read like {@code posixmq.queues.*} health by the runtime's
 * {@link PosixMqQueueHealth} (no descriptor opened): UP with {@code queue}, {@code currentMessages}, {@code capacity}
 * and {@code maxMessageSize}; DOWN with the error when the queue was removed, detached or closed; OUT_OF_SERVICE at
 * the full threshold.
 */
final class PosixMqBinderQueueHealthIndicator implements HealthIndicator {

    private final PosixMqQueueHealth health;

    PosixMqBinderQueueHealthIndicator(PosixMqQueues queues, String key, @Nullable Double fullThreshold) {
        Assert.isTrue(fullThreshold == null || (fullThreshold > 0 && fullThreshold <= 1),
                () -> "posixmq.health.full-threshold must be greater than 0 and at most 1, got " + fullThreshold);
        this.health = new PosixMqQueueHealth(queues, key, fullThreshold);
    }

    @Override
    public Health health() {
        PosixMqQueueHealth.Result result = this.health.check();
        return Health.status(result.status().name()).withDetails(result.details()).build();
    }
}
