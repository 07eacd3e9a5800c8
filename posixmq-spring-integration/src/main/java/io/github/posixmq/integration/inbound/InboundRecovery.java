package io.github.posixmq.integration.inbound;

import java.time.Duration;
import java.util.function.Supplier;

import io.github.posixmq.integration.PosixMqLogText;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.core.log.LogAccessor;
import org.springframework.integration.core.RecoveryCallback;
import org.springframework.integration.handler.advice.ErrorMessageSendingRecoverer;
import org.springframework.integration.support.ErrorMessageStrategy;
import org.springframework.messaging.MessageChannel;
import org.springframework.util.Assert;

/**
 * What a {@link PosixMqMessageProducer} does with a message whose flow fails: how often it is tried again, what
 * recovers it then (the recovery callback; by default a {@link PosixMqDeadLetterRecoverer} when a dead-letter queue
 * is set, else a loud drop), how many of its bytes a drop logs, and the sender of error messages to the error
 * channel. Each start of the adapter takes these as an {@link InboundPolicy}.
 */
final class InboundRecovery {

    private final PosixMqQueueSupplier queue;

    private @Nullable PosixMqQueueSupplier deadLetterQueue;

    private @Nullable RecoveryCallback<?> recoveryCallback;

    private @Nullable ErrorMessageSendingRecoverer errorRecoverer;

    private InboundPolicy.Retry retry = new InboundPolicy.Retry(3, Duration.ofMillis(100), 2, Duration.ofSeconds(2));

    private Duration deadLetterSendTimeout = Duration.ofSeconds(5);

    private int loggedBytes = PosixMqLogText.DEFAULT_LOGGED_BYTES;

    /** The recovery of messages received from {@code queue}. */
    InboundRecovery(PosixMqQueueSupplier queue) {
        this.queue = queue;
    }

    /** Sets the dead-letter queue (null: none); it may not be the queue received from. */
    void setDeadLetterQueue(@Nullable PosixMqQueueSupplier deadLetterQueue) {
        Assert.isTrue(deadLetterQueue == null || !deadLetterQueue.queueName().equals(this.queue.queueName()),
                "a queue cannot be its own dead-letter queue");
        this.deadLetterQueue = deadLetterQueue;
    }

    /** The dead-letter queue as set, or null. */
    @Nullable PosixMqQueueSupplier deadLetterQueue() {
        return this.deadLetterQueue;
    }

    /** Sets what runs for a message whose flow failed on every attempt (null: the default). */
    void setRecoveryCallback(@Nullable RecoveryCallback<?> recoveryCallback) {
        this.recoveryCallback = recoveryCallback;
    }

    /** Sets the attempts and the back-off between them. */
    void setRetry(int attempts, Duration initialInterval, double multiplier, Duration maxInterval) {
        Assert.isTrue(attempts >= 1, "attempts must be at least 1");
        Assert.isTrue(initialInterval != null && !initialInterval.isNegative(), "initialInterval must not be negative");
        Assert.isTrue(multiplier >= 1, "multiplier must be at least 1");
        Assert.isTrue(maxInterval != null && maxInterval.compareTo(initialInterval) >= 0,
                "maxInterval must not be shorter than initialInterval");
        this.retry = new InboundPolicy.Retry(attempts, initialInterval, multiplier, maxInterval);
    }

    /** How often the flow is tried for a message before it is recovered. */
    int retryAttempts() {
        return this.retry.attempts();
    }

    /** Sets how long the default dead-letter recoverer waits for room in a full dead-letter queue. */
    void setDeadLetterSendTimeout(Duration timeout) {
        Assert.isTrue(timeout != null && !timeout.isNegative(), "timeout must not be negative");
        this.deadLetterSendTimeout = timeout;
    }

    /** How long a dead-letter send waits for room. */
    Duration deadLetterSendTimeout() {
        return this.deadLetterSendTimeout;
    }

