package io.github.posixmq.integration;

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
}
