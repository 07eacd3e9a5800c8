package io.github.posixmq.integration.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.github.posixmq.PosixMq;
import io.github.posixmq.PosixMqException;
import io.github.posixmq.QueueNotFoundException;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Recovers the queues of {@link PosixMqQueues} whose name was removed ({@code mq_unlink}) while the application holds
 * them. While running, a daemon thread checks every queue each {@code posixmq.recovery.check-interval} (one
 * {@code readlink} of {@code /proc/self/fd/<fd>} per queue). When a name was removed it logs one WARN line and marks
 * the queue detached (health DOWN); it then recreates the queue with its configured settings ({@code create: true})
 * or waits until another program creates it ({@code create: false}), switches the registry to the new descriptor,
 * closes the old one, and has a {@link RemovedQueueMover} move the messages still in the removed queue into the new
 * one (priorities kept; what does not fit yet follows as room frees up).
 *
 * <p>A {@link SmartLifecycle}: nothing runs before {@link #start()}; {@link #stop()} ends the checks and moves what
 * still fits, after the channel adapters (a later phase) have stopped. Does nothing when
 * {@link PosixMqQueues#isRecoveryEnabled()} is false.
 */
public final class PosixMqRecovery implements SmartLifecycle {

    /** Starts before and stops after the channel adapters ({@code Integer.MAX_VALUE / 2}). */
    public static final int PHASE = Integer.MAX_VALUE / 4;

    private static final Log logger = LogFactory.getLog(PosixMqRecovery.class);

    private final PosixMqQueues queues;

    private final Duration interval;

    private final Map<String, QueueState> states = new LinkedHashMap<>();

    private @Nullable ScheduledThreadPoolExecutor checker;

    /** Recovery of the queues of {@code queues}; starts checking on {@link #start()}. */
    public PosixMqRecovery(PosixMqQueues queues) {
        Assert.notNull(queues, "queues must not be null");
        this.queues = queues;
        this.interval = queues.recoveryCheckInterval();
        for (String key : queues.keys()) {
            this.states.put(key, new QueueState(queues.settings().queues().get(key), queues.resolve(key)));
        }
    }

    @Override
    public void start() {
        synchronized (this.states) {
            if (this.checker != null || !this.queues.isRecoveryEnabled() || this.states.isEmpty()) {
                return;
            }
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
                Thread thread = new Thread(runnable, "posixmq-recovery");
                thread.setDaemon(true);
                return thread;
            });
            long nanos = this.interval.toNanos();
            executor.scheduleWithFixedDelay(this::check, nanos, nanos, TimeUnit.NANOSECONDS);
            this.checker = executor;
        }
    }

    /** Ends the checks, moves what still fits out of removed queues and closes them; messages left are logged. */
    @Override
    public void stop() {
        ScheduledThreadPoolExecutor executor;
        synchronized (this.states) {
            executor = this.checker;
            this.checker = null;
        }
        if (executor != null) {
            executor.shutdown();
        }
        synchronized (this.queues.lock()) {
            this.states.forEach((key, state) -> {
                if (state.mover.hasWork()) {
                    state.mover.close(this.queues.get(key));
                }
            });
        }
    }

    @Override
    public boolean isRunning() {
        synchronized (this.states) {
            return this.checker != null;
        }
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** One recovery check of every queue; run by the checking thread every check interval. */
    public void check() {
        synchronized (this.queues.lock()) {
            if (this.queues.isClosed() || !this.queues.isRecoveryEnabled()) {
                return;
            }
            for (QueueState state : this.states.values()) {
                try {
                    check(state);
                }
                catch (RuntimeException ex) {
                    failed(state, "check", ex);
                }
            }
        }
    }

    private void check(QueueState state) {
        String key = state.queue.key();
        if (this.queues.detachedReason(key).isEmpty() && PosixMqQueues.isRemoved(this.queues.get(key))) {
            detach(state);
        }
        if (this.queues.detachedReason(key).isPresent()) {
            reattach(state);
        }
        if (state.mover.hasWork()) {
            state.mover.move(this.queues.get(key), false);
        }
    }

    private void detach(QueueState state) {
        PosixMqQueueSettings queue = state.queue;
        String prefix = queue.prefix();
        state.detachedBecause = "queue " + queue.name() + " was removed (mq_unlink) while this application held it "
                + "open, so no other process can reach the queue this application uses; "
                + (queue.create() ? "recreating it" : "waiting for another program to create it again (" + prefix
                        + ".create is false)")
                + ", then its messages are moved to the new queue";
        logger.warn("POSIX message queue " + queue.name() + " (" + prefix + ") was removed (mq_unlink) while this "
                + "application used it: other processes can no longer reach it. "
                + (queue.create() ? "Recreating it now (capacity " + PosixMqQueueOpener.describe(queue.capacity())
                        + ", max message size " + PosixMqQueueOpener.describe(queue.maxMessageSize()) + ", mode "
                        + queue.modeString() + ")"
                        : "Waiting for another program to create it again (" + prefix + ".create is false), checking "
                                + "every " + PosixMqSettings.format(this.interval) + "; until then this application "
                                + "keeps sending to and receiving from the removed queue")
                + "; the messages in the removed queue will be moved to the new one.");
        this.queues.setDetachedReason(queue.key(), state.detachedBecause);
    }

    private void reattach(QueueState state) {
        PosixMqQueueSettings queue = state.queue;
        List<String> created = new ArrayList<>(1);
        PosixMqQueueOpener.Opened opened;
        try {
            opened = PosixMqQueueOpener.open(queue, created);
        }
        catch (PosixMqConfigurationException ex) {
            refused(state, ex);
            return;
        }
        catch (QueueNotFoundException ex) {
            if (!queue.create()) {
                return; // still waiting for another program to create it
            }
            failed(state, "recreate", ex);
            return;
        }
        catch (PosixMqException ex) {
            failed(state, queue.create() ? "recreate" : "reopen", ex);
            return;
        }
        PosixMq fresh = opened.mq();
        if (PosixMqQueues.isRemoved(fresh)) {
            fresh.close(); // removed again already: the next check tries again
            return;
        }
        PosixMq removed;
        try {
            // keeps the removed queue alive after the old descriptor is closed, to move its messages
            removed = this.queues.get(queue.key()).duplicate();
        }
        catch (RuntimeException ex) {
            fresh.close();
            failed(state, "switch", ex);
            return;
        }
        PosixMq old = this.queues.switchTo(queue.key(), opened);
        state.lastFailure = null;
        // wakes the threads blocked on the old descriptor (QueueClosedException, selectors): they follow get()
        old.close();
        state.mover.add(removed);
        RemovedQueueMover.Moved moved = state.mover.move(fresh, false);
        logger.info("POSIX message queue " + queue.name() + " (" + queue.prefix() + ") is back: "
                + (created.isEmpty() ? "opened the queue that now has that name" : "recreated it")
                + " and switched to it; moved " + moved.moved() + " message(s) from the removed queue"
                + (moved.left() > 0 ? "; " + moved.left() + " more wait until the new queue has room" : ""));
    }

    /**
     * The queue that now has the name is not trusted (another owner, or a wider mode): never switches to it; the
     * queue stays detached (health DOWN) with the reason, logged once as an ERROR.
     */
    private void refused(QueueState state, PosixMqConfigurationException ex) {
        String key = state.queue.key();
        String because = state.detachedBecause;
        String refusal = "not switching to the queue that now has the name: " + ex.reason() + ". " + ex.action();
        this.queues.setDetachedReason(key, (because != null ? because + "; " : "") + refusal);
        if (!refusal.equals(state.lastFailure)) {
            state.lastFailure = refusal;
            logger.error("POSIX message queue " + state.queue.name() + " (" + state.queue.prefix() + ") was removed "
                    + "and " + refusal);
        }
    }

    /** Logs a failed recovery step once per distinct message, and puts it into the detached reason. */
    private void failed(QueueState state, String step, RuntimeException ex) {
        String failure = ex.getClass().getSimpleName() + ": " + ex.getMessage();
        String key = state.queue.key();
        String because = state.detachedBecause;
        if (this.queues.detachedReason(key).isPresent() && because != null) {
            this.queues.setDetachedReason(key, because + "; the last attempt to " + step + " it failed: " + failure);
        }
        if (!failure.equals(state.lastFailure)) {
            state.lastFailure = failure;
            logger.warn("Cannot " + step + " POSIX message queue " + state.queue.name() + " (" + state.queue.prefix()
                    + "): " + failure + "; trying again every " + PosixMqSettings.format(this.interval));
        }
    }

    @Override
    public String toString() {
        return "PosixMqRecovery" + this.states.keySet();
    }

    /** What recovery knows of one queue; the checking thread only (under the registry's lock). */
    private static final class QueueState {

        final PosixMqQueueSettings queue;

        final RemovedQueueMover mover;

        /** The detached reason without the last failure. */
        @Nullable String detachedBecause;

        /** The last failure logged. */
        @Nullable String lastFailure;

        QueueState(PosixMqQueueSettings queue, PosixMqQueueSupplier current) {
            this.queue = queue;
            this.mover = new RemovedQueueMover(queue.name(), current);
        }
    }
}
