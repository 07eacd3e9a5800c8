package io.github.posixmq.integration.inbound.receiver;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.posixmq.Message;
import io.github.posixmq.PosixMqSelector;
import io.github.posixmq.QueueAlreadyRegisteredException;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.dispatch.PosixMqDispatcher;
import io.github.posixmq.integration.dispatch.PosixMqReceiveBuffers;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * The receivers of one {@link io.github.posixmq.integration.inbound.PosixMqMessageProducer}, in either mode: a
 * registration with the shared {@link PosixMqDispatcher} (selector threads and workers shared by every queue of the
 * application), or {@code concurrency} receiving threads of its own ({@link PosixMqReceiver}, one selector each). A
 * receiving thread that ends unexpectedly is restarted while its start is current, and counted
 * ({@link PosixMqOperationListener#onReceiverRestart}).
 */
public final class InboundReceivers {

    /** Pause after an unexpected receive failure, or before a failed receiving thread is replaced. */
    private static final long RECOVERY_MILLIS = 1000;

    private final PosixMqQueueSupplier queue;

    private final Supplier<PosixMqOperationListener> listener;

    private final LogAccessor logger;

    private final ReceiverThreads threads = new ReceiverThreads();

    private final Map<Object, PosixMqDispatcher.Registration> registrations = new ConcurrentHashMap<>();

    private volatile int generation;

    private volatile PosixMqDispatcher.@Nullable Registration current;

    /** Receivers of {@code queue}, telling {@code listener} of receives and restarts. */
    public InboundReceivers(PosixMqQueueSupplier queue, Supplier<PosixMqOperationListener> listener,
            LogAccessor logger) {
        this.queue = queue;
        this.listener = listener;
        this.logger = logger;
    }

    /** The receivers' generations: what waits for them to end and what pauses on their stop signal. */
    public ReceiverThreads threads() {
        return this.threads;
    }

    /**
     * Starts the receivers of a new generation: on {@code dispatcher} when there is one (and it does not watch this
     * descriptor already), else {@code concurrency} threads of {@code executor}.
     *
     * @param adapterActive whether the adapter runs
     * @param deliveries what takes each message of this generation, given whether the generation is still active
     */
    public void start(int concurrency, @Nullable PosixMqDispatcher dispatcher, PosixMqReceiveBuffers buffers,
            Executor executor, BooleanSupplier adapterActive, Function<BooleanSupplier, Consumer<Message>> deliveries,
            String owner, String threadPrefix) {
        int started = this.threads.newGeneration();
        this.generation = started;
        this.current = null;
        BooleanSupplier active = () -> adapterActive.getAsBoolean() && this.threads.isCurrent(started);
        Consumer<Message> delivery = deliveries.apply(active);
        if (dispatcher != null
                && startShared(dispatcher, started, concurrency, buffers, delivery, owner, threadPrefix)) {
            return;
        }
        for (int i = 0; i < concurrency; i++) {
            try {
                startThread(started, active, delivery, executor, owner);
            }
            catch (RejectedExecutionException ex) {
                throw new IllegalStateException("the task executor of " + owner + " rejected receiving thread "
                        + (i + 1) + " of " + concurrency, ex);
            }
        }
    }

    private boolean startShared(PosixMqDispatcher dispatcher, int started, int concurrency,
            PosixMqReceiveBuffers buffers, Consumer<Message> delivery, String owner, String threadPrefix) {
        SharedReceiver receiver = new SharedReceiver(started, concurrency, buffers, delivery, owner, threadPrefix);
        this.threads.started(started, receiver, () -> {
            PosixMqDispatcher.Registration registration = this.registrations.get(receiver);
            if (registration != null) {
                registration.stop();
            }
        });
        PosixMqDispatcher.Registration registration;
        try {
            registration = dispatcher.register(receiver);
        }
        catch (QueueAlreadyRegisteredException ex) {
            this.threads.ended(started, receiver);
            if (buffers != PosixMqReceiveBuffers.DIRECT) {
                throw new IllegalStateException(owner + ": the dispatcher watches descriptor of queue "
                        + this.queue.queueName() + " for another adapter already, and this adapter's receive buffers "
                        + "(an in-flight journal) work only on the dispatcher; give the queue one adapter", ex);
            }
            this.logger.info(() -> owner + ": the dispatcher watches descriptor of queue " + this.queue.queueName()
                    + " for another adapter already; this adapter receives on threads of its own");
            return false;
        }
        catch (RuntimeException ex) {
            this.threads.ended(started, receiver);
            throw ex;
        }
        this.registrations.put(receiver, registration);
        this.current = registration;
        if (registration.isEnded()) {
            this.registrations.remove(receiver);
        }
        return true;
    }

    private void startThread(int started, BooleanSupplier active, Consumer<Message> delivery, Executor executor,
            String owner) {
        PosixMqSelector selector = PosixMqSelector.open();
        try {
            PosixMqSelector.Key key = PosixMqReceiver.register(this.queue, selector);
            this.threads.started(started, selector, selector::wakeup);
            executor.execute(new PosixMqReceiver(this.queue, selector, key, active, this.listener, delivery,
                    () -> this.threads.pause(RECOVERY_MILLIS, active),
                    (failure) -> ended(started, selector, failure, active, delivery, executor, owner), owner));
        }
        catch (RuntimeException ex) {
            this.threads.ended(started, selector);
            selector.close();
            throw ex;
        }
    }

    /** A receiving thread ended; one that failed is replaced (after a pause) while its generation is current. */
    private void ended(int started, PosixMqSelector selector, @Nullable Throwable failure, BooleanSupplier active,
            Consumer<Message> delivery, Executor executor, String owner) {
        this.threads.ended(started, selector);
        if (failure == null || !active.getAsBoolean()) {
            return;
        }
        this.listener.get().onReceiverRestart(this.queue.queueName());
        this.threads.pause(RECOVERY_MILLIS, active);
        if (!active.getAsBoolean()) {
            return;
        }
        try {
            startThread(started, active, delivery, executor, owner);
            this.logger.warn(() -> owner + ": restarted a receiving thread that had failed (" + failure + ")");
        }
        catch (RuntimeException ex) {
            this.logger.error(ex, () -> owner + ": cannot restart a receiving thread that had failed");
        }
    }

    /** The receivers running now, of every start (a stopped registration counts its messages in hand). */
    public int running() {
        int total = this.threads.running() - this.registrations.size();
        for (PosixMqDispatcher.Registration registration : this.registrations.values()) {
            total += registration.receivers();
        }
        return Math.max(0, total);
    }

    /** The receivers of the latest start that run now. */
    public int runningNow() {
        PosixMqDispatcher.Registration registration = this.current;
        return registration != null ? registration.receivers() : this.threads.runningOf(this.generation);
    }

    /** A registration with the dispatcher: copies each message out of the permit's buffer and delivers it. */
    private final class SharedReceiver implements PosixMqDispatcher.Receiver {

        private final int generation;

        private final int concurrency;

        private final PosixMqReceiveBuffers buffers;

        private final Consumer<Message> delivery;

        private final String owner;

        private final String[] workerNames;

        SharedReceiver(int generation, int concurrency, PosixMqReceiveBuffers buffers, Consumer<Message> delivery,
                String owner, String threadPrefix) {
            this.workerNames = new String[concurrency];
            for (int i = 0; i < concurrency; i++) {
                this.workerNames[i] = threadPrefix + (i + 1);
            }
            this.generation = generation;
            this.concurrency = concurrency;
            this.buffers = buffers;
            this.delivery = delivery;
            this.owner = owner;
        }

        @Override
        public PosixMqQueueSupplier queue() {
            return InboundReceivers.this.queue;
        }

        @Override
        public int concurrency() {
            return this.concurrency;
        }

        @Override
        public PosixMqReceiveBuffers buffers() {
            return this.buffers;
        }

        @Override
        public PosixMqOperationListener listener() {
            return InboundReceivers.this.listener.get();
        }

        @Override
        public void deliver(ByteBuffer message, int priority) {
            byte[] bytes = new byte[message.remaining()];
            message.get(bytes);
            this.delivery.accept(new Message(priority, bytes));
        }

        @Override
        public String workerName(int permit) {
            return this.workerNames[permit];
        }

        @Override
        public void ended() {
            InboundReceivers.this.registrations.remove(this);
            InboundReceivers.this.threads.ended(this.generation, this);
        }

        @Override
        public void restarted(String why) {
            InboundReceivers.this.logger.warn(() -> this.owner + ": a receiver restarted (" + why + ")");
            InboundReceivers.this.listener.get().onReceiverRestart(InboundReceivers.this.queue.queueName());
        }

        @Override
        public String owner() {
            return this.owner;
        }
    }
}
