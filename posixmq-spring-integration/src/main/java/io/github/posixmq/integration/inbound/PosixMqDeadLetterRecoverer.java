package io.github.posixmq.integration.inbound;

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
 * waits for room, so nothing is lost; when the send fails, one ERROR line says that the message was lost, with its
 * size and priority.
 */
public final class PosixMqDeadLetterRecoverer implements RecoveryCallback<@Nullable Object> {

    /** Context attribute holding the {@link io.github.posixmq.Message} as received from the queue. */
    public static final String RECEIVED_MESSAGE = "posixmq_receivedMessage";

    private static final Log logger = LogFactory.getLog(PosixMqDeadLetterRecoverer.class);

    private final PosixMqQueueSupplier deadLetterQueue;

    private final String sourceQueueName;

    private PosixMqOperationListener listener = PosixMqOperationListener.NOOP;

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
        try {
            this.listener.timedSend(name, () -> this.deadLetterQueue.execute((queue) -> {
                if (!queue.trySend(received.bytes(), received.priority())) {
                    logger.warn("Dead-letter queue " + name + " is full; waiting for room to keep a failed message "
                            + "from queue " + this.sourceQueueName);
                    queue.send(received.bytes(), received.priority());
                }
                return null;
            }));
        }
        catch (RuntimeException ex) {
            logger.error("LOST a failed message of " + received.bytes().length + " bytes (priority "
                    + received.priority() + ") from queue " + this.sourceQueueName + ": it could not be sent to "
                    + "dead-letter queue " + name, ex);
        }
        return null;
    }

    @Override
    public String toString() {
        return "PosixMqDeadLetterRecoverer[" + this.sourceQueueName + " -> " + this.deadLetterQueue.queueName() + "]";
    }
}
