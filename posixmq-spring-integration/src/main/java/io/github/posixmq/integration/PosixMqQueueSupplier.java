package io.github.posixmq.integration;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueClosedException;
import io.github.posixmq.QueueWouldBlockException;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The queue a channel adapter works on, looked up at each use. {@link #of(PosixMq)} wraps a descriptor owned by the
 * caller; a registry that replaces a queue's descriptor while the application runs (such as the Spring Boot
 * {@code PosixMqQueues} after a queue's name was removed and the queue recreated) returns the new one from
 * {@link #get()}, and the adapters follow it.
 *
 * <pre>{@code
 * PosixMqQueueSupplier orders = PosixMqQueueSupplier.of(PosixMq.create("/orders"));
 * new PosixMqMessageProducer(orders);
 * }</pre>
 */
public interface PosixMqQueueSupplier extends Supplier<PosixMq> {

    /** The descriptor to use now; shared, never closed by the caller. */
    @Override
    PosixMq get();

    /** The queue name, such as {@code /orders}; the same for every descriptor {@link #get()} returns. */
    String queueName();

    /**
     * Runs {@code action} on the descriptor in use now. When it fails with a {@link QueueClosedException} because
     * {@link #get()} switched to another descriptor meanwhile, runs it once more on the new one: a closed descriptor
     * sent or received nothing.
     */
    default <T extends @Nullable Object> T execute(Function<PosixMq, T> action) {
        Assert.notNull(action, "action must not be null");
        PosixMq queue = get();
        try {
            return action.apply(queue);
        }
        catch (QueueClosedException ex) {
            return action.apply(replacement(queue, ex));
        }
    }

    /** The descriptor {@link #get()} switched to after {@code closed} was closed; {@code ex} again when none. */
    private PosixMq replacement(PosixMq closed, QueueClosedException ex) {
        PosixMq current = get();
        if (current == closed) {
            throw ex;
        }
        return current;
    }

    /**
     * Sends {@code message} with {@code priority}, waiting at most {@code timeout} for room (zero: not at all), like
     * {@link #execute}: a switch to another descriptor is followed within the same timeout. False when the queue
     * stayed full.
     */
    default boolean send(byte[] message, int priority, Duration timeout) {
        Assert.notNull(timeout, "timeout must not be null");
        Assert.isTrue(!timeout.isNegative(), "timeout must not be negative");
        // a relative timeout and no lambda: a send that finds room reads no clock and allocates nothing; only a switch
        // of descriptors needs the start
        boolean wait = !timeout.isZero();
        long start = wait ? System.nanoTime() : 0;
        PosixMq queue = get();
        try {
            return wait ? queue.send(message, priority, timeout) : queue.trySend(message, priority);
        }
        catch (QueueClosedException ex) {
            PosixMq current = replacement(queue, ex);
            Duration left = wait ? timeout.minusNanos(System.nanoTime() - start) : Duration.ZERO;
            return (left.isNegative() || left.isZero()) ? current.trySend(message, priority)
                    : current.send(message, priority, left);
        }
    }

    /**
     * Sends like {@link #send(byte[], int, Duration)}; a queue that stayed full for the whole {@code timeout} is a
     * {@link QueueWouldBlockException} that names the queue, its capacity and the timeout.
     */
    default void sendOrThrow(byte[] message, int priority, Duration timeout) {
        if (!send(message, priority, timeout)) {
            throw new QueueWouldBlockException("queue " + queueName() + " stayed full (" + get().capacity()
                    + " messages) for the send timeout of " + timeout + "; is anything receiving from it?", 0,
                    queueName());
        }
    }

    /** A supplier of {@code queue} itself, which stays owned by the caller. */
    static PosixMqQueueSupplier of(PosixMq queue) {
        return new FixedPosixMqQueueSupplier(queue);
    }
}
