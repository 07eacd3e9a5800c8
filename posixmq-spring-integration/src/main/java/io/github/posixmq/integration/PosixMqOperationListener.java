package io.github.posixmq.integration;

import java.util.function.ObjLongConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Told of every send and receive made by the channel adapters (and the Spring Boot {@code PosixMqTemplate}), so
 * that metrics (and anything else) can observe them without the callers knowing about Micrometer.
 */
public interface PosixMqOperationListener {

    /** A listener that does nothing. */
    PosixMqOperationListener NOOP = new PosixMqOperationListener() {
    };

    /**
     * A send finished: {@code failure} is null when the message was sent.
     *
     * @param queueName the queue name, such as {@code /orders}
     * @param durationNanos time spent in the send, including any wait for room
     * @param failure why it failed (timeout, closed queue, too large ...), or null
     */
    default void onSend(String queueName, long durationNanos, @Nullable Throwable failure) {
    }

    /**
     * A receive finished with a message in hand ({@code failure} null) or failed. Idle waits and timeouts that
     * received nothing are not reported.
     *
     * @param queueName the queue name, such as {@code /orders}
     * @param durationNanos time spent in the receive system call once a message was available
     * @param failure why it failed, or null
     */
    default void onReceive(String queueName, long durationNanos, @Nullable Throwable failure) {
    }

    /**
     * A received message was dropped: its flow failed on every attempt and it could not be kept (no dead-letter
     * queue, or the dead-letter send failed or timed out). It was logged at ERROR with its bytes.
     *
     * @param queueName the queue it was received from, such as {@code /orders}
     * @param priority its priority
     * @param size its size in bytes
     */
    default void onDrop(String queueName, int priority, int size) {
    }

    /**
     * The in-flight journal delivered a message again whose length it inferred: a crash caught it inside the receive
     * system call, after the kernel copied it into the journal, before its length was recorded. Trailing zero bytes
     * of such a message are lost. It was logged at WARN and carries {@code posixmq_lengthInferred=true}.
     *
     * @param queueName the queue it was received from, such as {@code /orders}
     * @param priority its priority
     * @param size its inferred size in bytes
     */
    default void onRecoveredLengthInferred(String queueName, int priority, int size) {
    }

    /**
     * A receiver of the queue ended unexpectedly (a receiving thread, a selector thread or a worker failed outside a
     * message's flow) and was restarted while its adapter runs.
     *
     * @param queueName the queue it receives from, such as {@code /orders}
     */
    default void onReceiverRestart(String queueName) {
    }

    /**
     * A received message whose flow failed was sent to the dead-letter queue (with its original bytes and priority).
     *
     * @param queueName the queue it was received from, such as {@code /orders}
     * @param deadLetterQueueName the dead-letter queue it was sent to
     * @param priority its priority
     * @param size its size in bytes
     */
    default void onDeadLetter(String queueName, String deadLetterQueueName, int priority, int size) {
    }

    /**
     * Runs {@code send} and tells {@link #onSend} how long it took and what it threw, if anything.
     *
     * @return what {@code send} returned
     */
    default <T extends @Nullable Object> T timedSend(String queueName, Supplier<T> send) {
        return timed(send, (result) -> true, (failure, nanos) -> onSend(queueName, nanos, failure));
    }

    /**
     * Runs {@code receive} and tells {@link #onReceive} how long it took when it failed or when its result is a
     * message in hand ({@code received} is true for it); a receive that found nothing is not reported.
     *
     * @return what {@code receive} returned
     */
    default <T extends @Nullable Object> T timedReceive(String queueName, Supplier<T> receive,
            Predicate<? super T> received) {
        return timed(receive, received, (failure, nanos) -> onReceive(queueName, nanos, failure));
    }

    private static <T extends @Nullable Object> T timed(Supplier<T> operation, Predicate<? super T> reported,
            ObjLongConsumer<@Nullable Throwable> outcome) {
        long start = System.nanoTime();
        T result;
        try {
            result = operation.get();
        }
        catch (RuntimeException ex) {
            outcome.accept(ex, System.nanoTime() - start);
            throw ex;
        }
        if (reported.test(result)) {
            outcome.accept(null, System.nanoTime() - start);
        }
        return result;
    }
}
