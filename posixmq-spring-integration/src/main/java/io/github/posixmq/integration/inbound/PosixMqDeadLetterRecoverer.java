package io.github.posixmq.integration.inbound;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.AttributeAccessor;
import org.springframework.integration.core.RecoveryCallback;
import org.springframework.util.Assert;

/**
 * Recovers a message whose flow failed by sending its original bytes, with its priority, to a dead-letter queue.
 * The received message is the context attribute {@value #RECEIVED_MESSAGE}. When the dead-letter queue is full it
 * waits for room up to the {@link #setSendTimeout send timeout}; when that expires or the send fails, the message
 * is dropped loudly: one ERROR line with its priority and bytes (base64), and
 * {@link PosixMqOperationListener#onDrop}.
 */
public final class PosixMqDeadLetterRecoverer implements RecoveryCallback<@Nullable Object> {

    /** Context attribute holding the {@link io.github.posixmq.Message} as received from the queue. */
    public static final String RECEIVED_MESSAGE = "posixmq_receivedMessage";

    private static final Log logger = LogFactory.getLog(PosixMqDeadLetterRecoverer.class);

    private final PosixMqQueueSupplier deadLetterQueue;

    private final String sourceQueueName;

    private PosixMqOperationListener listener = PosixMqOperationListener.NOOP;

    private Duration sendTimeout = Duration.ofSeconds(5);

    private final AtomicInteger blocked = new AtomicInteger();

    /**
     * A recoverer sending to {@code deadLetterQueue} (looked up for each message) the failed messages of the queue
     * named {@code sourceQueueName}.
     */
    public PosixMqDeadLetterRecoverer(PosixMqQueueSupplier deadLetterQueue, String sourceQueueName) {
        Assert.notNull(deadLetterQueue, "deadLetterQueue must not be null");
        Assert.isTrue(!deadLetterQueue.queueName().equals(sourceQueueName), "a queue cannot be its own dead-letter queue");
        this.deadLetterQueue = deadLetterQueue;
        this.sourceQueueName = sourceQueueName;
    }

    /** The dead-letter queue. */
    public PosixMqQueueSupplier getDeadLetterQueue() {
        return this.deadLetterQueue;
    }

    /**
     * Sets how long a dead-letter send waits for room in a full dead-letter queue (default 5s); when it expires the
     * message is dropped loudly (ERROR with its bytes, {@link PosixMqOperationListener#onDrop}).
     */
    public void setSendTimeout(Duration sendTimeout) {
        Assert.notNull(sendTimeout, "sendTimeout must not be null");
        Assert.isTrue(!sendTimeout.isNegative(), "sendTimeout must not be negative");
        this.sendTimeout = sendTimeout;
    }

    /** Sets the listener told of every dead-letter send. */
    public void setOperationListener(PosixMqOperationListener listener) {
        Assert.notNull(listener, "listener must not be null");
        this.listener = listener;
    }

    @Override
    public @Nullable Object recover(AttributeAccessor context, Throwable cause) {
        Object attribute = context.getAttribute(RECEIVED_MESSAGE);
        Assert.state(attribute instanceof io.github.posixmq.Message, () -> "no " + RECEIVED_MESSAGE + " attribute");
        io.github.posixmq.Message received = (io.github.posixmq.Message) attribute;
        String name = this.deadLetterQueue.queueName();
        boolean sent;
        try {
            sent = this.listener.timedSend(name, () -> this.deadLetterQueue.execute((queue) -> {
                if (queue.trySend(received.bytes(), received.priority())) {
                    return true;
                }
                logger.warn("Dead-letter queue " + name + " is full; waiting up to " + this.sendTimeout
                        + " for room to keep a failed message from queue " + this.sourceQueueName);
                this.blocked.incrementAndGet();
                try {
                    return queue.send(received.bytes(), received.priority(), this.sendTimeout);
                }
                finally {
                    this.blocked.decrementAndGet();
                }
            }));
        }
        catch (RuntimeException ex) {
            DroppedMessages.drop(this.listener, this.sourceQueueName, received, "it could not be sent to dead-letter "
                    + "queue " + name + " (" + ex + ")", cause);
            return null;
        }
        if (!sent) {
            DroppedMessages.drop(this.listener, this.sourceQueueName, received, "dead-letter queue " + name
                    + " stayed full for " + this.sendTimeout + " (dead-letter send timeout)", cause);
        }
        else {
            this.listener.onDeadLetter(this.sourceQueueName, name, received.priority(), received.bytes().length);
        }
        return null;
    }

    /** Whether a thread waits now for room in the full dead-letter queue (health is not UP meanwhile). */
    public boolean isBlocked() {
        return this.blocked.get() > 0;
    }

    @Override
    public String toString() {
        return "PosixMqDeadLetterRecoverer[" + this.sourceQueueName + " -> " + this.deadLetterQueue.queueName() + "]";
    }
}
