package io.github.posixmq.boot.actuate;

import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

import io.github.posixmq.integration.metrics.PosixMqQueueHealth;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.util.Assert;

/**
 * Health of one configured queue, as the runtime's {@link PosixMqQueueHealth} reads it (the binder's indicator reads
 * it the same way): UP when the descriptor the registry holds still carries the configured name and its attributes can
 * be read (details {@code queue}, {@code currentMessages}, {@code capacity}, {@code maxMessageSize}); DOWN with the
 * error when not (removed with {@code mq_unlink}, detached, refused by the ownership check, closed ...); DOWN too while
 * fewer of the queue's inbound receivers run than its concurrency; OUT_OF_SERVICE when a full threshold is set and the
 * queue holds at least that fraction of its capacity, or while the queue's inbound adapter waits for room in its full
 * dead-letter queue. A check opens no descriptor (closing one would drop this process's {@code mq_notify}
 * registration on the queue).
 */
public final class PosixMqQueueHealthIndicator implements HealthIndicator {

    private final PosixMqQueueHealth health;

    /**
     * Creates the indicator of the queue configured under {@code key}.
     *
     * @param fullThreshold fraction of the capacity (greater than 0, at most 1) at which the queue is
     *        OUT_OF_SERVICE, or null to never report it
     */
    public PosixMqQueueHealthIndicator(PosixMqQueues queues, String key, @Nullable Double fullThreshold) {
        this(queues, key, fullThreshold, () -> false);
    }

    /**
     * Like {@link #PosixMqQueueHealthIndicator(PosixMqQueues, String, Double)}; OUT_OF_SERVICE while
     * {@code blockedOnDeadLetterQueue} is true (the queue's inbound adapter waits for room in its full dead-letter
     * queue, so it receives nothing meanwhile).
     */
    public PosixMqQueueHealthIndicator(PosixMqQueues queues, String key, @Nullable Double fullThreshold,
            BooleanSupplier blockedOnDeadLetterQueue) {
        this(queues, key, fullThreshold, blockedOnDeadLetterQueue, () -> 0);
    }

    /**
     * Like {@link #PosixMqQueueHealthIndicator(PosixMqQueues, String, Double, BooleanSupplier)}; DOWN while
     * {@code missingReceivers} is above 0 (fewer of the queue's inbound receivers run than its concurrency: one ended
     * unexpectedly and is not restarted yet).
     */
    public PosixMqQueueHealthIndicator(PosixMqQueues queues, String key, @Nullable Double fullThreshold,
            BooleanSupplier blockedOnDeadLetterQueue, IntSupplier missingReceivers) {
        Assert.notNull(queues, "queues must not be null");
        Assert.isTrue(queues.contains(key), () -> "no queue is configured under posixmq.queues." + key);
        this.health = new PosixMqQueueHealth(queues, key, fullThreshold, blockedOnDeadLetterQueue, missingReceivers);
    }

    @Override
    public Health health() {
        PosixMqQueueHealth.Result result = this.health.check();
        return Health.status(result.status().name()).withDetails(result.details()).build();
    }
}
