package io.github.posixmq.integration.inbound;

import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Consumer;

import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.PosixMqLogText;
import io.github.posixmq.integration.inbound.receiver.ReceiverThreads;
import io.github.posixmq.integration.observation.PosixMqObservation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.core.AttributeAccessor;
import org.springframework.core.log.LogAccessor;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.integration.core.RecoveryCallback;
import org.springframework.integration.handler.advice.ErrorMessageSendingRecoverer;
import org.springframework.integration.support.ErrorMessageUtils;
import org.springframework.integration.support.MessageBuilder;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * How {@link PosixMqMessageProducer} hands one received message to its flow: mapped, sent with Spring's
 * {@link RetryTemplate}; a message that keeps failing goes to the recovery callback (or is dropped loudly without
 * one), then to the error channel. Anything the flow throws takes this path, {@link Error}s included
 * ({@code StackOverflowError}, {@code NoClassDefFoundError}, {@code AssertionError} ...): one message never ends a
 * receiver. One instance per start of the adapter, with the {@link InboundPolicy} of that start.
 *
 * <p>The retry template's own back-off is a {@code Thread.sleep} that only an interrupt cuts short, and the receiving
 * thread is not ours to interrupt (it may be a shared worker or a caller's executor thread, and an interrupt would
 * reach the flow). So the back-off here waits itself, on the adapter's stop signal, and hands the template a pause
 * of zero; a stop ends the retries at once (the message is then recovered: dead-lettered or dropped loudly).
 */
final class InboundDelivery {

    private final PosixMqInboundMessageMapper mapper;

    private final Consumer<Message<?>> output;

    private final InboundPolicy policy;

    private final ReceiverThreads threads;

    private final LogAccessor logger;

    private volatile @Nullable RetryTemplate retryTemplate;

    InboundDelivery(PosixMqInboundMessageMapper mapper, Consumer<Message<?>> output, InboundPolicy policy,
            ReceiverThreads threads, LogAccessor logger) {
        this.mapper = mapper;
        this.output = output;
        this.policy = policy;
        this.threads = threads;
        this.logger = logger;
    }

    /**
     * Maps {@code received} and sends it to the output channel; a failure is recovered and routed as an error. Never
     * throws: what escapes even the error path is logged and the message dropped loudly.
     */
    void deliver(io.github.posixmq.Message received, BooleanSupplier active) {
        deliver(received, null, active);
    }

    /** Like {@link #deliver(io.github.posixmq.Message, BooleanSupplier)} with {@code headers} besides the mapped ones. */
    void deliver(io.github.posixmq.Message received, @Nullable Map<String, Object> headers, BooleanSupplier active) {
        try {
            deliverOrRecover(received, headers, active);
        }
        catch (Throwable ex) {
            try {
                DroppedMessages.drop(this.policy.listener().get(), this.policy.queueName(), received,
                        "its flow and its error handling failed in " + this.policy.owner(), ex,
                        this.policy.loggedBytes().getAsInt());
            }
            catch (Throwable again) {
                // nothing more can be done without ending the receiver; the failure was already reported above
            }
        }
    }

    private void deliverOrRecover(io.github.posixmq.Message received, @Nullable Map<String, Object> headers,
            BooleanSupplier active) {
        Message<?> message;
        try {
            message = headers != null ? this.mapper.toMessage(received, headers) : this.mapper.toMessage(received);
        }
        catch (MessageConversionException ex) {
            Message<?> raw = ex.getFailedMessage();
            recover(raw != null ? raw : MessageBuilder.withPayload(received.bytes())
                .setHeader(PosixMqHeaders.PRIORITY, received.priority())
                .setHeader(PosixMqHeaders.QUEUE, this.policy.queueName())
                .build(), received, ex);
            return;
        }
        InboundPolicy.Retry retry = this.policy.retry();
        if (retry.attempts() <= 1) {
            try {
                this.output.accept(message);
            }
            catch (Throwable ex) {
                recover(message, received, ex);
            }
            return;
        }
        RetryTemplate template = this.retryTemplate;
        if (template == null) {
            template = retryTemplate(retry, active); // the same active signal for every message of this start
            this.retryTemplate = template;
        }
        try {
            template.execute(() -> {
                this.output.accept(message);
                return null;
            });
        }
        catch (RetryException ex) {
            recover(message, received, ex.getLastException());
        }
    }

    private RetryTemplate retryTemplate(InboundPolicy.Retry retry, BooleanSupplier active) {
        RetryPolicy policy = RetryPolicy.builder()
            .predicate((failure) -> active.getAsBoolean())
            .backOff(new StoppableBackOff(retry, active))
            .build();
        return new RetryTemplate(policy);
    }

