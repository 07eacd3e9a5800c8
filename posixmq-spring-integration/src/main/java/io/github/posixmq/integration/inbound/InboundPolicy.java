package io.github.posixmq.integration.inbound;

import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import io.github.posixmq.integration.PosixMqOperationListener;
import org.jspecify.annotations.Nullable;

import org.springframework.integration.core.RecoveryCallback;
import org.springframework.integration.handler.advice.ErrorMessageSendingRecoverer;

/**
 * What {@link InboundDelivery} does with the messages of one start of a {@link PosixMqMessageProducer}: how often
 * and with which back-off a failed flow is tried again, what recovers a message that keeps failing, where errors
 * go, and how the adapter is named in log lines.
 *
 * @param queueName the queue received from
 * @param deadLetterQueueName the dead-letter queue, or null (for log lines)
 * @param retry attempts and back-off
 * @param recoveryCallback what runs for a message whose flow failed on every attempt; null: it is dropped loudly
 * @param listener told of drops
 * @param errors Spring Integration's sender of error messages, or null when there is no error channel
 * @param owner the adapter, for log lines
 * @param loggedBytes how many bytes of a dropped message its DROPPED line shows (base64)
 */
record InboundPolicy(String queueName, @Nullable String deadLetterQueueName, Retry retry,
        @Nullable RecoveryCallback<?> recoveryCallback, Supplier<PosixMqOperationListener> listener,
        Supplier<@Nullable ErrorMessageSendingRecoverer> errors, String owner, IntSupplier loggedBytes) {

    /**
     * How often the flow is tried and the back-off between attempts: {@code initialInterval}, times
     * {@code multiplier} after each attempt, at most {@code maxInterval}.
     */
    record Retry(int attempts, Duration initialInterval, double multiplier, Duration maxInterval) {
    }
}
