package io.github.posixmq.integration.dispatch;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The worker executor of a {@link PosixMqDispatcher}, and what a worker needs to know to keep its queue: whether a
 * task waits for a thread. It counts the dispatcher's own tasks between their submission and their start, and, for a
 * {@link ThreadPoolExecutor}, looks at its queue too (other tasks of a shared pool). For any other executor, whose
 * waiting tasks it cannot see, a worker gives its thread back after {@link PosixMqDispatcher#DRAIN} messages in a row.
 */
final class WorkerPool {

    private final Executor executor;

    private final @Nullable BlockingQueue<Runnable> visibleQueue;

    private final AtomicInteger waiting = new AtomicInteger();

    WorkerPool(Executor executor) {
        this.executor = executor;
        this.visibleQueue = executor instanceof ThreadPoolExecutor pool ? pool.getQueue() : null;
    }

    /**
     * Submits {@code task}, which calls {@link #started()} first when it runs on a worker; false when the executor
     * rejected it (the caller runs it itself, without calling {@link #started()}).
     */
    boolean submit(Runnable task) {
        this.waiting.incrementAndGet();
        try {
            this.executor.execute(task);
            return true;
        }
        catch (RejectedExecutionException ex) {
            this.waiting.decrementAndGet();
            return false;
        }
    }

    /** A submitted task started on a worker thread. */
    void started() {
        this.waiting.decrementAndGet();
    }

    /**
     * Whether a worker that handled {@code handled} messages of its queue in a row may keep its thread for the next:
     * no task waits for a thread (and, for an executor whose queue cannot be seen, fewer than
     * {@link PosixMqDispatcher#DRAIN} in a row).
     */
    boolean canKeep(int handled) {
        if (this.visibleQueue == null && handled >= PosixMqDispatcher.DRAIN) {
            return false;
        }
        return canSpare();
    }

    /** Whether no task waits for a worker thread (as far as this pool can see). */
    boolean canSpare() {
        if (this.waiting.get() > 0) {
            return false;
        }
        BlockingQueue<Runnable> queue = this.visibleQueue;
        return queue == null || queue.isEmpty();
    }
}
