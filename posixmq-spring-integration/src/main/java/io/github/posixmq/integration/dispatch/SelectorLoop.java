package io.github.posixmq.integration.dispatch;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.github.posixmq.PosixMqSelector;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One selector thread of a {@link PosixMqDispatcher}: waits on the queues registered with its selector and lets each
 * ready queue receive one message per round. Queues ask it to look at them again ({@link #check}) when their key
 * could not be re-armed, and it looks at every queue when a key was dropped because its descriptor was closed (a
 * registry's recovery replaced it, or the queue is gone). Ended unexpectedly, it runs again on a new thread.
 */
final class SelectorLoop implements Runnable {

    private static final Log logger = LogFactory.getLog(SelectorLoop.class);

    private final String name;

    private final PosixMqSelector selector = PosixMqSelector.open();

    private final Set<QueueDispatch> dispatches = ConcurrentHashMap.newKeySet();

    private final ConcurrentLinkedQueue<QueueDispatch> pending = new ConcurrentLinkedQueue<>();

    /** Queues whose receive failed, by when to try again (this thread only). */
    private final Map<QueueDispatch, Long> delayed = new HashMap<>();

    private final Object monitor = new Object();

    private volatile boolean running = true;

    private volatile boolean alive;

    private volatile @Nullable Thread thread;

    private volatile @Nullable Throwable failNextRound;

    private long invalidationsSeen;

    private int restarts;

    SelectorLoop(String name) {
        this.name = name;
    }

    PosixMqSelector selector() {
        return this.selector;
    }

    int size() {
        return this.dispatches.size();
    }

    /** Whether the thread runs its loop now. */
    boolean isAlive() {
        return this.alive;
    }

    void start() {
        this.alive = true;
        Thread thread = new Thread(this, this.name + (this.restarts > 0 ? "-r" + this.restarts : ""));
        // not a daemon, as the receiving threads of dedicated mode: an application without a web server (a stream
        // binder consumer) keeps running on its receivers until the context closes, which closes the dispatcher
        thread.setDaemon(false);
        this.thread = thread;
        thread.start();
    }

    /** Whether the calling thread is this loop's thread. */
    boolean isCurrentThread() {
        return Thread.currentThread() == this.thread;
    }

    void add(QueueDispatch dispatch) {
        this.dispatches.add(dispatch);
    }

    void remove(QueueDispatch dispatch) {
        this.dispatches.remove(dispatch);
    }

    /** Asks this thread to look at {@code dispatch} again (its key could not be re-armed). */
    void check(QueueDispatch dispatch) {
        this.pending.add(dispatch);
        this.selector.wakeup();
    }

    /** Tries {@code dispatch} again after {@code delay} (called on this thread). */
    void retryLater(QueueDispatch dispatch, Duration delay) {
        this.delayed.put(dispatch, System.nanoTime() + delay.toNanos());
    }

    /** For tests: the next round throws {@code failure}, as an unexpected end of this thread. */
    void failNextRound(Throwable failure) {
        this.failNextRound = failure;
        this.selector.wakeup();
    }

    void stop() {
        this.running = false;
        synchronized (this.monitor) {
            this.monitor.notifyAll();
        }
        this.selector.close();
    }

    @Override
    public void run() {
        try {
            if (this.restarts > 0) {
                pause();
            }
            this.alive = this.running;
            while (this.running) {
                round();
            }
        }
        catch (Throwable ex) {
            if (this.running && !this.selector.isClosed()) {
                this.alive = false;
                logger.error(this.name + " ended unexpectedly; it is restarted for its " + this.dispatches.size()
                        + " queue(s)", ex);
                this.restarts++;
                for (QueueDispatch dispatch : this.dispatches) {
                    dispatch.restarted("selector thread " + this.name + " failed: " + ex);
                }
                start();
                return;
            }
        }
        this.alive = false;
    }

    private void round() {
        Throwable failure = this.failNextRound;
        if (failure != null) {
            this.failNextRound = null;
            sneakyThrow(failure);
        }
        QueueDispatch waiting;
        while ((waiting = this.pending.poll()) != null) {
            waiting.check();
        }
        long invalidations = this.selector.invalidatedKeyCount();
        if (invalidations != this.invalidationsSeen) {
            this.invalidationsSeen = invalidations;
            for (QueueDispatch dispatch : this.dispatches) {
                if (!dispatch.hasValidKey()) {
                    dispatch.check();
                }
            }
        }
        long due = retryDelayed();
        List<PosixMqSelector.Key> ready;
        try {
            ready = due < 0 ? this.selector.select() : this.selector.select(Duration.ofNanos(due));
        }
        catch (IllegalStateException ex) {
            if (this.selector.isClosed()) {
                return; // stopped
            }
            throw ex;
        }
        for (PosixMqSelector.Key key : ready) {
            if (key.attachment() instanceof QueueDispatch dispatch) {
                dispatch.onReady(key);
            }
        }
    }

    /** Re-arms the delayed queues that are due; returns the nanoseconds to the next one, or -1 for none. */
    private long retryDelayed() {
        if (this.delayed.isEmpty()) {
            return -1;
        }
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        for (Iterator<Map.Entry<QueueDispatch, Long>> it = this.delayed.entrySet().iterator(); it.hasNext();) {
            Map.Entry<QueueDispatch, Long> entry = it.next();
            long left = entry.getValue() - now;
            if (left <= 0) {
                it.remove();
                entry.getKey().retry();
            }
            else {
                next = Math.min(next, left);
            }
        }
        return next == Long.MAX_VALUE ? -1 : next;
    }

    private void pause() throws InterruptedException {
        synchronized (this.monitor) {
            if (this.running) {
                this.monitor.wait(PosixMqDispatcher.RESTART_PAUSE.toMillis());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable failure) throws T {
        throw (T) failure;
    }

    @Override
    public String toString() {
        return this.name;
    }
}
