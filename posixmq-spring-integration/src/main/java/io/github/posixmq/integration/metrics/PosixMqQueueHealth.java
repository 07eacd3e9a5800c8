package io.github.posixmq.integration.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

import io.github.posixmq.Attributes;
import io.github.posixmq.integration.runtime.PosixMqQueueProbe;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The health of one queue of a registry, without Spring Boot (the Boot module's and the binder's health indicators
 * turn each {@link #check()} into a {@code Health}): UP when the descriptor the registry holds still carries the
 * configured name and its attributes can be read (details {@code queue}, {@code currentMessages}, {@code capacity},
 * {@code maxMessageSize}, and {@code fullThreshold} when set); DOWN with the error when not (removed with
 * {@code mq_unlink}, detached, refused by the ownership check, closed ...); DOWN too while fewer of the queue's
 * inbound receivers run than its concurrency; OUT_OF_SERVICE when a full threshold is set and the queue holds at
 * least that fraction of its capacity, or while the queue's inbound adapter waits for room in its full dead-letter
 * queue. An existing queue created with other attributes than configured shows {@code attributeMismatch}, status
 * unchanged. A check opens no descriptor (closing one would drop this process's {@code mq_notify} registration on
 * the queue).
 */
public final class PosixMqQueueHealth {

    private final PosixMqQueues queues;

    private final String key;

    private final @Nullable Double fullThreshold;

    private final BooleanSupplier blockedOnDeadLetterQueue;

    private final IntSupplier missingReceivers;

    /**
     * The health of the queue under {@code key} in {@code queues}, with no inbound adapter to watch.
     *
     * @param fullThreshold fraction of the capacity (greater than 0, at most 1) at which the queue is
     *        OUT_OF_SERVICE, or null to never report it
     */
    public PosixMqQueueHealth(PosixMqQueues queues, String key, @Nullable Double fullThreshold) {
        this(queues, key, fullThreshold, () -> false, () -> 0);
    }

    /**
     * Like {@link #PosixMqQueueHealth(PosixMqQueues, String, Double)}; OUT_OF_SERVICE while
     * {@code blockedOnDeadLetterQueue} is true (the queue's inbound adapter waits for room in its full dead-letter
     * queue, so it receives nothing meanwhile), DOWN while {@code missingReceivers} is above 0 (fewer of the queue's
     * inbound receivers run than its concurrency: one ended unexpectedly and is not restarted yet).
     */
    public PosixMqQueueHealth(PosixMqQueues queues, String key, @Nullable Double fullThreshold,
            BooleanSupplier blockedOnDeadLetterQueue, IntSupplier missingReceivers) {
        Assert.notNull(queues, "queues must not be null");
        Assert.notNull(key, "key must not be null");
        Assert.notNull(blockedOnDeadLetterQueue, "blockedOnDeadLetterQueue must not be null");
        Assert.notNull(missingReceivers, "missingReceivers must not be null");
        Assert.isTrue(fullThreshold == null || (fullThreshold > 0 && fullThreshold <= 1),
                () -> "fullThreshold must be greater than 0 and at most 1, got " + fullThreshold);
        this.queues = queues;
        this.key = key;
        this.fullThreshold = fullThreshold;
        this.blockedOnDeadLetterQueue = blockedOnDeadLetterQueue;
        this.missingReceivers = missingReceivers;
    }

    /** Reads the queue now (one {@code mq_getattr} on the held descriptor). */
    public Result check() {
        Map<String, Object> details = new LinkedHashMap<>();
        String name = this.queues.queueName(this.key);
        Attributes attributes;
        try {
            attributes = PosixMqQueueProbe.check(this.queues, this.key);
        }
        catch (RuntimeException ex) {
            details.put("error", ex.getClass().getName() + ": " + ex.getMessage());
            details.put("queue", name);
            return new Result(Status.DOWN, details);
        }
        int missing = this.missingReceivers.getAsInt();
        if (missing > 0) {
            details.put("queue", name);
            details.put("missingReceivers", missing + " of the inbound adapter's receivers do not run (ended "
                    + "unexpectedly; restarted while the adapter runs)");
            return new Result(Status.DOWN, details);
        }
        boolean blocked = this.blockedOnDeadLetterQueue.getAsBoolean();
        if (blocked) {
            String deadLetter = this.queues.info(this.key).inbound().deadLetterQueue();
            details.put("blockedOnDeadLetterQueue", "dead-letter queue "
                    + (deadLetter != null ? this.queues.queueName(deadLetter) : "") + " is full: the inbound adapter "
                    + "waits for room (at most " + this.queues.prefix(this.key) + ".inbound.dead-letter-send-timeout) "
                    + "and receives nothing meanwhile");
        }
        details.put("queue", name);
        details.put("currentMessages", attributes.currentMessages());
        details.put("capacity", attributes.capacity());
        details.put("maxMessageSize", attributes.maxMessageSize());
        if (this.fullThreshold != null) {
            details.put("fullThreshold", this.fullThreshold);
        }
        // an existing queue created with other attributes works, but not as configured: shown, status unchanged
        this.queues.attributeMismatch(this.key).ifPresent((mismatch) -> details.put("attributeMismatch", mismatch));
        return new Result(blocked || isFull(attributes) ? Status.OUT_OF_SERVICE : Status.UP, details);
    }

    private boolean isFull(Attributes attributes) {
        return this.fullThreshold != null && attributes.capacity() > 0
                && (double) attributes.currentMessages() / attributes.capacity() >= this.fullThreshold;
    }

    /** The status of a queue, named as Spring Boot's health status codes. */
    public enum Status {

        /** The queue can be read, and is not full nor blocked. */
        UP,

        /** The queue cannot be read, or receivers are missing. */
        DOWN,

        /** The queue is at its full threshold, or its inbound adapter waits on a full dead-letter queue. */
        OUT_OF_SERVICE
    }

    /**
     * The outcome of one check.
     *
     * @param status the status; {@code status().name()} is Spring Boot's status code
     * @param details the details, in the order to show them ({@code error} as Spring Boot's
     *        {@code Health.Builder.withException} writes it)
     */
    public record Result(Status status, Map<String, Object> details) {

        /** A result with an unmodifiable copy of {@code details}, in their order. */
        public Result {
            Assert.notNull(status, "status must not be null");
            details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }
}
