package io.github.posixmq.integration.dispatch;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Executor;

import io.github.posixmq.PosixMqSelector;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.util.Assert;

/**
 * Receives for many queues with a fixed number of threads: a few selector threads wait ({@link PosixMqSelector},
 * epoll) on every registered queue and hand each received message to a worker executor, which keeps each queue's
 * concurrency. Threads do not grow with the number of queues (the model is Spring AMQP's
 * {@code DirectMessageListenerContainer}).
 *
 * <p>Each registered queue has {@code concurrency} receive permits, each with its own receive buffer
 * ({@link PosixMqReceiveBuffers}). When the queue is readable and a permit is free, a selector thread receives one
 * message without blocking into the permit's buffer and submits its handling to a worker; the queue is watched again
 * (epoll {@code ONE_SHOT}, re-armed) while permits are free, so a queue with concurrency 1 is handled in order, one
 * message at a time. A worker that finished a message keeps its queue while the pool can spare its thread (no task
 * waits for one): it receives the next message itself and, when the queue is empty, lingers ({@link #setLinger}, 1 ms
 * by default) in a wait on the queue before it gives the queue back to the selector thread. So a busy queue costs no
 * hand-off per message (a wake-up of a waiting worker costs what the selector's costs), and a quiet queue is still
 * served: its message, received by the selector thread, is a waiting task, and the busy queue's worker gives its thread
 * back after the message in hand (a lingering one within a millisecond); every {@value #DRAIN} messages in a row it
 * also looks ({@link PosixMqSelector#hasReady()}) whether another queue is ready that the selector thread did not get
 * to yet, and gives its thread back then too. With an executor whose waiting tasks cannot be seen (not a
 * {@link ThreadPoolExecutor}) a worker gives its thread back after {@value #DRAIN} messages in a row. A selector round
 * receives at most one message per ready queue.
 *
 * <p>A selector thread that ends unexpectedly is restarted (each of its queues' receivers is told, which counts it);
 * a worker task that fails returns its permit, so the queue keeps receiving. Stopping a registration finishes the
 * messages in hand; no descriptor is touched after it was closed (the core's guarantee), and a queue supplier that
 * switches to a recreated queue is followed.
 *
 * <pre>{@code
 * PosixMqDispatcher dispatcher = new PosixMqDispatcher(1, null); // one selector thread, the default workers
 * adapter.setDispatcher(dispatcher);
 * }</pre>
 */
public final class PosixMqDispatcher implements DisposableBean, AutoCloseable {

    /**
     * How many messages of one queue a worker handles in a row at most before it gives its thread back when the
     * executor's waiting tasks cannot be seen; with a {@link ThreadPoolExecutor} (the default workers) it keeps the
     * queue while no task waits.
     */
    public static final int DRAIN = 16;

    /** The default {@link #setLinger linger}: 1 ms. */
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(1);

    /** The longest wait of a lingering worker before it looks at a stop and at the pool again. */
    private static final Duration LINGER_SLICE = Duration.ofMillis(1);

    private static final Log logger = LogFactory.getLog(PosixMqDispatcher.class);

    private final SelectorLoop[] loops;

    private final WorkerPool workers;

    private final @Nullable ExecutorService ownedWorkers;

    private final Object monitor = new Object();

    private boolean started;

    private volatile boolean closed;

    private volatile Linger linger = Linger.of(DEFAULT_LINGER);

    /** A dispatcher with one selector thread and the {@link #defaultWorkers default workers}. */
    public PosixMqDispatcher() {
        this(1, null);
    }

    /**
     * A dispatcher with {@code selectorThreads} selector threads handing messages to {@code workers} (null: the
     * {@link #defaultWorkers default workers}, shut down by {@link #close()}). An executor given here stays the
     * caller's; it must not drop tasks it accepted (a task holds a received message).
     */
    public PosixMqDispatcher(int selectorThreads, @Nullable Executor workers) {
        this(selectorThreads, workers, false);
    }

    /** Like {@link #PosixMqDispatcher(int, Executor)}; {@code ownsWorkers}: {@link #close()} shuts them down. */
    PosixMqDispatcher(int selectorThreads, @Nullable Executor workers, boolean ownsWorkers) {
        Assert.isTrue(selectorThreads >= 1, "selectorThreads must be at least 1");
        this.loops = new SelectorLoop[selectorThreads];
        for (int i = 0; i < selectorThreads; i++) {
            this.loops[i] = new SelectorLoop("posixmq-selector-" + (i + 1));
        }
        if (workers == null) {
            ExecutorService owned = defaultWorkers(defaultWorkerCount());
            this.ownedWorkers = owned;
            this.workers = new WorkerPool(owned);
        }
        else {
            this.ownedWorkers = ownsWorkers && workers instanceof ExecutorService owned ? owned : null;
            this.workers = new WorkerPool(workers);
        }
    }

    /** The default number of worker threads: twice the processors, at least 8. */
    public static int defaultWorkerCount() {
        return Math.max(8, 2 * Runtime.getRuntime().availableProcessors());
    }