    private void recover(Message<?> message, io.github.posixmq.Message received, Throwable failure) {
        String queueName = this.policy.queueName();
        String owner = this.policy.owner();
        MessagingException error = failure instanceof MessagingException messaging ? messaging
                : new MessagingException(message, "failed to handle a message from queue " + queueName, failure);
        AttributeAccessor context = ErrorMessageUtils.getAttributeAccessor(message, message);
        context.setAttribute(PosixMqDeadLetterRecoverer.RECEIVED_MESSAGE, received);
        RecoveryCallback<?> callback = this.policy.recoveryCallback();
        // one line per failed message, peer text escaped; the stack trace at DEBUG
        String what = "a message from queue " + PosixMqLogText.escape(queueName) + " (priority "
                + received.priority() + ", " + received.bytes().length + " bytes)";
        String outcome;
        if (callback != null) {
            Object result;
            try {
                result = callback.recover(context, error);
            }
            catch (Throwable ex) {
                result = null;
                this.logger.error("The recovery callback of " + owner + " failed (" + PosixMqLogText.cause(ex)
                        + ") for " + what + " that failed with " + PosixMqLogText.cause(error));
                this.logger.debug(ex, "Stack trace of the recovery callback's failure above");
            }
            String deadLetter = this.policy.deadLetterQueueName();
            // a drop or a put-back has its own line already
            outcome = result == PosixMqDeadLetterRecoverer.Outcome.DROPPED
                    || result == PosixMqDeadLetterRecoverer.Outcome.PUT_BACK ? null
                            : result == PosixMqDeadLetterRecoverer.Outcome.DEAD_LETTERED && deadLetter != null
                                    ? "it went to dead-letter queue " + PosixMqLogText.escape(deadLetter)
                                    : "the recovery callback " + callback + " took it";
        }
        else {
            DroppedMessages.drop(this.policy.listener().get(), queueName, received, "its flow failed "
                    + this.policy.retry().attempts() + " time(s) and " + owner + " has no dead-letter queue", error,
                    this.policy.loggedBytes().getAsInt());
            outcome = null;
        }
        ErrorMessageSendingRecoverer errorSender;
        try {
            errorSender = this.policy.errors().get();
        }
        catch (Throwable ex) {
            this.logger.error("Cannot resolve the error channel of " + owner + " (" + PosixMqLogText.cause(ex)
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
        catch (Throwable ex) {
            this.logger.error("The error channel of " + owner + " failed to take the error ("
                    + PosixMqLogText.cause(ex) + ") of " + what + ": " + PosixMqLogText.cause(error));
            this.logger.debug(ex, "Stack trace of the error channel's failure above");
        }
    }

    /**
     * {@code send} (to the output channel), observed as {@code posixmq.processor} with {@code observations} unless
     * that is the no-op registry.
     */
    static Consumer<Message<?>> observed(Consumer<Message<?>> send, ObservationRegistry observations,
            String queueName) {
        return observations.isNoop() ? send
                : (message) -> PosixMqObservation.observeReceived(observations, queueName,
                        PosixMqObservation.Operation.PROCESS, message.getHeaders(), () -> {
                            send.accept(message);
                            return null;
                        });
    }

    /**
     * Exponential back-off that waits on the adapter's stop signal itself and returns a pause of zero to the
     * template, or {@link BackOffExecution#STOP} once the adapter stopped (see the class comment).
     */
    private final class StoppableBackOff implements BackOff {

        private final InboundPolicy.Retry retry;

        private final BooleanSupplier active;

        StoppableBackOff(InboundPolicy.Retry retry, BooleanSupplier active) {
            this.retry = retry;
            this.active = active;
        }

        @Override
        public BackOffExecution start() {
            return new BackOffExecution() {

                private long wait = StoppableBackOff.this.retry.initialInterval().toMillis();

                private int retries;

                @Override
                public long nextBackOff() {
                    if (++this.retries >= StoppableBackOff.this.retry.attempts()
                            || !StoppableBackOff.this.active.getAsBoolean()) {
                        return STOP;
                    }
                    long pause = this.wait;
                    InboundDelivery.this.logger.debug(() -> InboundDelivery.this.policy.owner()
                            + ": an attempt failed; trying again in " + pause + "ms");
                    InboundDelivery.this.threads.pause(Math.max(1, pause), StoppableBackOff.this.active);
                    this.wait = Math.min((long) (this.wait * StoppableBackOff.this.retry.multiplier()),
                            StoppableBackOff.this.retry.maxInterval().toMillis());
                    return StoppableBackOff.this.active.getAsBoolean() ? 0 : STOP;
                }
            };
        }
    }
}
