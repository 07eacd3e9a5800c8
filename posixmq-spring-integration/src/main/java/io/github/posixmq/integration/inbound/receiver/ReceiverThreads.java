package io.github.posixmq.integration.inbound.receiver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The receivers of one {@link io.github.posixmq.integration.inbound.PosixMqMessageProducer}: how many run (receiving
 * threads, or registrations with the shared dispatcher), how to wake or stop each on stop, and who waits for them to
 * finish their message. Every start is a new generation: threads of an earlier generation stop receiving (they finish
 * the message in hand) even when the producer is running again, so a restart during a pending stop never doubles the
 * receivers, and each stop callback runs once every thread started before it ended.
 */
public final class ReceiverThreads {

    private final Object monitor = new Object();

    /** What wakes (or stops) each running receiver, by receiver. */
    private final Map<Object, Runnable> wakers = new ConcurrentHashMap<>();

    /** The generation of the latest start. */
    private int generation;

    /** Running threads by generation. */
    private final Map<Integer, Integer> running = new HashMap<>();

    /** Stop callbacks waiting for the threads of their generation and earlier ones to end. */
    private final List<PendingStop> stops = new ArrayList<>();

    /** Begins a new generation (a start); threads of earlier ones stop receiving. */
    int newGeneration() {
        synchronized (this.monitor) {
            this.generation++;
            this.monitor.notifyAll();
            return this.generation;
        }
    }

    /** Whether {@code generation} is the latest one. */
    boolean isCurrent(int generation) {
        synchronized (this.monitor) {
            return this.generation == generation;
        }
    }

    /** Counts a receiver of {@code generation}, which {@code wake} wakes (a thread) or stops (a registration). */
    void started(int generation, Object receiver, Runnable wake) {
        synchronized (this.monitor) {
            this.running.merge(generation, 1, Integer::sum);
        }
        this.wakers.put(receiver, wake);
    }

    /** A receiver of {@code generation} ended (or never started); runs due stop callbacks. */
    void ended(int generation, Object receiver) {
        if (this.wakers.remove(receiver) == null) {
            return;
        }
        List<Runnable> due = new ArrayList<>();
        synchronized (this.monitor) {
            this.running.computeIfPresent(generation, (gen, count) -> count > 1 ? count - 1 : null);
            this.monitor.notifyAll();
            for (Iterator<PendingStop> pending = this.stops.iterator(); pending.hasNext();) {
                PendingStop stop = pending.next();
                if (runningUpTo(stop.generation()) == 0) {
                    pending.remove();
                    due.add(stop.callback());
                }
            }
        }
        due.forEach(Runnable::run);
    }

    /** The threads running now, of every generation. */
    int running() {
        synchronized (this.monitor) {
            return runningUpTo(Integer.MAX_VALUE);
        }
    }

    /** The threads of {@code generation} running now. */
    int runningOf(int generation) {
        synchronized (this.monitor) {
            return this.running.getOrDefault(generation, 0);
        }
    }

    private int runningUpTo(int generation) {
        int count = 0;
        for (Map.Entry<Integer, Integer> entry : this.running.entrySet()) {
            if (entry.getKey() <= generation) {
                count += entry.getValue();
            }
        }
        return count;
    }

    /** Wakes every receiver (threads waiting on their selector, one pausing) or stops it (a registration). */
    void wakeAll() {
        this.wakers.values().forEach(Runnable::run);
        synchronized (this.monitor) {
            this.monitor.notifyAll();
        }
    }

    /** Runs {@code callback} once every thread started so far has ended: at once when none runs. */
    public void whenAllEnded(Runnable callback) {
        boolean done;
        synchronized (this.monitor) {
            done = runningUpTo(this.generation) == 0;
            if (!done) {
                this.stops.add(new PendingStop(this.generation, callback));
            }
        }
        wakeAll();
        if (done) {
            callback.run();
        }
    }

    /** Waits up to {@code timeout} for every thread started so far to end; returns how many still run. */
    public int awaitAllEnded(Duration timeout) {
        wakeAll();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this.monitor) {
            int upTo = this.generation;
            long left;
            while (runningUpTo(upTo) > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    this.monitor.wait(Math.max(1, left / 1_000_000));
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return runningUpTo(upTo);
        }
    }

    /** Waits {@code millis} after a failure while {@code active}, returning early on {@link #wakeAll()}. */
    public void pause(long millis, BooleanSupplier active) {
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

    /** A stop callback that runs once no thread of {@code generation} or an earlier one runs. */
    private record PendingStop(int generation, Runnable callback) {
    }
}