    /**
     * A bounded worker pool of at most {@code threads} daemon threads named {@code posixmq-worker-N}, created on demand
     * and ended after a minute idle; tasks wait in an unbounded queue (they are bounded by the permits: one task per
     * permit at most).
     */
    public static ExecutorService defaultWorkers(int threads) {
        Assert.isTrue(threads >= 1, "threads must be at least 1");
        AtomicInteger counter = new AtomicInteger();
        ThreadFactory factory = (task) -> {
            Thread thread = new Thread(task, "posixmq-worker-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), factory);
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The selector loops (for tests). */
    SelectorLoop[] loops() {
        return this.loops;
    }

    /** The number of selector threads. */
    public int getSelectorThreads() {
        return this.loops.length;
    }

    /**
     * Sets how long a worker whose queue ran empty waits for the queue's next message before it gives the queue back
     * to the selector thread (default {@link #DEFAULT_LINGER}; zero: at once). It waits only while no task waits for
     * a worker thread, and a stop of the queue's registration ends the wait within a millisecond. Longer lingers keep
     * a worker per recently busy queue; the wait uses no CPU.
     */
    public void setLinger(Duration linger) {
        Assert.notNull(linger, "linger must not be null");
        Assert.isTrue(!linger.isNegative(), "linger must not be negative");
        this.linger = Linger.of(linger);
    }

    /** How long a worker whose queue ran empty waits for the next message. */
    public Duration getLinger() {
        return this.linger.total();
    }

    Linger linger() {
        return this.linger;
    }

    /** The worker executor, with what it can tell about waiting tasks. */
    WorkerPool workers() {
        return this.workers;
    }

    boolean isClosed() {
        return this.closed;
    }

    /**
     * Starts receiving for {@code receiver} on the least loaded selector thread; the descriptor its queue supplies now
     * is watched at once.
     *
     * @throws io.github.posixmq.QueueAlreadyRegisteredException when this descriptor is watched by this dispatcher
     *         already (another adapter on the same descriptor)
     */
    public Registration register(Receiver receiver) {
        Assert.notNull(receiver, "receiver must not be null");
        Assert.isTrue(receiver.concurrency() >= 1, "concurrency must be at least 1");
        SelectorLoop loop;
        synchronized (this.monitor) {
            Assert.state(!this.closed, "the dispatcher is closed");
            if (!this.started) {
                for (SelectorLoop each : this.loops) {
                    each.start();
                }
                this.started = true;
            }
            loop = this.loops[0];
            for (SelectorLoop each : this.loops) {
                if (each.size() < loop.size()) {
                    loop = each;
                }
            }
        }
        QueueDispatch dispatch = new QueueDispatch(receiver, loop, this);
        dispatch.start();
        return dispatch;
    }

    /** Stops the selector threads and the default workers (waiting up to 30s for messages in hand). */
    @Override
    public void close() {
        synchronized (this.monitor) {
            if (this.closed) {
                return;
            }
            this.closed = true;
        }
        for (SelectorLoop loop : this.loops) {
            loop.stop();
        }
        ExecutorService owned = this.ownedWorkers;
        if (owned != null) {
            owned.shutdown();
            try {
                if (!owned.awaitTermination(30, TimeUnit.SECONDS)) {
                    logger.warn("posixmq workers still busy 30s after the dispatcher was closed");
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void destroy() {
        close();
    }

    /** Pause before a selector thread that ended unexpectedly runs again. */
    static final Duration RESTART_PAUSE = Duration.ofMillis(200);

    /** A linger of {@code total}, waited in {@code slices} waits of {@code slice} each (none for zero). */
    record Linger(Duration total, Duration slice, int slices) {

        static Linger of(Duration total) {
            if (total.isZero()) {
                return new Linger(total, total, 0);
            }
            long nanos = total.compareTo(Duration.ofNanos(Long.MAX_VALUE)) < 0 ? total.toNanos() : Long.MAX_VALUE;
            long sliceNanos = LINGER_SLICE.toNanos();
            int slices = (int) Math.min(Integer.MAX_VALUE, (nanos + sliceNanos - 1) / sliceNanos);
            return new Linger(total, Duration.ofNanos(Math.max(1, nanos / slices)), slices);
        }
    }

    /** A queue to receive from, and what to do with its messages. */
    public interface Receiver {

        /** The queue, followed when it supplies another descriptor. */
        PosixMqQueueSupplier queue();

        /** How many of its messages are handled at once (1: in order, one at a time). */
        int concurrency();

        /** Where messages are received. */
        default PosixMqReceiveBuffers buffers() {
            return PosixMqReceiveBuffers.DIRECT;
        }

        /** Told of every receive. */
        default PosixMqOperationListener listener() {
            return PosixMqOperationListener.NOOP;
        }

        /**
         * Handles one message (the buffer from position 0 to its limit) on a worker thread; the buffer is reused once
         * this returns. Should not throw: what it throws is logged, and the receiving goes on.
         */
        void deliver(ByteBuffer message, int priority);

        /**
         * The name a worker takes while it handles a message of permit {@code permit} (it keeps it until it handles
         * another queue's message, so that a busy queue's worker renames itself once), or null to keep its name.
         */
        default @Nullable String workerName(int permit) {
            return null;
        }

        /** Called once the registration has ended: stopped (or its queue closed) and no message in hand. */
        default void ended() {
        }

        /** A receiver ended unexpectedly and was restarted ({@code why} names the cause). */
        default void restarted(String why) {
        }

        /** Names the receiver in log lines. */
        String owner();
    }

    /** A queue registered with the dispatcher. */
    public interface Registration {

        /**
         * Stops receiving: nothing more is received; messages in hand finish, then {@link Receiver#ended()} is
         * called (at once when none is in hand).
         */
        void stop();

        /** The receivers running: the concurrency while receiving, the messages in hand once stopped. */
        int receivers();

        /** Whether the registration ended. */
        boolean isEnded();

        /** The messages in hand now. */
        int inHand();
    }
}
