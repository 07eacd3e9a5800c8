package io.github.posixmq.integration.inbound;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import io.github.posixmq.PosixMq;
import io.github.posixmq.PosixMqSelector;
import io.github.posixmq.integration.CompositePosixMqOperationListener;
import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.PosixMqLogText;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.dispatch.PosixMqDispatcher;
import io.github.posixmq.integration.dispatch.PosixMqReceiveBuffers;
import io.github.posixmq.integration.observation.PosixMqObservation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.integration.core.RecoveryCallback;
import org.springframework.integration.endpoint.MessageProducerSupport;
import org.springframework.integration.handler.advice.ErrorMessageSendingRecoverer;
import org.springframework.integration.support.ErrorMessageUtils;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.util.Assert;

/**
 * A message-driven channel adapter that receives from a POSIX message queue and sends each message to the output
 * channel, mapped by a {@link PosixMqInboundMessageMapper} (headers {@link PosixMqHeaders#PRIORITY} and
 * {@link PosixMqHeaders#QUEUE}). Modeled on Spring Integration's {@code RedisQueueMessageDrivenEndpoint}.
 *
 * <p>With a {@link PosixMqDispatcher} (set, or the one bean of that type in the context, as Spring Boot declares it)
 * the adapter receives through the dispatcher's shared selector threads and workers, which keep its
 * {@link #setConcurrency(int) concurrency}; threads do not grow with the number of queues. Without one (or with
 * {@link #setDedicatedThreads dedicated threads}), each of the {@code concurrency} receiving threads waits on its own
 * {@link PosixMqSelector} (epoll). Either way a message is picked up as soon as it arrives and an idle queue costs
 * no CPU; the queue descriptor is shared and never closed by the adapter. Built with a {@link PosixMqQueueSupplier}, the adapter follows the
 * supplier: when it switches to another descriptor (a registry's recovery of a recreated queue) and the old
 * descriptor is closed, each receiving thread wakes and waits on the new one.
 *
 * <p>When the flow fails for a message (or its bytes are not valid in the charset), the {@link #setRecoveryCallback
 * recovery callback} runs first — by default a {@link PosixMqDeadLetterRecoverer} when a
 * {@link #setDeadLetterQueue dead-letter queue} is set, which keeps the original bytes and priority — and then an
 * {@code ErrorMessage} goes to the error channel, when one is set (else one log line per failed message), through Spring
 * Integration's {@link ErrorMessageSendingRecoverer}; as in Spring Integration's adapters that take a recovery
 * callback, {@link #getErrorChannel()} is null so that the output send itself never routes errors. Stopping lets
 * every thread finish the message in hand before the stop completes; a thread waiting for room in a full dead-letter
 * queue puts its message back to this queue with its priority at once (see {@link PosixMqDeadLetterRecoverer}), so a
 * shutdown neither drops a received message nor waits out the dead-letter send timeout.
 */
public class PosixMqMessageProducer extends MessageProducerSupport {

    private final PosixMqQueueSupplier queue;

    private final PosixMqInboundMessageMapper mapper;

    private final InboundReceivers receivers;

    private @Nullable PosixMqDispatcher dispatcher;

    private boolean dedicatedThreads;

    private @Nullable Path journalDirectory;

    private @Nullable InboundJournal journal;

    private PosixMqReceiveBuffers receiveBuffers = PosixMqReceiveBuffers.DIRECT;

    private int concurrency = 1;

    private boolean observationEnabled;

    private @Nullable Executor taskExecutor;

    private @Nullable PosixMqQueueSupplier deadLetterQueue;

    private @Nullable RecoveryCallback<?> recoveryCallback;

    private @Nullable PosixMqOperationListener listener;

    private @Nullable ErrorMessageSendingRecoverer errorRecoverer;

    private Duration stopTimeout = Duration.ofSeconds(30);

    private int retryAttempts = 3;

    private Duration retryInitialInterval = Duration.ofMillis(100);

    private double retryMultiplier = 2;

    private Duration retryMaxInterval = Duration.ofSeconds(2);

    private Duration deadLetterSendTimeout = Duration.ofSeconds(5);

    private int loggedBytes = PosixMqLogText.DEFAULT_LOGGED_BYTES;

    /** Creates an adapter receiving from {@code queue}, which must be open for reading and stays owned by the caller. */
    public PosixMqMessageProducer(PosixMq queue) {
        this(PosixMqQueueSupplier.of(checkCanReceive(queue)));
    }

