package io.github.posixmq.integration.inbound;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import io.github.posixmq.PosixMqSelector;
import org.jspecify.annotations.Nullable;

/**
 * The receiving threads of one {@link PosixMqMessageProducer}: how many run, their selectors (to wake them on stop),
 * and who waits for the last one to finish its message.
 */
final class ReceiverThreads {

    private final Object monitor = new Object();

    private final List<PosixMqSelector> selectors = new CopyOnWriteArrayList<>();

    private int running;

    private @Nullable Runnable stopCallback;

    /** Counts a thread that will wait on {@code selector}. */
    void started(PosixMqSelector selector) {
        synchronized (this.monitor) {
            this.running++;
            this.stopCallback = null;
        }
        this.selectors.add(selector);
    }

    /** A thread waiting on {@code selector} ended (or never started); the last one runs the stop callback. */
    void ended(PosixMqSelector selector) {
        if (!this.selectors.remove(selector)) {
            return;
        }
        Runnable callback;
        synchronized (this.monitor) {
            this.running--;
            this.monitor.notifyAll();
            callback = this.running == 0 ? this.stopCallback : null;
            if (callback != null) {
                this.stopCallback = null;
            }
        }
        if (callback != null) {
            callback.run();
        }
    }

    /** The threads running now. */
    int running() {
        synchronized (this.monitor) {
            return this.running;
        }
    }

    /** Wakes every thread: those waiting on their selector, and one pausing after a failure. */
    void wakeAll() {
        this.selectors.forEach(PosixMqSelector::wakeup);
        synchronized (this.monitor) {
            this.monitor.notifyAll();
        }
    }

    /** Runs {@code callback} once the last thread has ended: at once when none runs. */
    void whenAllEnded(Runnable callback) {
        boolean done;
        synchronized (this.monitor) {
            done = this.running == 0;
            this.stopCallback = done ? null : callback;
        }
        wakeAll();
        if (done) {
            callback.run();
        }
    }

    /** Waits up to {@code timeout} for every thread to end; returns how many still run. */
    int awaitAllEnded(Duration timeout) {
        wakeAll();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this.monitor) {
            long left;
            while (this.running > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    this.monitor.wait(Math.max(1, left / 1_000_000));
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return this.running;
        }
    }

    /** Waits {@code millis} after a failure while {@code active}, returning early on {@link #wakeAll()}. */
    void pause(long millis, BooleanSupplier active) {
        synchronized (this.monitor) {
            if (active.getAsBoolean()) {
                try {
                    this.monitor.wait(millis);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