    /** Sets how many bytes of a dropped message its ERROR line shows, base64. */
    void setLoggedBytes(int loggedBytes) {
        Assert.isTrue(loggedBytes >= 0, "loggedBytes must not be negative");
        this.loggedBytes = loggedBytes;
        if (this.recoveryCallback instanceof PosixMqDeadLetterRecoverer recoverer) {
            recoverer.setLoggedBytes(loggedBytes);
        }
    }

    /** Whether a receiving thread waits now for room in the full dead-letter queue. */
    boolean isBlockedOnDeadLetterQueue() {
        return this.recoveryCallback instanceof PosixMqDeadLetterRecoverer recoverer && recoverer.isBlocked();
    }

    /**
     * At the adapter's initialization: without a recovery callback, a {@link PosixMqDeadLetterRecoverer} when a
     * dead-letter queue is set, else a warning that failed messages are dropped.
     */
    void init(PosixMqOperationListener listener, LogAccessor logger, Object owner) {
        PosixMqQueueSupplier deadLetter = this.deadLetterQueue;
        if (this.recoveryCallback == null && deadLetter != null) {
            PosixMqDeadLetterRecoverer recoverer = new PosixMqDeadLetterRecoverer(deadLetter, this.queue.queueName());
            recoverer.setOperationListener(listener);
            recoverer.setSendTimeout(this.deadLetterSendTimeout);
            recoverer.setLoggedBytes(this.loggedBytes);
            recoverer.setSourceQueue(this.queue);
            this.recoveryCallback = recoverer;
        }
        if (this.recoveryCallback == null) {
            logger.warn(() -> owner + " has no dead-letter queue: a message whose flow fails " + retryAttempts()
                    + " time(s) is DROPPED, logged at ERROR with its bytes (base64) and counted; set a dead-letter "
                    + "queue to keep such messages");
        }
    }

    /** At a start: the default dead-letter recoverer waits for room again. */
    void resumeWaiting() {
        if (this.recoveryCallback instanceof PosixMqDeadLetterRecoverer recoverer) {
            recoverer.resumeWaiting();
        }
    }

    /** At a stop: a message waiting for room in the full dead-letter queue goes back to its queue at once. */
    void stopWaiting() {
        if (this.recoveryCallback instanceof PosixMqDeadLetterRecoverer recoverer) {
            recoverer.stopWaiting();
        }
    }

    /**
     * The policy of one start.
     *
     * @param listener told of drops
     * @param errors Spring Integration's sender of error messages, or null without an error channel
     * @param owner the adapter, for log lines
     */
    InboundPolicy policy(Supplier<PosixMqOperationListener> listener,
            Supplier<@Nullable ErrorMessageSendingRecoverer> errors, String owner) {
        PosixMqQueueSupplier deadLetter = this.deadLetterQueue;
        return new InboundPolicy(this.queue.queueName(), deadLetter != null ? deadLetter.queueName() : null,
                this.retry, this.recoveryCallback, listener, errors, owner, () -> this.loggedBytes);
    }

    /**
     * Spring Integration's sender of error messages to {@code channel} (created once, when there is a channel), or
     * null when the channel resolves to null.
     */
    @Nullable ErrorMessageSendingRecoverer errorRecoverer(Supplier<@Nullable MessageChannel> channel,
            Supplier<ErrorMessageStrategy> strategy, @Nullable BeanFactory beanFactory) {
        ErrorMessageSendingRecoverer recoverer = this.errorRecoverer;
        if (recoverer == null) {
            MessageChannel errorChannel = channel.get();
            if (errorChannel == null) {
                return null;
            }
            recoverer = new ErrorMessageSendingRecoverer(errorChannel, strategy.get());
            if (beanFactory != null) {
                recoverer.setBeanFactory(beanFactory);
            }
            this.errorRecoverer = recoverer;
        }
        return recoverer;
    }
}
