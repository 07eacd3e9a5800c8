package io.github.posixmq.integration.inbound.receiver;

import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.posixmq.PosixMq;
import io.github.posixmq.PosixMqSelector;
import io.github.posixmq.QueueClosedException;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.SchedulingAwareRunnable;

/**
 * One receiving thread of a {@link io.github.posixmq.integration.inbound.PosixMqMessageProducer}: waits on its own
 * {@link PosixMqSelector} (epoll) until the queue is readable, receives without blocking, and hands each message to
 * the producer. It follows the queue supplier: when the supplier switches to another descriptor (and the old one is
 * closed, which wakes the selector), it waits on the new one. It runs while the producer is active and finishes the
 * message in hand before it ends.
 */
final class PosixMqReceiver implements SchedulingAwareRunnable {

    private static final Log logger = LogFactory.getLog(PosixMqReceiver.class);

    /** What a receive returns here when the descriptor was closed (not a failure: recovery may have replaced it). */
    private static final int CLOSED = Integer.MIN_VALUE;

    private final PosixMqQueueSupplier queue;

    private final PosixMqSelector selector;

    private final BooleanSupplier active;

    private final Supplier<PosixMqOperationListener> listener;

    private final Consumer<io.github.posixmq.Message> delivery;

    private final Runnable pause;

    private final Consumer<@Nullable Throwable> done;

    private final String owner;

    private PosixMqSelector.Key key;

    /**
     * A receiving thread's task.
     *
     * @param queue the queue to follow
     * @param selector this thread's selector, closed when the task ends
     * @param key the registration of the current descriptor with {@code selector}
     * @param active whether to keep receiving
     * @param listener the listener told of every receive
     * @param delivery takes each message received
     * @param pause waits a while after an unexpected receive failure (returns early on stop)
     * @param done called once when the task ends, with what ended it unexpectedly (null: a stop or a closed queue)
     * @param owner the producer, for log lines
     */
    PosixMqReceiver(PosixMqQueueSupplier queue, PosixMqSelector selector, PosixMqSelector.Key key,
            BooleanSupplier active, Supplier<PosixMqOperationListener> listener,
            Consumer<io.github.posixmq.Message> delivery, Runnable pause, Consumer<@Nullable Throwable> done,
            String owner) {
        this.queue = queue;
        this.selector = selector;
        this.key = key;
        this.active = active;
        this.listener = listener;
        this.delivery = delivery;
        this.pause = pause;
        this.done = done;
        this.owner = owner;
    }

    /** Registers the descriptor {@code queue} supplies now with {@code selector}, following a switch while doing it. */
    static PosixMqSelector.Key register(PosixMqQueueSupplier queue, PosixMqSelector selector) {
        return queue.execute((mq) -> selector.register(mq, PosixMqSelector.READABLE, null));
    }

    @Override
    public boolean isLongLived() {
        return true;
    }

    @Override
    public void run() {
        Throwable failure = null;
        try {
            receive();
        }
        catch (Throwable ex) {
            failure = ex;
            logger.error(this.owner + ": receiving thread failed", ex);
        }
        finally {
            this.selector.close();
            this.done.accept(failure);
        }
    }

    private void receive() {
        PosixMq mq = this.key.queue();
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) mq.maxMessageSize());
        {
            while (this.active.getAsBoolean()) {
                if (this.queue.get() != mq) {
                    mq = follow();
                    if (buffer.capacity() < mq.maxMessageSize()) {
                        buffer = ByteBuffer.allocateDirect((int) mq.maxMessageSize());
                    }
                }
                buffer.clear();
                PosixMq current = mq;
                ByteBuffer target = buffer;
                int priority;
                try {
                    priority = this.listener.get().timedReceive(this.queue.queueName(), () -> receive(current, target),
                            (received) -> received >= 0);
                }
                catch (RuntimeException ex) {
                    logger.error("Failed to receive from queue " + this.queue.queueName() + "; retrying shortly", ex);
                    this.pause.run();
                    continue;
                }
                if (priority == CLOSED) {
                    if (this.queue.get() != mq) {
                        continue;
                    }
                    if (this.active.getAsBoolean()) {
                        logger.error(this.owner + ": queue " + mq.name() + " was closed while the adapter was running; "
                                + "stopping this receiving thread");
                    }
                    return;
                }
                if (priority == PosixMq.NO_MESSAGE) {
                    if (mq.isClosed() && this.queue.get() == mq) {
                        return;
                    }
                    // wakes on a message, on stop() and when the queue's descriptor is closed
                    this.selector.select();
                    continue;
                }
                buffer.flip();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                this.delivery.accept(new io.github.posixmq.Message(priority, bytes));
            }
        }
    }

    private static int receive(PosixMq mq, ByteBuffer buffer) {
        try {
            return mq.tryReceive(buffer);
        }
        catch (QueueClosedException ex) {
            return CLOSED;
        }
    }

    /** The supplier switched to a recreated queue and closes the old descriptor: waits on the new one. */
    private PosixMq follow() {
        this.key.cancel();
        try {
            this.key = register(this.queue, this.selector);
            return this.key.queue();
        }
        catch (QueueClosedException ex) {
            return this.queue.get(); // closed too: the registry was closed, handled by the receive
        }
    }
}