    /**
     * Creates an adapter receiving from the queue {@code queue} supplies now (which must be open for reading),
     * following it when it supplies another descriptor.
     */
    public PosixMqMessageProducer(PosixMqQueueSupplier queue) {
        Assert.notNull(queue, "queue must not be null");
        this.queue = queue;
        this.mapper = new PosixMqInboundMessageMapper(queue.queueName());
        this.receivers = new InboundReceivers(queue, this::listener, logger);
    }

    private static PosixMq checkCanReceive(PosixMq queue) {
        Assert.notNull(queue, "queue must not be null");
        Assert.isTrue(queue.canReceive(), () -> "queue " + queue.name() + " must be opened for reading");
        return queue;
    }

    /** The queue this adapter receives from now. */
    public PosixMq getQueue() {
        return this.queue.get();
    }

    /** Sets the number of threads receiving from the queue (default 1). */
    public void setConcurrency(int concurrency) {
        Assert.isTrue(concurrency > 0, "concurrency must be at least 1");
        this.concurrency = concurrency;
    }

    /** The number of receiving threads. */
    public int getConcurrency() {
        return this.concurrency;
    }

    /**
     * Sets the executor that runs the receiving threads; it must run {@link #getConcurrency()} long-lived tasks at
     * once. Default: a {@link SimpleAsyncTaskExecutor} with threads named after the bean.
     */
    public void setTaskExecutor(Executor taskExecutor) {
        Assert.notNull(taskExecutor, "taskExecutor must not be null");
        this.taskExecutor = taskExecutor;
    }

