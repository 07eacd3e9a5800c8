package io.github.posixmq.integration.inbound;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.posixmq.integration.PosixMqLogText;
import io.github.posixmq.integration.PosixMqOperationListener;
import org.jspecify.annotations.Nullable;

import org.springframework.core.AttributeAccessor;
import org.springframework.core.log.LogAccessor;
import org.springframework.integration.core.RecoveryCallback;
import org.springframework.integration.handler.advice.ErrorMessageSendingRecoverer;
import org.springframework.integration.support.ErrorMessageUtils;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.converter.MessageConversionException;

/**
 * How {@link PosixMqMessageProducer} hands one received message to its flow: mapped, sent with retries and back-off;
 * a message that keeps failing goes to the recovery callback (or is dropped loudly without one), then to the error
 * channel. One instance per start of the adapter, with the settings of that start.
 */
final class InboundDelivery {

    private final PosixMqInboundMessageMapper mapper;

    private final Consumer<Message<?>> output;

    private final String queueName;

    private final @Nullable String deadLetterQueueName;

    private final int attempts;

    private final Duration initialInterval;

    private final double multiplier;

    private final Duration maxInterval;

    private final ReceiverThreads threads;

    private final @Nullable RecoveryCallback<?> recoveryCallback;

    private final Supplier<PosixMqOperationListener> listener;

    private final Supplier<@Nullable ErrorMessageSendingRecoverer> errors;

    private final LogAccessor logger;

    private final String owner;

    private final IntSupplier loggedBytes;

    InboundDelivery(PosixMqInboundMessageMapper mapper, Consumer<Message<?>> output, String queueName,
            @Nullable String deadLetterQueueName, int attempts, Duration initialInterval, double multiplier,
            Duration maxInterval, ReceiverThreads threads, @Nullable RecoveryCallback<?> recoveryCallback,
            Supplier<PosixMqOperationListener> listener, Supplier<@Nullable ErrorMessageSendingRecoverer> errors,
            LogAccessor logger, String owner, IntSupplier loggedBytes) {
        this.mapper = mapper;
        this.output = output;
        this.queueName = queueName;
        this.deadLetterQueueName = deadLetterQueueName;
        this.attempts = attempts;
        this.initialInterval = initialInterval;
        this.multiplier = multiplier;
        this.maxInterval = maxInterval;
        this.threads = threads;
        this.recoveryCallback = recoveryCallback;
        this.listener = listener;
        this.errors = errors;
        this.logger = logger;
        this.owner = owner;
        this.loggedBytes = loggedBytes;
    }

    /** Maps {@code received} and sends it to the output channel; a failure is recovered and routed as an error. */
    void deliver(io.github.posixmq.Message received, BooleanSupplier active) {
        Message<?> message;
        try {
            message = this.mapper.toMessage(received);
        }
        catch (MessageConversionException ex) {
            Message<?> raw = ex.getFailedMessage();
            recover(raw != null ? raw : this.mapper.toMessage(received), received, ex);
            return;
        }
        long wait = this.initialInterval.toMillis();
        for (int attempt = 1;; attempt++) {
            try {
                this.output.accept(message);
                return;
            }
            catch (RuntimeException ex) {
                if (attempt >= this.attempts || !active.getAsBoolean()) {
                    recover(message, received, ex);
                    return;
                }
                int failed = attempt;
                long pause = wait;
                this.logger.debug(() -> this.owner + ": attempt " + failed + " of " + this.attempts + " failed (" + ex
                        + "); trying again in " + pause + "ms");
                this.threads.pause(Math.max(1, wait), active);
                wait = Math.min((long) (wait * this.multiplier), this.maxInterval.toMillis());
            }
        }
    }

    private void recover(Message<?> message, io.github.posixmq.Message received, RuntimeException failure) {
        MessagingException error = failure instanceof MessagingException messaging ? messaging
                : new MessagingException(message, "failed to handle a message from queue " + this.queueName, failure);
        AttributeAccessor context = ErrorMessageUtils.getAttributeAccessor(message, message);
        context.setAttribute(PosixMqDeadLetterRecoverer.RECEIVED_MESSAGE, received);
        RecoveryCallback<?> callback = this.recoveryCallback;
        // one line per failed message, peer text escaped; the stack trace at DEBUG
        String what = "a message from queue " + PosixMqLogText.escape(this.queueName) + " (priority "
                + received.priority() + ", " + received.bytes().length + " bytes)";
        String outcome;
        if (callback != null) {
            Object result;
            try {
                result = callback.recover(context, error);
            }
            catch (RuntimeException ex) {
                result = null;
                this.logger.error("The recovery callback of " + this.owner + " failed (" + PosixMqLogText.cause(ex)
                        + ") for " + what + " that failed with " + PosixMqLogText.cause(error));
                this.logger.debug(ex, "Stack trace of the recovery callback's failure above");
            }
            String deadLetter = this.deadLetterQueueName;
            // a drop or a put-back has its own line already
            outcome = result == PosixMqDeadLetterRecoverer.Outcome.DROPPED
                    || result == PosixMqDeadLetterRecoverer.Outcome.PUT_BACK ? null
                            : result == PosixMqDeadLetterRecoverer.Outcome.DEAD_LETTERED && deadLetter != null
                                    ? "it went to dead-letter queue " + PosixMqLogText.escape(deadLetter)
                                    : "the recovery callback " + callback + " took it";
        }
        else {
            DroppedMessages.drop(this.listener.get(), this.queueName, received, "its flow failed " + this.attempts
                    + " time(s) and " + this.owner + " has no dead-letter queue", error, this.loggedBytes.getAsInt());
            outcome = null;
        }
        ErrorMessageSendingRecoverer errorSender;
        try {
            errorSender = this.errors.get();
        }
        catch (RuntimeException ex) {
            this.logger.error("Cannot resolve the error channel of " + this.owner + " (" + PosixMqLogText.cause(ex)
                    + "); " + what + " failed with " + PosixMqLogText.cause(error));
            return;
        }
        if (errorSender == null) {
            if (outcome != null) {
                this.logger.warn("Failed to handle " + what + ": " + PosixMqLogText.cause(error) + "; " + outcome);
                this.logger.debug(error, "Stack trace of the failure above");
            }
            return;
        }
        try {
            errorSender.recover(context, error);
        }
        catch (RuntimeException ex) {
            this.logger.error("The error channel of " + this.owner + " failed to take the error ("
                    + PosixMqLogText.cause(ex) + ") of " + what + ": " + PosixMqLogText.cause(error));
            this.logger.debug(ex, "Stack trace of the error channel's failure above");
        }
    }
}
