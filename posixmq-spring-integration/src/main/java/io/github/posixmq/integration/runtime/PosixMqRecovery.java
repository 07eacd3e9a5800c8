package io.github.posixmq.integration.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * <p>One recovery checks any number of registries on ONE thread: the application's registry, and those that
 * {@link #register join} it (the binder's, one per provisioned queue). The messages of removed queues are forwarded
 * on a small executor shared by the whole process (see {@link RemovedQueueMover}).
 *
 * <p>A {@link SmartLifecycle}: nothing runs before {@link #start()}; {@link #stop()} ends the checks and moves what
 * still fits, after the channel adapters (a later phase) have stopped. Does nothing when
 * {@link PosixMqQueues#isRecoveryEnabled()} is false.
 */
public final class PosixMqRecovery implements SmartLifecycle {

    /** Starts before and stops after the channel adapters ({@code Integer.MAX_VALUE / 2}). */
    public static final int PHASE = Integer.MAX_VALUE / 4;

    private static final Log logger = LogFactory.getLog(PosixMqRecovery.class);

    private final Duration interval;

    /** The registries checked, each with the state of its queues. */
    private final List<Registered> registries = new CopyOnWriteArrayList<>();

    private final Object monitor = new Object();

    private boolean running;

    private @Nullable ScheduledThreadPoolExecutor checker;

    /** Recovery of the queues of {@code queues}, checked every {@code posixmq.recovery.check-interval}; starts checking on {@link #start()}. */
    public PosixMqRecovery(PosixMqQueues queues) {
        this(queues.settings().recoveryCheckInterval());
        register(queues);
    }

    /**
     * Recovery of the registries {@link #register registered} with it, all checked by one thread every
     * {@code interval} (the binder's registries join the application's recovery this way).
     */
    public PosixMqRecovery(Duration interval) {
        Assert.notNull(interval, "interval must not be null");
        Assert.isTrue(!interval.isNegative() && !interval.isZero(), "interval must be positive");
        this.interval = interval;
    }

    /** Checks the queues of {@code queues} too, from the next check on (starting the checking thread if running). */
    public void register(PosixMqQueues queues) {
        Assert.notNull(queues, "queues must not be null");
        Map<String, QueueState> states = new LinkedHashMap<>();
        for (String key : queues.keys()) {
            states.put(key, new QueueState(queues.settings().queues().get(key), queues.resolve(key)));
        }
        synchronized (this.monitor) {
            this.registries.add(new Registered(queues, states));
            if (this.running) {
                startChecker();
            }
        }
    }

    /** Stops checking the queues of {@code queues}: moves what still fits out of their removed queues and closes them. */
    public void unregister(PosixMqQueues queues) {
        for (Registered registered : this.registries) {
            if (registered.queues() == queues) {
                this.registries.remove(registered);
                closeMovers(registered);
            }
        }
    }

    @Override
    public void start() {
        synchronized (this.monitor) {
            this.running = true;
            startChecker();
        }
    }

    /** Starts the one checking thread when some registry has recovery enabled; under the monitor. */
    private void startChecker() {
        if (this.checker != null
                || this.registries.stream().noneMatch((r) -> r.queues().isRecoveryEnabled() && !r.states().isEmpty())) {
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

    /** Ends the checks, moves what still fits out of removed queues and closes them; messages left are logged. */
    @Override
    public void stop() {
        ScheduledThreadPoolExecutor executor;
        synchronized (this.monitor) {
            this.running = false;
            executor = this.checker;
            this.checker = null;
        }
        if (executor != null) {
            executor.shutdown();
        }
        this.registries.forEach(this::closeMovers);
    }

    private void closeMovers(Registered registered) {
        PosixMqQueues queues = registered.queues();
        synchronized (queues.lock()) {
            registered.states().forEach((key, state) -> {
                if (state.mover.hasWork()) {
                    state.mover.close(queues.get(key));
                }
            });
        }
    }

    @Override
    public boolean isRunning() {
        synchronized (this.monitor) {
            return this.checker != null;
        }
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** One recovery check of every queue of every registry; run by the checking thread every check interval. */
    public void check() {
        for (Registered registered : this.registries) {
            PosixMqQueues queues = registered.queues();
            synchronized (queues.lock()) {
                if (queues.isClosed() || !queues.isRecoveryEnabled()) {
                    continue;
                }
                for (QueueState state : registered.states().values()) {
                    try {
                        check(queues, state);
                    }
                    catch (RuntimeException ex) {
                        failed(queues, state, "check", ex);
                    }
                }
            }
        }
    }

    /** How many removed queues are held open (for their messages) now, over all registries. */
    int heldRemovedQueues() {
        return this.registries.stream()
            .flatMap((registered) -> registered.states().values().stream())
            .mapToInt((state) -> state.mover.heldQueues())
            .sum();
    }

    private void check(PosixMqQueues queues, QueueState state) {
        String key = state.queue.key();
        if (queues.detachedReason(key).isEmpty() && PosixMqQueues.isRemoved(queues.get(key))) {
            detach(queues, state);
        }
        if (queues.detachedReason(key).isPresent()) {
            reattach(queues, state);
        }
        if (state.mover.hasWork()) {
            state.mover.move(queues.get(key), false);
        }
    }

    private void detach(PosixMqQueues queues, QueueState state) {
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
        queues.setDetachedReason(queue.key(), state.detachedBecause);
    }

    private void reattach(PosixMqQueues queues, QueueState state) {
        PosixMqQueueSettings queue = state.queue;
        List<String> created = new ArrayList<>(1);
        PosixMqQueueOpener.Opened opened;
        try {
            opened = PosixMqQueueOpener.open(queue, created);
        }
        catch (PosixMqConfigurationException ex) {
            refused(queues, state, ex);
            return;
        }
        catch (QueueNotFoundException ex) {
            if (!queue.create()) {
                return; // still waiting for another program to create it
            }
            failed(queues, state, "recreate", ex);
            return;
        }
        catch (PosixMqException ex) {
            failed(queues, state, queue.create() ? "recreate" : "reopen", ex);
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
            removed = queues.get(queue.key()).duplicate();
        }
        catch (RuntimeException ex) {
            fresh.close();
            failed(queues, state, "switch", ex);
            return;
        }
        PosixMq old = queues.switchTo(queue.key(), opened);
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
    private void refused(PosixMqQueues queues, QueueState state, PosixMqConfigurationException ex) {
        String key = state.queue.key();
        String because = state.detachedBecause;
        String refusal = "not switching to the queue that now has the name: " + ex.reason() + ". " + ex.action();
        queues.setDetachedReason(key, (because != null ? because + "; " : "") + refusal);
        if (!refusal.equals(state.lastFailure)) {
            state.lastFailure = refusal;
            logger.error("POSIX message queue " + state.queue.name() + " (" + state.queue.prefix() + ") was removed "
                    + "and " + refusal);
        }
    }

    /** Logs a failed recovery step once per distinct message, and puts it into the detached reason. */
    private void failed(PosixMqQueues queues, QueueState state, String step, RuntimeException ex) {
        String failure = ex.getClass().getSimpleName() + ": " + ex.getMessage();
        String key = state.queue.key();
        String because = state.detachedBecause;
        if (queues.detachedReason(key).isPresent() && because != null) {
            queues.setDetachedReason(key, because + "; the last attempt to " + step + " it failed: " + failure);
        }
        if (!failure.equals(state.lastFailure)) {
            state.lastFailure = failure;
            logger.warn("Cannot " + step + " POSIX message queue " + state.queue.name() + " (" + state.queue.prefix()
                    + "): " + failure + "; trying again every " + PosixMqSettings.format(this.interval));
        }
    }

    @Override
    public String toString() {
        return "PosixMqRecovery" + this.registries.stream().map((r) -> r.queues().keys()).toList();
    }

    /** A registry checked by this recovery, with the state of each of its queues. */
    private record Registered(PosixMqQueues queues, Map<String, QueueState> states) {
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
