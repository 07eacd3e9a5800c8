package io.github.posixmq.integration.dispatch;

import java.nio.ByteBuffer;
import java.time.Duration;

import io.github.posixmq.PosixMq;
import io.github.posixmq.PosixMqSelector;
import io.github.posixmq.QueueClosedException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One receive permit of a {@link QueueDispatch}: its receive buffer (a journal slot when the receiver journals) and,
 * while it is taken, the worker task that handles its message. A worker keeps its queue after a message: it receives
 * the next one itself while the {@link WorkerPool} can spare its thread (no task waits for one, and, every
 * {@link PosixMqDispatcher#DRAIN} messages, no other queue of its selector is ready), and when the queue is empty it
 * lingers (waits for the queue, up to {@link PosixMqDispatcher#setLinger the linger}, looking at the pool
 * and at a stop every millisecond) before it gives the permit back, which watches the queue again on the selector
 * thread. So a busy queue is received as a dedicated thread receives it, without a hand-off per message, while a
 * task of another queue takes the thread at the next message.
 */
final class Permit implements Runnable {

    private static final Log logger = LogFactory.getLog(Permit.class);

    private final QueueDispatch dispatch;

    private final int index;

    private ByteBuffer buffer;

    private int priority;

    Permit(QueueDispatch dispatch, int index, ByteBuffer buffer) {
        this.dispatch = dispatch;
        this.index = index;
        this.buffer = buffer;
    }

    /**
     * Receives into this permit's buffer from {@code mq} without waiting (on the calling thread, where an in-flight
     * journal marks its slot); returns the priority, {@link PosixMq#NO_MESSAGE} or {@link QueueDispatch#CLOSED}.
     */
    int receive(PosixMq mq) {
        PosixMqDispatcher.Receiver receiver = this.dispatch.receiver();
        String queueName = this.dispatch.queueName();
        if (this.buffer.capacity() < mq.maxMessageSize()) {
            this.buffer = receiver.buffers().buffer(queueName, this.index, (int) mq.maxMessageSize());
        }
        ByteBuffer target = this.buffer;
        long start = System.nanoTime();
        int received;
        try {
            received = receiver.buffers().receive(queueName, this.index, mq, target);
        }
        catch (QueueClosedException ex) {
            return QueueDispatch.CLOSED;
        }
        catch (RuntimeException ex) {
            tell(System.nanoTime() - start, ex);
            throw ex;
        }
        if (received >= 0) {
            target.flip();
            tell(System.nanoTime() - start, null);
        }
        return received;
    }

    private void tell(long nanos, @Nullable Throwable failure) {
        try {
            this.dispatch.receiver().listener().onReceive(this.dispatch.queueName(), nanos, failure);
        }
        catch (RuntimeException ex) {
            logger.warn(this.dispatch.receiver().owner() + ": an operation listener failed", ex);
        }
    }

    /** The selector thread received a message of {@code priority} into this permit, to hand to a worker. */
    void received(int priority) {
        this.priority = priority;
    }

    /** On a worker: handles the message in hand and, while the thread can be spared, the queue's next ones. */
    @Override
    public void run() {
        this.dispatch.pool().started();
        // an executor that runs tasks on the submitting thread must not keep the selector thread on one queue
        handle(!this.dispatch.onSelectorThread());
    }

    /**
     * Handles the message in hand, then, when {@code keep}, receives and handles the queue's next messages on this
     * thread while it may; gives the permit back at the end.
     */
    void handle(boolean keep) {
        PosixMqDispatcher.Receiver receiver = this.dispatch.receiver();
        try {
            String name = receiver.workerName(this.index);
            Thread worker = Thread.currentThread();
            if (name != null && !name.equals(worker.getName())) {
                worker.setName(name);
            }
            int current = this.priority;
            int handled = 0;
            while (true) {
                deliver(current);
                if (!keep) {
                    break;
                }
                current = next(++handled);
                if (current < 0) {
                    break;
                }
            }
        }
        catch (Throwable ex) {
            logger.error(receiver.owner() + ": a worker failed outside the message's flow; its receiver of queue "
                    + this.dispatch.queueName() + " goes on", ex);
            this.dispatch.restarted("worker failed: " + ex);
        }
        finally {
            this.dispatch.giveBack(this, true);
        }
    }

    private void deliver(int priority) {
        try {
            this.dispatch.receiver().deliver(this.buffer, priority);
        }
        finally {
            this.dispatch.receiver().buffers().finished(this.dispatch.queueName(), this.index, this.buffer);
        }
    }

    /**
     * The next message of the same descriptor, received on this thread after {@code handled} in a row, lingering
     * when the queue is empty; negative when this thread gives the queue back (stopped, another task waits for the
     * thread, none arrived within the linger, or the descriptor is closed or failed: the selector thread receives
     * next, and reports a lasting failure).
     */
    private int next(int handled) {
        if (!this.dispatch.isActive() || !this.dispatch.pool().canKeep(handled)) {
            return PosixMq.NO_MESSAGE;
        }
        // every DRAIN in a row: another queue ready that the selector thread has not received from yet (it did not
        // get a CPU meanwhile) is no waiting task yet; giving the thread back lets it be served next
        if (handled % PosixMqDispatcher.DRAIN == 0 && this.dispatch.othersReady()) {
            return PosixMq.NO_MESSAGE;
        }
        PosixMqSelector.Key key = this.dispatch.currentKey();
        if (key == null || !key.isValid()) {
            return PosixMq.NO_MESSAGE;
        }
        PosixMq mq = key.queue();
        try {
            int next = receive(mq);
            if (next == PosixMq.NO_MESSAGE) {
                next = linger(mq);
            }
            return next == QueueDispatch.CLOSED ? PosixMq.NO_MESSAGE : next;
        }
        catch (RuntimeException ex) {
            return PosixMq.NO_MESSAGE;
        }
    }

    /**
     * Waits for the queue's next message up to the linger, one slice at a time, while the registration is active and
     * no task waits for this thread; receives it when it came (nothing once stopped).
     */
    private int linger(PosixMq mq) {
        PosixMqDispatcher.Linger linger = this.dispatch.linger();
        if (linger.slices() == 0) {
            return PosixMq.NO_MESSAGE;
        }
        Duration slice = linger.slice();
        this.dispatch.lingering(1);
        try {
            for (int i = 0; i < linger.slices(); i++) {
                if (!this.dispatch.mayLinger() || !this.dispatch.pool().canSpare()) {
                    return PosixMq.NO_MESSAGE;
                }
                if (!mq.awaitReadable(slice) || !this.dispatch.isActive()) {
                    continue;
                }
                int next = receive(mq);
                if (next != PosixMq.NO_MESSAGE) {
                    return next; // a message, or CLOSED
                }
                // another permit's receive took it first: wait on for what is left of the linger
            }
            return PosixMq.NO_MESSAGE;
        }
        finally {
            this.dispatch.lingering(-1);
        }
    }
}
