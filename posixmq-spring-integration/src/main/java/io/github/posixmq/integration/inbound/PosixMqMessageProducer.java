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
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.dispatch.PosixMqDispatcher;
import io.github.posixmq.integration.dispatch.PosixMqReceiveBuffers;
import io.github.posixmq.integration.observation.PosixMqObservation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

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

    private final InboundReceiving receiving;

    private final InboundRecovery recovery;

    private boolean observationEnabled;

    private @Nullable PosixMqOperationListener listener;

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
        this.receiving = new InboundReceiving(queue, this::listener, logger,
                () -> new SimpleAsyncTaskExecutor(threadPrefix()));
        this.recovery = new InboundRecovery(queue);
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
        this.receiving.setConcurrency(concurrency);
    }

    /** The number of receiving threads. */
    public int getConcurrency() {
        return this.receiving.concurrency();
    }

    /**
     * Sets the executor that runs the receiving threads; it must run {@link #getConcurrency()} long-lived tasks at
     * once. Default: a {@link SimpleAsyncTaskExecutor} with threads named after the bean.
     */
    public void setTaskExecutor(Executor taskExecutor) {
        this.receiving.setTaskExecutor(taskExecutor);
    }

    /**
     * Receives through {@code dispatcher}'s shared selector threads and workers. Default: the one
     * {@link PosixMqDispatcher} bean of the application context, if there is one, else threads of this adapter
     * ({@link #setDedicatedThreads}).
     */
    public void setDispatcher(@Nullable PosixMqDispatcher dispatcher) {
        this.receiving.setDispatcher(dispatcher);
    }

    /**
     * Receives on {@link #getConcurrency()} threads of its own ({@link #setTaskExecutor}), each waiting on the queue,
     * even when a dispatcher is there: for one very busy queue, where no hand-off to a worker happens at all.
     */
    public void setDedicatedThreads(boolean dedicatedThreads) {
        this.receiving.setDedicatedThreads(dedicatedThreads);
    }

    /** Where the shared dispatcher receives this queue's messages (default: a direct buffer per permit). */
    public void setReceiveBuffers(PosixMqReceiveBuffers receiveBuffers) {
        this.receiving.setReceiveBuffers(receiveBuffers);
    }

    /**
     * Keeps each message this adapter has in hand in an in-flight journal in {@code directory} (null: none, the
     * default), so a crash of this process does not lose it: it is delivered again, with
     * {@link io.github.posixmq.integration.PosixMqHeaders#REDELIVERED}, when the adapter next starts, before anything
     * new is received (at-least-once). Needs the shared dispatcher ({@link #setDispatcher}, not dedicated threads).
     */
    public void setJournalDirectory(@Nullable Path directory) {
        this.receiving.setJournalDirectory(directory);
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

    /** Also puts each message's priority in the standard {@code priority} header, as the AMQP one (default false). */
    public void setStandardPriorityHeader(boolean standardPriorityHeader) {
        this.mapper.setStandardPriorityHeader(standardPriorityHeader);
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
        this.recovery.setDeadLetterQueue(deadLetterQueue);
    }

    /** The dead-letter queue now, or null. */
    public @Nullable PosixMq getDeadLetterQueue() {
        PosixMqQueueSupplier deadLetter = this.recovery.deadLetterQueue();
        return deadLetter != null ? deadLetter.get() : null;
    }

    /**
     * Sets what runs for a message whose flow failed, before the error message is sent; its context holds the failed
     * message ({@link ErrorMessageUtils#FAILED_MESSAGE_CONTEXT_KEY}) and the received bytes and priority
     * ({@link PosixMqDeadLetterRecoverer#RECEIVED_MESSAGE}). Default: a {@link PosixMqDeadLetterRecoverer} when a
     * dead-letter queue is set, else nothing.
     */
    public void setRecoveryCallback(@Nullable RecoveryCallback<?> recoveryCallback) {
        this.recovery.setRecoveryCallback(recoveryCallback);
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
        this.recovery.setRetry(attempts, initialInterval, multiplier, maxInterval);
    }

    /** How often the flow is tried for a message before it is recovered. */
    public int getRetryAttempts() {
        return this.recovery.retryAttempts();
    }

    /**
     * Sets how long the default dead-letter recoverer waits for room in a full dead-letter queue (default 5s); then
     * the message is dropped loudly, so a full dead-letter queue never blocks {@link #stop()} for longer.
     */
    public void setDeadLetterSendTimeout(Duration timeout) {
        this.recovery.setDeadLetterSendTimeout(timeout);
    }

    /**
     * Sets how many bytes of a dropped message its ERROR line shows, base64 (default 1 KiB): a peer cannot flood the
     * log with large messages.
     */
    public void setLoggedBytes(int loggedBytes) {
        this.recovery.setLoggedBytes(loggedBytes);
    }

    /** Whether a receiving thread waits now for room in the full dead-letter queue. */
    public boolean isBlockedOnDeadLetterQueue() {
        return this.recovery.isBlockedOnDeadLetterQueue();
    }

    /** Sets how long {@link #stop()} waits for the receiving threads to finish their messages (default 30s). */
    public void setStopTimeout(Duration stopTimeout) {
        this.receiving.setStopTimeout(stopTimeout);
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
        if (this.listener == null) {
            this.listener = CompositePosixMqOperationListener.ofBeans(getBeanFactory());
        }
        this.receiving.init(getBeanFactory());
        this.mapper.setMessageBuilderFactory(getMessageBuilderFactory());
        this.recovery.init(listener(), logger, this);
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

    @Override
    protected void doStart() {
        this.recovery.resumeWaiting();
        InboundPolicy policy = this.recovery.policy(this::listener, () -> this.recovery.errorRecoverer(
                this::resolveErrorChannel, this::getErrorMessageStrategy, getBeanFactory()), toString());
        Consumer<Message<?>> output = InboundDelivery.observed(this::sendMessage, this.observationEnabled
                ? PosixMqObservation.registry(getBeanFactory()) : ObservationRegistry.NOOP, this.queue.queueName());
        this.receiving.start(() -> new InboundDelivery(this.mapper, output, policy, this.receiving.threads(), logger),
                this::isActive, listener(), toString(), threadPrefix());
    }

    @Override
    public void destroy() {
        super.destroy();
        this.receiving.close();
    }

    @Override
    protected void doStop(Runnable callback) {
        super.doStop();
        this.recovery.stopWaiting();
        this.receiving.stop(callback);
    }

    @Override
    protected void doStop() {
        super.doStop();
        this.recovery.stopWaiting();
        this.receiving.stop(toString());
    }

    /** The dead-letter queue and its send timeout (for the inbound gateway's refused replies). */
    InboundRecovery recovery() {
        return this.recovery;
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
        return this.receiving.running();
    }

    /**
     * How many of the {@link #getConcurrency() configured} receivers do not run now while the adapter runs (a
     * receiver that ended unexpectedly and is not restarted yet); 0 when all run or the adapter is stopped.
     */
    public int getMissingReceivers() {
        return isRunning() ? this.receiving.missing() : 0;
    }

    @Override
    public String toString() {
        String name = getComponentName();
        return "PosixMqMessageProducer[" + (name != null ? name + ", " : "") + this.queue.queueName() + "]";
    }
}