    /**
     * Receives through {@code dispatcher}'s shared selector threads and workers. Default: the one
     * {@link PosixMqDispatcher} bean of the application context, if there is one, else threads of this adapter
     * ({@link #setDedicatedThreads}).
     */
    public void setDispatcher(@Nullable PosixMqDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /**
     * Receives on {@link #getConcurrency()} threads of its own ({@link #setTaskExecutor}), each waiting on the queue,
     * even when a dispatcher is there: for one very busy queue, where no hand-off to a worker happens at all.
     */
    public void setDedicatedThreads(boolean dedicatedThreads) {
        this.dedicatedThreads = dedicatedThreads;
    }

    /** Where the shared dispatcher receives this queue's messages (default: a direct buffer per permit). */
    public void setReceiveBuffers(PosixMqReceiveBuffers receiveBuffers) {
        Assert.notNull(receiveBuffers, "receiveBuffers must not be null");
        this.receiveBuffers = receiveBuffers;
    }

    /**
     * Keeps each message this adapter has in hand in an in-flight journal in {@code directory} (null: none, the
     * default), so a crash of this process does not lose it: it is delivered again, with
     * {@link io.github.posixmq.integration.PosixMqHeaders#REDELIVERED}, when the adapter next starts, before anything
     * new is received (at-least-once). Needs the shared dispatcher ({@link #setDispatcher}, not dedicated threads).
     */
    public void setJournalDirectory(@Nullable Path directory) {
        this.journalDirectory = directory;
    }

    /**
     * Makes payloads {@code String}s decoded with {@code charset} (null: {@code byte[]} payloads, the default). Bytes
     * that are not valid in the charset are an error, never replaced.
     */
    public void setCharset(@Nullable Charset charset) {
        this.mapper.setCharset(charset);
    }

    /** The charset of String payloads, or null for byte[] payloads. */
    public @Nullable Charset getCharset() {
        return this.mapper.getCharset();
    }

    /**
     * Sets the {@code contentType} header of received messages, such as {@code application/json}, so Spring
     * Integration converts the payload to a handler's parameter type; null (the default) sets none.
     */
    public void setContentType(@Nullable String contentType) {
        this.mapper.setContentType(contentType);
    }

    /**
     * Reads the headers embedded before the payload (header-mode embedded); a message not in that format takes the
     * error and dead-letter path with its bytes. Null (the default): raw, the bytes are the payload.
     */
    public void setEmbeddedHeaders(@Nullable PosixMqEmbeddedHeaders embeddedHeaders) {
        this.mapper.setEmbeddedHeaders(embeddedHeaders);
    }

    /**
     * Sets a queue that receives the original bytes and priority of every message whose flow failed; it stays
     * owned by the caller. When it is full the receiving thread waits for room, so nothing is lost.
     */
    public void setDeadLetterQueue(@Nullable PosixMq deadLetterQueue) {
        Assert.isTrue(deadLetterQueue == null || deadLetterQueue.canSend(), "the dead-letter queue must be open for sending");
        setDeadLetterQueue(deadLetterQueue != null ? PosixMqQueueSupplier.of(deadLetterQueue) : null);
    }

    /**
     * Sets the dead-letter queue as a supplier, looked up for each failed message (so it follows the supplier when
     * it switches to another descriptor); null for none. Used by the default recovery callback.
     */
    public void setDeadLetterQueue(@Nullable PosixMqQueueSupplier deadLetterQueue) {
        Assert.isTrue(deadLetterQueue == null || !deadLetterQueue.queueName().equals(this.queue.queueName()),
                "a queue cannot be its own dead-letter queue");
        this.deadLetterQueue = deadLetterQueue;
    }

    /** The dead-letter queue now, or null. */
    public @Nullable PosixMq getDeadLetterQueue() {
        PosixMqQueueSupplier deadLetter = this.deadLetterQueue;
        return deadLetter != null ? deadLetter.get() : null;
    }

    /**
     * Sets what runs for a message whose flow failed, before the error message is sent; its context holds the failed
     * message ({@link ErrorMessageUtils#FAILED_MESSAGE_CONTEXT_KEY}) and the received bytes and priority
     * ({@link PosixMqDeadLetterRecoverer#RECEIVED_MESSAGE}). Default: a {@link PosixMqDeadLetterRecoverer} when a
     * dead-letter queue is set, else nothing.
     */
    public void setRecoveryCallback(@Nullable RecoveryCallback<?> recoveryCallback) {
        this.recoveryCallback = recoveryCallback;
    }

    /**
     * Sets the listener told of every receive (and dead-letter send). Default: the {@link PosixMqOperationListener}
     * beans of the application context, if any.
     */
    public void setOperationListener(PosixMqOperationListener listener) {
        Assert.notNull(listener, "listener must not be null");
        this.listener = listener;
    }

    /**
     * Sets how often the flow is tried for a message before it is recovered (dead-lettered, or dropped loudly), and
     * the back-off between attempts: {@code initialInterval}, times {@code multiplier} after each attempt, at most
     * {@code maxInterval}. Default: 3 attempts, 100ms, 2, 2s. A stop cuts the back-off short: the message is then
     * recovered at once. Messages whose bytes cannot be mapped (invalid in the charset) are not retried.
     */
    public void setRetry(int attempts, Duration initialInterval, double multiplier, Duration maxInterval) {
        Assert.isTrue(attempts >= 1, "attempts must be at least 1");
        Assert.isTrue(initialInterval != null && !initialInterval.isNegative(), "initialInterval must not be negative");
        Assert.isTrue(multiplier >= 1, "multiplier must be at least 1");
        Assert.isTrue(maxInterval != null && maxInterval.compareTo(initialInterval) >= 0,
                "maxInterval must not be shorter than initialInterval");
        this.retryAttempts = attempts;
        this.retryInitialInterval = initialInterval;
        this.retryMultiplier = multiplier;
        this.retryMaxInterval = maxInterval;
    }

    /** How often the flow is tried for a message before it is recovered. */
    public int getRetryAttempts() {
        return this.retryAttempts;
    }

    /**
     * Sets how long the default dead-letter recoverer waits for room in a full dead-letter queue (default 5s); then
     * the message is dropped loudly, so a full dead-letter queue never blocks {@link #stop()} for longer.
     */
    public void setDeadLetterSendTimeout(Duration timeout) {
        Assert.isTrue(timeout != null && !timeout.isNegative(), "timeout must not be negative");
        this.deadLetterSendTimeout = timeout;
    }

    /**
     * Sets how many bytes of a dropped message its ERROR line shows, base64 (default 1 KiB): a peer cannot flood the
     * log with large messages.
     */
    public void setLoggedBytes(int loggedBytes) {
        Assert.isTrue(loggedBytes >= 0, "loggedBytes must not be negative");
        this.loggedBytes = loggedBytes;
        if (this.recoveryCallback instanceof PosixMqDeadLetterRecoverer recoverer) {
            recoverer.setLoggedBytes(loggedBytes);
        }
    }

    /** Whether a receiving thread waits now for room in the full dead-letter queue. */
    public boolean isBlockedOnDeadLetterQueue() {
        return this.recoveryCallback instanceof PosixMqDeadLetterRecoverer recoverer && recoverer.isBlocked();
    }

    /** Sets how long {@link #stop()} waits for the receiving threads to finish their messages (default 30s). */
    public void setStopTimeout(Duration stopTimeout) {
        Assert.notNull(stopTimeout, "stopTimeout must not be null");
        this.stopTimeout = stopTimeout;
    }

    /** Always null: errors are routed by the recovery step, after the recovery callback (see the class comment). */
    @Override
    public @Nullable MessageChannel getErrorChannel() {
        return null;
    }

    /**
     * The channel errors go to: the one set (by channel or name; {@code "errorChannel"} for the global one), else null:
     * each failed message is then one log line (peer text escaped, stack trace at DEBUG) rather than an
     * {@code ErrorMessage} on the global {@code errorChannel}, whose default logger prints the stack trace and the
     * failed message's text, which a writer of the queue controls.
     */
    public @Nullable MessageChannel resolveErrorChannel() {
        return super.getErrorChannel();
    }

    @Override
    public String getComponentType() {
        return "posixmq:inbound-channel-adapter";
    }

    @Override
    protected void onInit() {
        super.onInit();
        if (this.taskExecutor == null) {
            this.taskExecutor = defaultTaskExecutor();
        }
        if (this.listener == null) {
            this.listener = CompositePosixMqOperationListener.ofBeans(getBeanFactory());
        }
        if (this.dispatcher == null && !this.dedicatedThreads
                && getBeanFactory() instanceof ListableBeanFactory beans) {
            this.dispatcher = beans.getBeanProvider(PosixMqDispatcher.class).getIfUnique();
        }
        this.mapper.setMessageBuilderFactory(getMessageBuilderFactory());
        PosixMqQueueSupplier deadLetter = this.deadLetterQueue;
        if (this.recoveryCallback == null && deadLetter != null) {
            PosixMqDeadLetterRecoverer recoverer = new PosixMqDeadLetterRecoverer(deadLetter, this.queue.queueName());
            recoverer.setOperationListener(listener());
            recoverer.setSendTimeout(this.deadLetterSendTimeout);
            recoverer.setLoggedBytes(this.loggedBytes);
            recoverer.setSourceQueue(this.queue);
            this.recoveryCallback = recoverer;
        }
        if (this.recoveryCallback == null) {
            logger.warn(() -> this + " has no dead-letter queue: a message whose flow fails " + this.retryAttempts
                    + " time(s) is DROPPED, logged at ERROR with its bytes (base64) and counted; set a dead-letter "
                    + "queue to keep such messages");
        }
    }

    /** A thread per receiver, named after this adapter's bean or, without one, its queue. */
    private Executor defaultTaskExecutor() {
        return new SimpleAsyncTaskExecutor(threadPrefix());
    }

    /** The prefix of the names of receiving threads (and of shared workers while they handle this queue). */
    private String threadPrefix() {
        String name = getComponentName();
        return (name != null ? name : "posixmq-" + this.queue.queueName()) + "-";
    }

    private PosixMqOperationListener listener() {
        PosixMqOperationListener current = this.listener;
        return current != null ? current : PosixMqOperationListener.NOOP;
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    protected void doStart() {
        Executor executor = this.taskExecutor;
        if (executor == null) {
            executor = defaultTaskExecutor();
            this.taskExecutor = executor;
        }
        if (this.recoveryCallback instanceof PosixMqDeadLetterRecoverer recoverer) {
            recoverer.resumeWaiting();
        }
        PosixMqQueueSupplier deadLetter = this.deadLetterQueue;
        ObservationRegistry observations = this.observationEnabled ? PosixMqObservation.registry(getBeanFactory())
                : ObservationRegistry.NOOP;
        String queueName = this.queue.queueName();
        Consumer<Message<?>> output = observations.isNoop() ? this::sendMessage
                : (message) -> PosixMqObservation.observeReceived(observations, queueName,
                        PosixMqObservation.Operation.PROCESS, message.getHeaders(), () -> {
                            sendMessage(message);
                            return null;
                        });
        InboundPolicy policy = new InboundPolicy(queueName,
                deadLetter != null ? deadLetter.queueName() : null, new InboundPolicy.Retry(this.retryAttempts,
                        this.retryInitialInterval, this.retryMultiplier, this.retryMaxInterval),
                this.recoveryCallback, this::listener, this::errorRecoverer, toString(), () -> this.loggedBytes);
        PosixMqReceiveBuffers buffers = this.receiveBuffers;
        if (this.journalDirectory != null) {
            buffers = journal(this.journalDirectory);
            ((InboundJournal) buffers).redeliver(new InboundDelivery(this.mapper, output, policy,
                    this.receivers.threads(), logger), this::isActive, listener());
        }
        this.receivers.start(this.concurrency, this.dedicatedThreads ? null : this.dispatcher, buffers,
                executor, this::isActive, (active) -> new InboundDelivery(this.mapper, output, policy,
                        this.receivers.threads(), logger),
                toString(), threadPrefix());
    }

    /** The journal, opened at the first start (or again when the queue now needs more room). */
    private InboundJournal journal(Path directory) {
        if (this.dedicatedThreads || this.dispatcher == null) {
            throw new IllegalStateException(this + ": the in-flight journal needs the shared dispatcher; "
                    + (this.dedicatedThreads ? "turn dedicated threads off" : "set a PosixMqDispatcher"));
        }
        long maxMessageSize = this.queue.get().maxMessageSize();
        InboundJournal current = this.journal;
        if (current != null && !current.fits(this.concurrency, maxMessageSize)) {
            current.close();
            current = null;
        }
        if (current == null) {
            current = InboundJournal.open(directory, this.queue.queueName(), this.concurrency, maxMessageSize, logger);
            this.journal = current;
        }
        return current;
    }

    @Override
    public void destroy() {
        super.destroy();
        InboundJournal current = this.journal;
        if (current != null) {
            current.close();
        }
    }

    @Override
    protected void doStop(Runnable callback) {
        super.doStop();
        stopDeadLetterWaits();
        this.receivers.threads().whenAllEnded(callback);
    }

    @Override
    protected void doStop() {
        super.doStop();
        stopDeadLetterWaits();
        int busy = this.receivers.threads().awaitAllEnded(this.stopTimeout);
        if (busy > 0) {
            logger.warn(() -> this + ": " + busy + " receiving thread(s) still busy after " + this.stopTimeout);
        }
    }

    /** A message waiting for room in the full dead-letter queue goes back to this queue: the stop ends now. */
    private void stopDeadLetterWaits() {
        if (this.recoveryCallback instanceof PosixMqDeadLetterRecoverer recoverer) {
            recoverer.stopWaiting();
        }
    }

    /** The dead-letter queue as set, or null (for the inbound gateway's refused replies). */
    @Nullable PosixMqQueueSupplier deadLetterQueueSupplier() {
        return this.deadLetterQueue;
    }

    /** How long a dead-letter send waits for room (for the inbound gateway's refused replies). */
    Duration deadLetterSendTimeout() {
        return this.deadLetterSendTimeout;
    }

    /** The listener told of sends, receives and drops (for the inbound gateway's replies). */
    PosixMqOperationListener operationListener() {
        return listener();
    }

    /**
     * Sets whether each message handed to the flow is observed as {@code posixmq.processor} (Micrometer Observation,
     * OpenTelemetry messaging conventions) with the application context's {@link ObservationRegistry}, continuing the
     * trace whose context the sender embedded ({@code header-mode: embedded}); default false.
     */
    public void setObservationEnabled(boolean observationEnabled) {
        this.observationEnabled = observationEnabled;
    }

    /**
     * Receivers running now (for tests and monitoring): receiving threads, or, on the shared dispatcher, the
     * concurrency while its selector thread runs; after a stop, those still finishing a message.
     */
    public int getActiveReceivers() {
        return this.receivers.running();
    }

    /**
     * How many of the {@link #getConcurrency() configured} receivers do not run now while the adapter runs (a
     * receiver that ended unexpectedly and is not restarted yet); 0 when all run or the adapter is stopped.
     */
    public int getMissingReceivers() {
        return isRunning() ? Math.max(0, this.concurrency - this.receivers.runningNow()) : 0;
    }

    /** Spring Integration's sender of error messages to the {@linkplain #resolveErrorChannel error channel}. */
    private @Nullable ErrorMessageSendingRecoverer errorRecoverer() {
        ErrorMessageSendingRecoverer recoverer = this.errorRecoverer;
        if (recoverer == null) {
            MessageChannel channel = resolveErrorChannel();
            if (channel == null) {
                return null;
            }
            recoverer = new ErrorMessageSendingRecoverer(channel, getErrorMessageStrategy());
            BeanFactory beanFactory = getBeanFactory();
            if (beanFactory != null) {
                recoverer.setBeanFactory(beanFactory);
            }
            this.errorRecoverer = recoverer;
        }
        return recoverer;
    }

    @Override
    public String toString() {
        String name = getComponentName();
        return "PosixMqMessageProducer[" + (name != null ? name + ", " : "") + this.queue.queueName() + "]";
    }
}
