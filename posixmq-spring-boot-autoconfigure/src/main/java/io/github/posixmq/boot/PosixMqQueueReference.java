package io.github.posixmq.boot;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueClosedException;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The queue that {@link PosixMqTemplate} or a channel adapter works on, looked up at each use: either a queue of
 * {@link PosixMqQueues} by key, which follows the registry when recovery switches to a recreated queue, or a fixed
 * descriptor owned by the caller (no recovery).
 *
 * <pre>{@code
 * PosixMqQueueReference orders = PosixMqQueueReference.of(queues, "orders");
 * orders.send(bytes, 5, Duration.ofSeconds(1));
 * }</pre>
 */
public final class PosixMqQueueReference {

    private final @Nullable PosixMqQueues queues;

    private final @Nullable String key;

    private final @Nullable PosixMq queue;

    private final String name;

    private PosixMqQueueReference(@Nullable PosixMqQueues queues, @Nullable String key, @Nullable PosixMq queue,
            String name) {
        this.queues = queues;
        this.key = key;
        this.queue = queue;
        this.name = name;
    }

    /** A reference to {@code queue} itself; it stays owned by the caller. */
    public static PosixMqQueueReference of(PosixMq queue) {
        Assert.notNull(queue, "queue must not be null");
        return new PosixMqQueueReference(null, null, queue, queue.name());
    }

    /** A reference to the queue configured under {@code key}, following the registry's recovery. */
    public static PosixMqQueueReference of(PosixMqQueues queues, String key) {
        Assert.notNull(queues, "queues must not be null");
        return new PosixMqQueueReference(queues, key, null, queues.queueName(key));
    }

    /** The descriptor to use now. */
    public PosixMq get() {
        PosixMqQueues queues = this.queues;
        String key = this.key;
        if (queues != null && key != null) {
            return queues.get(key);
        }
        PosixMq queue = this.queue;
        Assert.state(queue != null, "no queue");
        return queue;
    }

    /** The queue name, such as {@code /orders}. */
    public String name() {
        return this.name;
    }

    /** The key under {@code posixmq.queues} for a registry queue, else null. */
    public @Nullable String key() {
        return this.key;
    }

    /**
     * Runs {@code action} on the descriptor in use now. When it fails with a {@link QueueClosedException} because
     * the registry switched to a recreated queue meanwhile, runs it once more on the new descriptor: a closed
     * descriptor sent or received nothing.
     */
    public <T extends @Nullable Object> T execute(Function<PosixMq, T> action) {
        Assert.notNull(action, "action must not be null");
        PosixMq queue = get();
        try {
            return action.apply(queue);
        }
        catch (QueueClosedException ex) {
            return action.apply(replacementOf(queue, ex));
        }
    }

    /**
     * Sends {@code message} with {@code priority}, waiting at most {@code timeout} for room (zero: not at all), like
     * {@link #execute}: a switch to a recreated queue is followed within the same timeout. False when the queue
     * stayed full.
     */
    public boolean send(byte[] message, int priority, Duration timeout) {
        Assert.notNull(timeout, "timeout must not be null");
        Assert.isTrue(!timeout.isNegative(), "timeout must not be negative");
        if (timeout.isZero()) {
            return execute((queue) -> queue.trySend(message, priority));
        }
        Instant deadline = Instant.now().plus(timeout);
        return execute((queue) -> queue.sendUntil(message, priority, deadline));
    }

    /** The descriptor that replaced {@code used}; rethrows {@code failure} when there is none. */
    private PosixMq replacementOf(PosixMq used, QueueClosedException failure) {
        PosixMqQueues queues = this.queues;
        String key = this.key;
        if (queues == null || key == null) {
            throw failure;
        }
        PosixMq current = queues.get(key);
        if (current == used) {
            throw failure;
        }
        return current;
    }

    @Override
    public String toString() {
        return "PosixMqQueueReference[" + this.name + (this.key != null ? ", posixmq.queues." + this.key : "") + "]";
    }
}
