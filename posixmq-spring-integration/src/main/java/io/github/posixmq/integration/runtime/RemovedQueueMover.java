package io.github.posixmq.integration.runtime;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Moves the messages of the removed queues of one configured queue into the queue that now has its name, with their
 * priorities, while that queue has room: at each recovery check, and (with a target supplier) continuously on a
 * forwarding thread per removed queue, so a producer that still sends into the removed queue is not slowed down to
 * one check interval. A removed queue is held open on a duplicate of the descriptor that
 * recovery closed; what does not fit yet is kept for the next {@link #move}. Used by {@link PosixMqRecovery} only,
 * under the registry's lock.
 */
final class RemovedQueueMover {

    private static final Log logger = LogFactory.getLog(RemovedQueueMover.class);

    /** How long a forwarder waits for a message or for room before it checks whether to stop. */
    private static final Duration FORWARD_WAIT = Duration.ofMillis(200);

    private final String name;

    /** Removed queues still held open for their messages. */
    private final List<RemovedQueue> removed = new CopyOnWriteArrayList<>();

    /** Messages taken out of a removed queue that the new queue had no room for yet. */
    private final Deque<HeldMessage> held = new ConcurrentLinkedDeque<>();

    /** The queue that has the name now (follows recovery's switches): where forwarded messages go. */
    private final @Nullable PosixMqQueueSupplier current;

    private volatile boolean stopping;

    /** A mover for the queue named {@code name}, such as {@code /orders}; moves only when {@link #move} is called. */
    RemovedQueueMover(String name) {
        this(name, null);
    }

    /**
     * A mover for the queue named {@code name} that also forwards, on a thread per removed queue, every message that
     * arrives in a removed queue to {@code current} as soon as it has room (a producer that opened the queue before
     * its removal keeps sending into it at full speed).
     */
    RemovedQueueMover(String name, @Nullable PosixMqQueueSupplier current) {
        this.name = name;
        this.current = current;
    }

    /** Takes over {@code removedQueue}, a duplicate of a descriptor of the removed queue closed just now. */
    void add(PosixMq removedQueue) {
        RemovedQueue queue = new RemovedQueue(removedQueue, new Thread[1]);
        this.removed.add(queue);
        if (this.current != null) {
            Thread thread = new Thread(() -> forward(removedQueue, this.current), "posixmq-forward-" + this.name);
            thread.setDaemon(true);
            queue.forwarder()[0] = thread;
            thread.start();
        }
    }

    /** Forwards each message arriving in {@code removedQueue} to {@code target} until the mover closes. */
    private void forward(PosixMq removedQueue, PosixMqQueueSupplier target) {
        try {
            while (!this.stopping) {
                Optional<io.github.posixmq.Message> message = removedQueue.receive(FORWARD_WAIT);
                if (message.isEmpty()) {
                    continue;
                }
                byte[] bytes = message.get().bytes();
                int priority = message.get().priority();
                boolean sent = false;
                while (!sent && !this.stopping) {
                    try {
                        sent = target.send(bytes, priority, FORWARD_WAIT);
                    }
                    catch (RuntimeException ex) {
                        logger.warn("Cannot forward a message of the removed POSIX message queue " + this.name
                                + " to the queue that now has that name (" + ex.getMessage() + "); it is kept");
                        break;
                    }
                }
                if (!sent) {
                    this.held.add(new HeldMessage(bytes, priority)); // the next move, or the last one, sends it
                }
            }
        }
        catch (RuntimeException ex) {
            if (!this.stopping) {
                logger.warn("Stopped forwarding the removed POSIX message queue " + this.name + ": " + ex);
            }
        }
    }

    /** Whether messages wait to be moved, or removed queues to be closed. */
    boolean hasWork() {
        return !this.removed.isEmpty() || !this.held.isEmpty();
    }

    /**
     * Moves the held messages, then those still in the removed queues, into {@code target} while it has room. A
     * removed queue stays open while the application runs, however long it has been empty: a program that opened it
     * before the removal can still send into it, and every such message is moved at a later check. It is closed only
     * when {@code closing} (the application stops) and it is empty.
     *
     * @return the messages moved, and those left
     */
    Moved move(PosixMq target, boolean closing) {
        long moved = 0;
        for (Iterator<HeldMessage> messages = this.held.iterator(); messages.hasNext();) {
            HeldMessage message = messages.next();
            if (message.bytes().length > target.maxMessageSize()) {
                continue;
            }
            if (!target.trySend(message.bytes(), message.priority())) {
                break;
            }
            messages.remove();
            moved++;
        }
        long left = this.held.size();
        for (RemovedQueue queue : this.removed) {
            moved += drain(queue.queue(), target);
            long remaining = queue.queue().currentMessages();
            if (remaining == 0 && closing) {
                queue.queue().close();
                this.removed.remove(queue);
            }
            left += remaining;
        }
        return new Moved(moved, left);
    }

    /** Moves the messages of {@code removedQueue} into {@code target} while it has room; returns how many. */
    private long drain(PosixMq removedQueue, PosixMq target) {
        long pending = removedQueue.currentMessages();
        if (pending == 0) {
            return 0;
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) removedQueue.maxMessageSize());
        long moved = 0;
        for (; pending > 0 && target.currentMessages() < target.capacity(); pending--) {
            buffer.clear();
            int priority = removedQueue.tryReceive(buffer);
            if (priority == PosixMq.NO_MESSAGE) {
                break;
            }
            buffer.flip();
            int size = buffer.remaining();
            if (size > target.maxMessageSize()) {
                hold(buffer, priority);
                logger.warn("A message of " + size + " bytes in the removed POSIX message queue " + this.name
                        + " is larger than the max message size " + target.maxMessageSize() + " of the queue that "
                        + "now has that name; it is kept in memory and lost at shutdown");
                continue;
            }
            boolean sent;
            try {
                sent = target.trySend(buffer, priority);
            }
            catch (RuntimeException ex) {
                hold(buffer, priority);
                throw ex;
            }
            if (!sent) {
                hold(buffer, priority); // another sender took the room: the next move sends it first
                break;
            }
            moved++;
        }
        return moved;
    }

    private void hold(ByteBuffer buffer, int priority) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        this.held.add(new HeldMessage(bytes, priority));
    }

    /**
     * Moves what fits into {@code target} one last time, logs the messages that are lost, and closes every removed
     * queue.
     */
    void close(PosixMq target) {
        this.stopping = true;
        for (RemovedQueue queue : this.removed) {
            Thread thread = queue.forwarder()[0];
            if (thread != null) {
                try {
                    thread.join(FORWARD_WAIT.multipliedBy(4).toMillis());
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        try {
            if (hasWork()) {
                long left = move(target, true).left();
                if (left > 0) {
                    logger.error("LOST " + left + " message(s) of POSIX message queue " + this.name + " at shutdown: "
                            + "they were still in the removed queue (or too large for the queue that replaced it) "
                            + "because the new queue had no room");
                }
            }
        }
        finally {
            this.removed.forEach((queue) -> queue.queue().close());
            this.removed.clear();
            this.held.clear();
        }
    }

    /**
     * What one {@link #move} did.
     *
     * @param moved the messages moved into the new queue
     * @param left the messages still waiting for room
     */
    record Moved(long moved, long left) {
    }

    /** A removed queue, held open on a duplicate of the descriptor that recovery closed, and its forwarder. */
    private record RemovedQueue(PosixMq queue, @Nullable Thread[] forwarder) {
    }

    /** A message taken out of a removed queue, not yet in the new one. */
    private record HeldMessage(byte[] bytes, int priority) {
    }
}
