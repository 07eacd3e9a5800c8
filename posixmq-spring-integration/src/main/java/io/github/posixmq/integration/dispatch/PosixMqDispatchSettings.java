package io.github.posixmq.integration.dispatch;

import java.time.Duration;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * How inbound adapters receive ({@code posixmq.dispatch.*}): the selector threads, workers and linger of the shared
 * {@link PosixMqDispatcher}, or threads of each adapter's own.
 *
 * @param selectors selector threads (at least 1)
 * @param workers worker threads of the default pool; 0 for {@link PosixMqDispatcher#defaultWorkerCount()}
 * @param dedicatedThreads whether each adapter receives on {@code concurrency} threads of its own instead
 * @param linger how long a worker whose queue ran empty waits for its next message
 *     ({@link PosixMqDispatcher#setLinger})
 */
public record PosixMqDispatchSettings(int selectors, int workers, boolean dedicatedThreads, Duration linger) {

    /** The defaults: one selector thread, the default workers, shared dispatch, a linger of 1 ms. */
    public static final PosixMqDispatchSettings DEFAULTS = new PosixMqDispatchSettings(1, 0, false);

    /** Checks the values. */
    public PosixMqDispatchSettings {
        Assert.isTrue(selectors >= 1, "selectors must be at least 1");
        Assert.isTrue(workers >= 0, "workers must not be negative");
        Assert.notNull(linger, "linger must not be null");
        Assert.isTrue(!linger.isNegative(), "linger must not be negative");
    }

    /** Settings with the {@link PosixMqDispatcher#DEFAULT_LINGER default linger}. */
    public PosixMqDispatchSettings(int selectors, int workers, boolean dedicatedThreads) {
        this(selectors, workers, dedicatedThreads, PosixMqDispatcher.DEFAULT_LINGER);
    }

    /**
     * A dispatcher with these settings, handing messages to {@code workers} when not null (it stays the caller's),
     * else to a pool of {@link #workers()} threads that the dispatcher owns.
     */
    public PosixMqDispatcher dispatcher(@Nullable Executor workers) {
        PosixMqDispatcher dispatcher;
        if (workers != null) {
            dispatcher = new PosixMqDispatcher(this.selectors, workers);
        }
        else {
            int threads = this.workers > 0 ? this.workers : PosixMqDispatcher.defaultWorkerCount();
            dispatcher = new PosixMqDispatcher(this.selectors, PosixMqDispatcher.defaultWorkers(threads), true);
        }
        dispatcher.setLinger(this.linger);
        return dispatcher;
    }
}
