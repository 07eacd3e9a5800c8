package io.github.posixmq.boot.actuate;

import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

import io.github.posixmq.Attributes;
import io.github.posixmq.integration.runtime.PosixMqQueueProbe;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.util.Assert;

/**
 * Health of one configured queue: UP when the descriptor the registry holds still carries the configured name and its
 * attributes can be read (details {@code queue}, {@code currentMessages}, {@code capacity}, {@code maxMessageSize});
 * DOWN with the error when not (removed with {@code mq_unlink}, detached, refused by the ownership check, closed ...);
 * DOWN too while fewer of the queue's inbound receivers run than its concurrency; OUT_OF_SERVICE when a full threshold is set and the queue holds at least that fraction of its capacity, or while
 * the queue's inbound adapter waits for room in its full dead-letter queue. A check opens no descriptor (closing one
 * would drop this process's {@code mq_notify} registration on the queue).
 */
public final class PosixMqQueueHealthIndicator implements HealthIndicator {

    private final PosixMqQueues queues;

    private final String key;

    private final @Nullable Double fullThreshold;

    private final BooleanSupplier blockedOnDeadLetterQueue;

    private final IntSupplier missingReceivers;

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
        Assert.notNull(blockedOnDeadLetterQueue, "blockedOnDeadLetterQueue must not be null");
        Assert.notNull(missingReceivers, "missingReceivers must not be null");
        this.blockedOnDeadLetterQueue = blockedOnDeadLetterQueue;
        this.missingReceivers = missingReceivers;
        Assert.notNull(queues, "queues must not be null");
        Assert.isTrue(queues.contains(key), () -> "no queue is configured under posixmq.queues." + key);
        Assert.isTrue(fullThreshold == null || (fullThreshold > 0 && fullThreshold <= 1),
                () -> "fullThreshold must be greater than 0 and at most 1, got " + fullThreshold);
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
        int missing = this.missingReceivers.getAsInt();
        if (missing > 0) {
            return Health.down().withDetail("queue", name).withDetail("missingReceivers", missing + " of the "
                    + "inbound adapter's receivers do not run (ended unexpectedly; restarted while the adapter runs)")
                .build();
        }
        boolean blocked = this.blockedOnDeadLetterQueue.getAsBoolean();
        Health.Builder builder = (blocked || isFull(attributes)) ? Health.outOfService() : Health.up();
        if (blocked) {
            String deadLetter = this.queues.info(this.key).inbound().deadLetterQueue();
            builder.withDetail("blockedOnDeadLetterQueue", "dead-letter queue "
                    + (deadLetter != null ? this.queues.queueName(deadLetter) : "") + " is full: the inbound adapter "
                    + "waits for room (at most " + this.queues.prefix(this.key) + ".inbound.dead-letter-send-timeout) "
                    + "and receives nothing meanwhile");
        }
        builder.withDetail("queue", name)
            .withDetail("currentMessages", attributes.currentMessages())
            .withDetail("capacity", attributes.capacity())
            .withDetail("maxMessageSize", attributes.maxMessageSize());
        if (this.fullThreshold != null) {
            builder.withDetail("fullThreshold", this.fullThreshold);
        }
        // an existing queue created with other attributes works, but not as configured: shown, status unchanged
        this.queues.attributeMismatch(this.key).ifPresent(mismatch -> builder.withDetail("attributeMismatch", mismatch));
        return builder.build();
    }

    private boolean isFull(Attributes attributes) {
        return this.fullThreshold != null && attributes.capacity() > 0
                && (double) attributes.currentMessages() / attributes.capacity() >= this.fullThreshold;
    }
}
