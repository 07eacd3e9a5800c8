package io.github.posixmq.integration.inbound;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.integration.PosixMqLogText;
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
 * is dropped loudly: one ERROR line with its priority and bytes (base64, capped), and
 * {@link PosixMqOperationListener#onDrop}. {@link #recover} returns the {@link Outcome}.
 *
 * <p>When the adapter stops while the recoverer waits for room ({@link #stopWaiting()}), the message in hand goes back
 * to its {@link #setSourceQueue source queue} with its priority (behind the messages of that priority already
 * queued), so a stop is never held up by a full dead-letter queue and loses nothing; only when the source queue is
 * full as well, and stays full until the send timeout, is the message dropped loudly.
 */
public final class PosixMqDeadLetterRecoverer implements RecoveryCallback<@Nullable Object> {

    /** Context attribute holding the {@link io.github.posixmq.Message} as received from the queue. */
    public static final String RECEIVED_MESSAGE = "posixmq_receivedMessage";

    private static final Log logger = LogFactory.getLog(PosixMqDeadLetterRecoverer.class);

    private final PosixMqQueueSupplier deadLetterQueue;

    private final String sourceQueueName;

    private PosixMqOperationListener listener = PosixMqOperationListener.NOOP;

    private Duration sendTimeout = Duration.ofSeconds(5);

    private int loggedBytes = PosixMqLogText.DEFAULT_LOGGED_BYTES;

    private @Nullable PosixMqQueueSupplier sourceQueue;

    private volatile boolean stopping;

    private final AtomicInteger blocked = new AtomicInteger();

    /** The longest single wait for room, so that a stop is noticed at once. */
    private static final Duration SLICE = Duration.ofMillis(50);

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

    /** Sets how many bytes of a dropped message its ERROR line shows (base64; default 1 KiB). */
    public void setLoggedBytes(int loggedBytes) {
        Assert.isTrue(loggedBytes >= 0, "loggedBytes must not be negative");
        this.loggedBytes = loggedBytes;
    }

    /**
     * Sets the queue the failed messages came from (open for sending): a message in hand when the adapter stops while
     * the dead-letter queue is full goes back there with its priority. Without one, such a message waits out the
     * send timeout as usual.
     */
    public void setSourceQueue(@Nullable PosixMqQueueSupplier sourceQueue) {
        this.sourceQueue = sourceQueue;
    }

    /**
     * Tells the recoverer that its adapter stops: a wait for room in the full dead-letter queue ends now and the
     * message goes back to the source queue. {@link #resumeWaiting()} undoes it when the adapter starts again.
     */
    public void stopWaiting() {
        this.stopping = true;
    }

    /** Lets waits for room in a full dead-letter queue run their full send timeout again (the adapter started). */
    public void resumeWaiting() {
        this.stopping = false;
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
        Outcome outcome;
        try {
            outcome = this.listener.timedSend(name, () -> this.deadLetterQueue.execute((queue) -> {
                if (queue.trySend(received.bytes(), received.priority())) {
                    return Outcome.DEAD_LETTERED;
                }
                logger.warn("Dead-letter queue " + PosixMqLogText.escape(name) + " is full; waiting up to "
                        + this.sendTimeout + " for room to keep a failed message from queue "
                        + PosixMqLogText.escape(this.sourceQueueName));
                this.blocked.incrementAndGet();
                try {
                    return waitForRoom(queue, received);
                }
                finally {
                    this.blocked.decrementAndGet();
                }
            }));
        }
        catch (RuntimeException ex) {
            DroppedMessages.drop(this.listener, this.sourceQueueName, received, "it could not be sent to dead-letter "
                    + "queue " + name + " (" + PosixMqLogText.cause(ex) + ")", cause, this.loggedBytes);
            return Outcome.DROPPED;
        }
        if (outcome == Outcome.PUT_BACK) {
            logger.warn("The adapter of queue " + PosixMqLogText.escape(this.sourceQueueName) + " stopped while "
                    + "dead-letter queue " + PosixMqLogText.escape(name) + " was full: the failed message in hand ("
                    + "priority " + received.priority() + ", " + received.bytes().length + " bytes) went back to "
                    + PosixMqLogText.escape(this.sourceQueueName) + " with its priority");
            return Outcome.PUT_BACK;
        }
        if (outcome == Outcome.DROPPED) {
            DroppedMessages.drop(this.listener, this.sourceQueueName, received, "dead-letter queue " + name
                    + " stayed full for " + this.sendTimeout + " (dead-letter send timeout)", cause, this.loggedBytes);
            return Outcome.DROPPED;
        }
        this.listener.onDeadLetter(this.sourceQueueName, name, received.priority(), received.bytes().length);
        return Outcome.DEAD_LETTERED;
    }

    /**
     * Waits in short slices for room in the full dead-letter queue, up to the send timeout; once the adapter stops,
     * the source queue (with the message's priority) is tried as well, so a stop ends without a loss.
     */
    private Outcome waitForRoom(io.github.posixmq.PosixMq queue, io.github.posixmq.Message received) {
        long deadline = System.nanoTime() + this.sendTimeout.toNanos();
        while (true) {
            if (this.stopping && putBack(received)) {
                return Outcome.PUT_BACK;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return queue.trySend(received.bytes(), received.priority()) ? Outcome.DEAD_LETTERED
                        : Outcome.DROPPED;
            }
            Duration slice = Duration.ofNanos(Math.min(left, SLICE.toNanos()));
            if (queue.send(received.bytes(), received.priority(), slice)) {
                return Outcome.DEAD_LETTERED;
            }
        }
    }

    private boolean putBack(io.github.posixmq.Message received) {
        PosixMqQueueSupplier source = this.sourceQueue;
        if (source == null) {
            return false;
        }
        try {
            return source.execute((queue) -> queue.canSend() && queue.trySend(received.bytes(), received.priority()));
        }
        catch (RuntimeException ex) {
            logger.debug("Cannot put a failed message back to queue " + PosixMqLogText.escape(this.sourceQueueName), ex);
            return false;
        }
    }

    /** What became of a failed message: the result of {@link #recover}. */
    public enum Outcome {

        /** Sent to the dead-letter queue with its bytes and priority. */
        DEAD_LETTERED,

        /** Put back to its source queue with its priority: the adapter stopped while the dead-letter queue was full. */
        PUT_BACK,

        /** Dropped loudly (one ERROR line, {@link PosixMqOperationListener#onDrop}). */
        DROPPED
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
