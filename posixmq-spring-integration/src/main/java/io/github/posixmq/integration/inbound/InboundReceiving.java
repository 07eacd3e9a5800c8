package io.github.posixmq.integration.inbound;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.dispatch.PosixMqDispatcher;
import io.github.posixmq.integration.dispatch.PosixMqReceiveBuffers;
import io.github.posixmq.integration.inbound.receiver.InboundReceivers;
import io.github.posixmq.integration.inbound.receiver.ReceiverThreads;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.Assert;

/**
 * How a {@link PosixMqMessageProducer} receives: how many messages at once, on the shared {@link PosixMqDispatcher}
 * or on threads of its own (of which executor), into which buffers (an in-flight journal, kept from one start to the
 * next, or the dispatcher's); starts each generation of receivers (after redelivering what the journal holds) and
 * stops them.
 */
final class InboundReceiving {

    private final PosixMqQueueSupplier queue;

    private final InboundReceivers receivers;

    private final LogAccessor logger;

    private final Supplier<Executor> defaultExecutor;

    private @Nullable PosixMqDispatcher dispatcher;

    private boolean dedicatedThreads;

    private @Nullable Path journalDirectory;

    private @Nullable InboundJournal journal;

    private PosixMqReceiveBuffers receiveBuffers = PosixMqReceiveBuffers.DIRECT;

    private int concurrency = 1;

    private @Nullable Executor taskExecutor;

    private Duration stopTimeout = Duration.ofSeconds(30);

    /**
     * The receiving side of an adapter of {@code queue}.
     *
     * @param listener told of receives and restarts
     * @param defaultExecutor the executor of receiving threads when none is set
     */
    InboundReceiving(PosixMqQueueSupplier queue, Supplier<PosixMqOperationListener> listener, LogAccessor logger,
            Supplier<Executor> defaultExecutor) {
        this.queue = queue;
        this.receivers = new InboundReceivers(queue, listener, logger);
        this.logger = logger;
        this.defaultExecutor = defaultExecutor;
    }

    void setConcurrency(int concurrency) {
        Assert.isTrue(concurrency > 0, "concurrency must be at least 1");
        this.concurrency = concurrency;
    }

    int concurrency() {
        return this.concurrency;
    }

    void setTaskExecutor(Executor taskExecutor) {
        Assert.notNull(taskExecutor, "taskExecutor must not be null");
        this.taskExecutor = taskExecutor;
    }

    void setDispatcher(@Nullable PosixMqDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    void setDedicatedThreads(boolean dedicatedThreads) {
        this.dedicatedThreads = dedicatedThreads;
    }

    void setReceiveBuffers(PosixMqReceiveBuffers receiveBuffers) {
        Assert.notNull(receiveBuffers, "receiveBuffers must not be null");
        this.receiveBuffers = receiveBuffers;
    }

    void setJournalDirectory(@Nullable Path directory) {
        this.journalDirectory = directory;
    }

    void setStopTimeout(Duration stopTimeout) {
        Assert.notNull(stopTimeout, "stopTimeout must not be null");
        this.stopTimeout = stopTimeout;
    }

    /** The receivers' generations (for the back-off of retries, which waits on their stop signal). */
    ReceiverThreads threads() {
        return this.receivers.threads();
    }

    /** At the adapter's initialization: the default executor, and the one dispatcher bean unless one is set. */
    void init(@Nullable BeanFactory beanFactory) {
        if (this.taskExecutor == null) {
            this.taskExecutor = this.defaultExecutor.get();
        }
        if (this.dispatcher == null && !this.dedicatedThreads && beanFactory instanceof ListableBeanFactory beans) {
            this.dispatcher = beans.getBeanProvider(PosixMqDispatcher.class).getIfUnique();
        }
    }

    /**
     * Starts a new generation of receivers; with a journal, first delivers again what it holds in flight.
     *
     * @param deliveries a new delivery (one for the redelivery, one for the generation)
     * @param adapterActive whether the adapter runs
     * @param listener told of the drops of redelivery
     * @param owner the adapter, for log lines
     * @param threadPrefix the prefix of the names of receiving threads and of shared workers handling this queue
     */
    void start(Supplier<InboundDelivery> deliveries, BooleanSupplier adapterActive,
            PosixMqOperationListener listener, String owner, String threadPrefix) {
        Executor executor = this.taskExecutor;
        if (executor == null) {
            executor = this.defaultExecutor.get();
            this.taskExecutor = executor;
        }
        PosixMqReceiveBuffers buffers = this.receiveBuffers;
        Path directory = this.journalDirectory;
        if (directory != null) {
            InboundJournal current = journal(directory, owner);
            current.redeliver(deliveries.get(), adapterActive, listener);
            buffers = current;
        }
        this.receivers.start(this.concurrency, this.dedicatedThreads ? null : this.dispatcher, buffers, executor,
                adapterActive, (active) -> {
                    InboundDelivery delivery = deliveries.get();
                    return (received) -> delivery.deliver(received, active);
                }, owner, threadPrefix);
    }

    /** The journal, opened at the first start (or again when the queue now needs more room). */
    private InboundJournal journal(Path directory, String owner) {
        if (this.dedicatedThreads || this.dispatcher == null) {
            throw new IllegalStateException(owner + ": the in-flight journal needs the shared dispatcher; "
                    + (this.dedicatedThreads ? "turn dedicated threads off" : "set a PosixMqDispatcher"));
        }
        long maxMessageSize = this.queue.get().maxMessageSize();
        InboundJournal current = this.journal;
        if (current != null && !current.fits(this.concurrency, maxMessageSize)) {
            current.close();
            current = null;
        }
        if (current == null) {
            current = InboundJournal.open(directory, this.queue.queueName(), this.concurrency, maxMessageSize,
                    this.logger);
            this.journal = current;
        }
        return current;
    }

    /** Runs {@code callback} once every receiver started so far has ended (each finishes its message in hand). */
    void stop(Runnable callback) {
        this.receivers.threads().whenAllEnded(callback);
    }

    /** Waits up to the stop timeout for every receiver started so far to end; a WARN line if some still run. */
    void stop(String owner) {
        int busy = this.receivers.threads().awaitAllEnded(this.stopTimeout);
        if (busy > 0) {
            this.logger.warn(() -> owner + ": " + busy + " receiving thread(s) still busy after " + this.stopTimeout);
        }
    }

    /** Receivers running now, of every start (after a stop, those still finishing a message). */
    int running() {
        return this.receivers.running();
    }

    /** How many configured receivers do not run now (to be called while the adapter runs). */
    int missing() {
        return Math.max(0, this.concurrency - this.receivers.runningNow());
    }

    /** Closes the journal, if one was opened. */
    void close() {
        InboundJournal current = this.journal;
        if (current != null) {
            current.close();
        }
    }
}
