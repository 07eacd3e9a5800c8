package io.github.posixmq.stream.binder.actuate;

import io.github.posixmq.Attributes;
import io.github.posixmq.integration.runtime.PosixMqQueueProbe;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.util.Assert;

/**
 * Health of one queue the binder provisioned, read like {@code posixmq.queues.*} health through the runtime's
 * {@link PosixMqQueueProbe} (no descriptor opened): UP with {@code queue}, {@code currentMessages}, {@code capacity}
 * and {@code maxMessageSize}; DOWN with the error when the queue was removed, detached or closed; OUT_OF_SERVICE at
 * the full threshold.
 */
final class PosixMqBinderQueueHealthIndicator implements HealthIndicator {

    private final PosixMqQueues queues;

    private final String key;

    private final @Nullable Double fullThreshold;

    PosixMqBinderQueueHealthIndicator(PosixMqQueues queues, String key, @Nullable Double fullThreshold) {
        Assert.isTrue(fullThreshold == null || (fullThreshold > 0 && fullThreshold <= 1),
                () -> "posixmq.health.full-threshold must be greater than 0 and at most 1, got " + fullThreshold);
        this.queues = queues;
        this.key = key;
        this.fullThreshold = fullThreshold;
    }

    @Override
    public Health health() {
        String name = this.queues.queueName(this.key);
        Attributes attributes;
        try {
            attributes = PosixMqQueueProbe.check(this.queues, this.key);
        }
        catch (RuntimeException ex) {
            return Health.down(ex).withDetail("queue", name).build();
        }
        boolean full = this.fullThreshold != null && attributes.capacity() > 0
                && (double) attributes.currentMessages() / attributes.capacity() >= this.fullThreshold;
        Health.Builder builder = full ? Health.outOfService() : Health.up();
        builder.withDetail("queue", name)
            .withDetail("currentMessages", attributes.currentMessages())
            .withDetail("capacity", attributes.capacity())
            .withDetail("maxMessageSize", attributes.maxMessageSize());
        if (this.fullThreshold != null) {
            builder.withDetail("fullThreshold", this.fullThreshold);
        }
        return builder.build();
    }
}
