package io.github.posixmq.integration.runtime;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Moves the messages of the removed queues of one configured queue into the queue that now has its name, with their
 * priorities, while that queue has room: at each recovery check, and (with a target supplier) as a forwarding task
 * on one executor shared by the whole process (at most {@value #FORWARD_THREADS} threads; a task is a short,
 * non-blocking step that reschedules itself), so a producer that still sends into the removed queue is not slowed
 * down to one check interval. A removed queue is held open on a duplicate of the descriptor that recovery closed;
 * what does not fit yet is kept for the next {@link #move}.
 *
 * <p>A removed queue is let go (its duplicate closed, its forwarding task ended) when it is empty and no other
 * descriptor of it is open in any process this user can see in {@code /proc} (no producer can send into it any
 * more), or at the latest once it has been empty for {@link #IDLE_CAP} (processes of other users are not visible
 * to an ordinary user); at most {@link #MAX_HELD} removed queues are held per configured queue (the oldest is let go
 * after a last move when one more is removed). So a script that keeps removing a queue grows neither threads nor
 * descriptors without bound. Used by {@link PosixMqRecovery}, under the registry's lock.
 */
final class RemovedQueueMover {

    private static final Log logger = LogFactory.getLog(RemovedQueueMover.class);

    /** The most threads forwarding removed queues, in the whole process. */
    static final int FORWARD_THREADS = 2;

    /** The most removed queues held open per configured queue. */
    static final int MAX_HELD = 4;

    /** How long an empty removed queue is held at most, when no check can tell that no process holds it any more. */
    static final Duration IDLE_CAP = Duration.ofMinutes(10);

    /** How often an empty removed queue is checked for other descriptors in {@code /proc}. */
    static final Duration HOLDER_CHECK = Duration.ofSeconds(1);

    /** The wait between steps while messages arrive or wait for room. */
    static final long BUSY_DELAY_MILLIS = 5;

    /** The wait between steps while the removed queue is empty. */
    static final long IDLE_DELAY_MILLIS = 100;

    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

    private static final ScheduledThreadPoolExecutor EXECUTOR = executor();

    private static ScheduledThreadPoolExecutor executor() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(FORWARD_THREADS, (runnable) -> {
            Thread thread = new Thread(runnable, "posixmq-forward-" + THREAD_NUMBER.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        executor.setKeepAliveTime(30, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true); // no thread while no queue is removed
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** Runs {@code step} after {@code delayMillis} on the shared executor. */
    static void schedule(Runnable step, long delayMillis) {
        EXECUTOR.schedule(step, delayMillis, TimeUnit.MILLISECONDS);
    }

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
     * A mover for the queue named {@code name} that also forwards every message that arrives in a removed queue to
     * {@code current} as soon as it has room (a producer that opened the queue before its removal keeps sending into
     * it), on the shared forwarding executor.
     */
    RemovedQueueMover(String name, @Nullable PosixMqQueueSupplier current) {
        this.name = name;
        this.current = current;
    }

    /** Takes over {@code removedQueue}, a duplicate of a descriptor of the removed queue closed just now. */
    void add(PosixMq removedQueue) {
        RemovedQueue queue = new RemovedQueue(removedQueue);
        this.removed.add(queue);
        while (this.removed.size() > MAX_HELD) {
            RemovedQueue oldest = this.removed.get(0);
            if (this.current != null) {
                try {
                    oldest.drainInto(this.current.get(), this);
                }
                catch (RuntimeException ex) {
                    // let go below all the same
                }
            }
            long left = oldest.release();
            this.removed.remove(oldest);
            logger.warn("POSIX message queue " + this.name + " was removed again while " + MAX_HELD
                    + " removed queues of that name were still held; let go of the oldest"
                    + (left > 0 ? ", LOST " + left + " message(s) still in it" : " (it was empty)"));
        }
        if (this.current != null) {
            schedule(() -> forward(queue), 0);
        }
    }

    /**
     * One forwarding step of {@code queue}: moves what is in it (and what is held) into the current queue while that
     * has room, then schedules the next step, or lets the removed queue go when it is empty and no longer held open
     * anywhere (or has been empty for the idle cap).
     */
    private void forward(RemovedQueue queue) {
        if (this.stopping || queue.isReleased()) {
            return;
        }
        PosixMqQueueSupplier target = java.util.Objects.requireNonNull(this.current);
        long delay = IDLE_DELAY_MILLIS;
        try {
            PosixMq now = target.get();
            movedHeld(now);
            long moved = queue.drainInto(now, this);
            if (moved > 0 || queue.pending() > 0) {
                queue.notEmpty();
                delay = BUSY_DELAY_MILLIS;
            }
            else if (this.held.isEmpty() && queue.mayRelease()) {
                queue.release();
                this.removed.remove(queue);
                logger.info("Let go of the removed POSIX message queue " + this.name + ": it is empty and "
                        + queue.releaseReason());
                return;
            }
        }
        catch (RuntimeException ex) {
            if (this.stopping || queue.isReleased()) {
                return;
            }
            logger.debug("Forwarding the removed POSIX message queue " + this.name + " failed once: " + ex);
        }
        if (!this.stopping) {
            schedule(() -> forward(queue), delay);
        }
    }

    /** Whether messages wait to be moved, or removed queues to be closed. */
    boolean hasWork() {
        return !this.removed.isEmpty() || !this.held.isEmpty();
    }

    /** How many removed queues are held open now. */
    int heldQueues() {
        return this.removed.size();
    }

    /**
     * Moves the held messages, then those still in the removed queues, into {@code target} while it has room. A
     * removed queue stays open until its forwarder lets it go (see the class comment); with {@code closing} (the
     * application stops), an empty one is closed at once.
     *
     * @return the messages moved, and those left
     */
    Moved move(PosixMq target, boolean closing) {
        long moved = movedHeld(target);
        long left = this.held.size();
        for (RemovedQueue queue : this.removed) {
            if (queue.isReleased()) {
                this.removed.remove(queue);
                continue;
            }
            moved += queue.drainInto(target, this);
            long remaining = queue.pending();
            if (remaining == 0 && closing) {
                queue.release();
                this.removed.remove(queue);
            }
            left += remaining;
        }
        return new Moved(moved, left);
    }

    private long movedHeld(PosixMq target) {
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
        return moved;
    }

    private void hold(ByteBuffer buffer, int priority) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        this.held.add(new HeldMessage(bytes, priority));
    }

    /**
     * Moves what fits into {@code target} one last time, logs the messages that are lost, and closes every removed
     * queue; the forwarding tasks end.
     */
    void close(PosixMq target) {
        this.stopping = true;
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
            this.removed.forEach(RemovedQueue::release);
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

    /** A message taken out of a removed queue, not yet in the new one. */
    private record HeldMessage(byte[] bytes, int priority) {
    }

    /** A removed queue, held open on a duplicate of the descriptor that recovery closed. */
    private static final class RemovedQueue {

        private final PosixMq queue;

        /** When the queue was last seen non-empty (or taken over). */
        private volatile long lastBusyNanos = System.nanoTime();

        private long lastHolderCheckNanos;

        private String releaseReason = "";

        private boolean released;

        RemovedQueue(PosixMq queue) {
            this.queue = queue;
        }

        synchronized boolean isReleased() {
            return this.released;
        }

        synchronized long pending() {
            return this.released ? 0 : this.queue.currentMessages();
        }

        void notEmpty() {
            this.lastBusyNanos = System.nanoTime();
        }

        /** Moves its messages into {@code target} while it has room; returns how many. */
        synchronized long drainInto(PosixMq target, RemovedQueueMover mover) {
            if (this.released) {
                return 0;
            }
            long pending = this.queue.currentMessages();
            if (pending == 0) {
                return 0;
            }
            this.lastBusyNanos = System.nanoTime();
            ByteBuffer buffer = ByteBuffer.allocateDirect((int) this.queue.maxMessageSize());
            long moved = 0;
            for (; pending > 0 && target.currentMessages() < target.capacity(); pending--) {
                buffer.clear();
                int priority = this.queue.tryReceive(buffer);
                if (priority == PosixMq.NO_MESSAGE) {
                    break;
                }
                buffer.flip();
                int size = buffer.remaining();
                if (size > target.maxMessageSize()) {
                    mover.hold(buffer, priority);
                    logger.warn("A message of " + size + " bytes in the removed POSIX message queue " + mover.name
                            + " is larger than the max message size " + target.maxMessageSize() + " of the queue "
                            + "that now has that name; it is kept in memory and lost at shutdown");
                    continue;
                }
                boolean sent;
                try {
                    sent = target.trySend(buffer, priority);
                }
                catch (RuntimeException ex) {
                    mover.hold(buffer, priority);
                    throw ex;
                }
                if (!sent) {
                    mover.hold(buffer, priority); // another sender took the room: the next move sends it first
                    break;
                }
                moved++;
            }
            return moved;
        }

        /**
         * Whether this empty removed queue may be let go: no other descriptor of it is open in a process this user
         * can see (checked at most once per {@link #HOLDER_CHECK}), or it has been empty for
         * the idle cap.
         */
        synchronized boolean mayRelease() {
            long now = System.nanoTime();
            if (now - this.lastBusyNanos >= IDLE_CAP.toNanos()) {
                this.releaseReason = "stayed empty for " + IDLE_CAP.toSeconds() + "s (the cap)";
                return true;
            }
            if (now - this.lastHolderCheckNanos < HOLDER_CHECK.toNanos()) {
                return false;
            }
            this.lastHolderCheckNanos = now;
            if (this.released || QueueTrust.isHeldElsewhere(this.queue)) {
                return false;
            }
            this.releaseReason = "no process holds it open any more";
            return true;
        }

        synchronized String releaseReason() {
            return this.releaseReason;
        }

        /** Closes the duplicate; returns the messages that were still in it. */
        synchronized long release() {
            if (this.released) {
                return 0;
            }
            this.released = true;
            long left = 0;
            try {
                left = this.queue.currentMessages();
            }
            catch (RuntimeException ex) {
                // closing all the same
            }
            this.queue.close();
            return left;
        }
    }
}
