package io.github.posixmq.integration.inbound;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.github.posixmq.PosixMq;
import io.github.posixmq.PosixMqSelector;
import io.github.posixmq.QueueClosedException;
import io.github.posixmq.integration.CompositePosixMqOperationListener;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.integration.context.IntegrationContextUtils;
import org.springframework.integration.endpoint.MessageProducerSupport;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.scheduling.SchedulingAwareRunnable;
import org.springframework.util.Assert;

/**
 * A message-driven channel adapter that receives from a POSIX message queue and sends each message to the output
 * channel, with the headers {@link PosixMqHeaders#PRIORITY} and {@link PosixMqHeaders#QUEUE}.
 *
 * <p>Each of the {@link #setConcurrency(int) concurrency} receiving threads waits on its own {@link PosixMqSelector}
 * (epoll), so a message is picked up as soon as it arrives and an idle queue costs no CPU. The queue descriptor is
 * shared and never closed by the adapter.
 *
 * <p>Built with a {@link PosixMqQueueSupplier}, the adapter follows the supplier: when it switches to another
 * descriptor (a registry's recovery of a recreated queue) and the old descriptor is closed, each receiving thread
 * wakes and waits on the new one (and a dead-letter queue given as a supplier is looked up for each message).
 *
 * <p>When the flow fails for a message, the original bytes and priority go to the {@link #setDeadLetterQueue
 * dead-letter queue} (if set) and an {@code ErrorMessage} to the error channel (the global {@code errorChannel}
 * unless one is set). Stopping lets every thread finish the message in hand before the stop completes, so a
 * received message is never dropped by a shutdown.
 */
public class PosixMqMessageProducer extends MessageProducerSupport {

    /** Pause after an unexpected receive failure before trying again. */
    private static final long RECOVERY_MILLIS = 1000;

    private final PosixMqQueueSupplier queue;

    private final Object monitor = new Object();

    private final List<PosixMqSelector> selectors = new CopyOnWriteArrayList<>();

    private int concurrency = 1;

    private @Nullable Executor taskExecutor;

    private @Nullable Charset charset;

    private @Nullable PosixMqQueueSupplier deadLetterQueue;

    private @Nullable PosixMqOperationListener listener;

    private @Nullable MessageChannel errorChannel;

    private @Nullable String errorChannelName;

    private Duration stopTimeout = Duration.ofSeconds(30);

    private int workers;

    private @Nullable Runnable stopCallback;

    /** Creates an adapter receiving from {@code queue}, which must be open for reading and stays owned by the caller. */
    public PosixMqMessageProducer(PosixMq queue) {
        Assert.notNull(queue, "queue must not be null");
        Assert.isTrue(queue.canReceive(), () -> "queue " + queue.name() + " must be opened for reading");
        this.queue = PosixMqQueueSupplier.of(queue);
    }

    /**
     * Creates an adapter receiving from the queue {@code queue} supplies now (which must be open for reading),
     * following it when it supplies another descriptor.
     */
    public PosixMqMessageProducer(PosixMqQueueSupplier queue) {
        Assert.notNull(queue, "queue must not be null");
        this.queue = queue;
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
     * Makes payloads {@code String}s decoded with {@code charset} (null: {@code byte[]} payloads, the default). Bytes
     * that are not valid in the charset are an error, never replaced.
     */
    public void setCharset(@Nullable Charset charset) {
        this.charset = charset;
    }

    /** The charset of String payloads, or null for byte[] payloads. */
    public @Nullable Charset getCharset() {
        return this.charset;
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
     * it switches to another descriptor); null for none.
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
     * Sets the listener told of every receive (and dead-letter send). Default: the {@link PosixMqOperationListener}
     * beans of the application context, if any.
     */
    public void setOperationListener(PosixMqOperationListener listener) {
        Assert.notNull(listener, "listener must not be null");
        this.listener = listener;
    }

    /** Sets how long {@link #stop()} waits for the receiving threads to finish their messages (default 30s). */
    public void setStopTimeout(Duration stopTimeout) {
        Assert.notNull(stopTimeout, "stopTimeout must not be null");
        this.stopTimeout = stopTimeout;
    }

    /** Sets the channel that receives an {@code ErrorMessage} when the flow fails (default: "errorChannel"). */
    @Override
    public void setErrorChannel(MessageChannel errorChannel) {
        Assert.notNull(errorChannel, "errorChannel must not be null");
        this.errorChannel = errorChannel;
    }

    /** Sets the name of the channel that receives an {@code ErrorMessage} when the flow fails. */
    @Override
    public void setErrorChannelName(String errorChannelName) {
        Assert.hasText(errorChannelName, "errorChannelName must not be empty");
        this.errorChannelName = errorChannelName;
    }

    /**
     * Always null: this adapter publishes errors itself, after dead-lettering, to the channel resolved by
     * {@link #resolveErrorChannel()}.
     */
    @Override
    public @Nullable MessageChannel getErrorChannel() {
        return null;
    }

    /** The channel errors go to: the one set, else the global "errorChannel" bean, else null (errors are logged). */
    public @Nullable MessageChannel resolveErrorChannel() {
        if (this.errorChannel == null) {
            String name = this.errorChannelName != null ? this.errorChannelName
                    : IntegrationContextUtils.ERROR_CHANNEL_BEAN_NAME;
            BeanFactory beanFactory = getBeanFactory();
            if (this.errorChannelName == null && (beanFactory == null || !beanFactory.containsBean(name))) {
                return null;
            }
            this.errorChannel = getChannelResolver().resolveDestination(name);
        }
        return this.errorChannel;
    }

    @Override
    public String getComponentType() {
        return "posixmq:inbound-channel-adapter";
    }

    @Override
    protected void onInit() {
        super.onInit();
        if (this.taskExecutor == null) {
            String name = getComponentName();
            this.taskExecutor = new SimpleAsyncTaskExecutor((name != null ? name : "posixmq-" + this.queue.queueName()) + "-");
        }
        if (this.listener == null) {
            this.listener = CompositePosixMqOperationListener.ofBeans(getBeanFactory());
        }
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
            executor = new SimpleAsyncTaskExecutor("posixmq-" + this.queue.queueName() + "-");
            this.taskExecutor = executor;
        }
        synchronized (this.monitor) {
            this.stopCallback = null;
        }
        for (int i = 0; i < this.concurrency; i++) {
            PosixMqSelector selector = PosixMqSelector.open();
            try {
                PosixMqSelector.Key key = register(selector);
                synchronized (this.monitor) {
                    this.workers++;
                }
                this.selectors.add(selector);
                executor.execute(new Receiver(selector, key));
            }
            catch (RuntimeException ex) {
                if (this.selectors.remove(selector)) {
                    workerDone();
                }
                selector.close();
                if (ex instanceof RejectedExecutionException) {
                    throw new IllegalStateException("the task executor of " + this + " rejected receiving thread "
                            + (i + 1) + " of " + this.concurrency, ex);
                }
                throw ex;
            }
        }
    }

    @Override
    protected void doStop(Runnable callback) {
        super.doStop();
        boolean done;
        synchronized (this.monitor) {
            done = this.workers == 0;
            this.stopCallback = done ? null : callback;
        }
        wakeAll();
        if (done) {
            callback.run();
        }
    }

    @Override
    protected void doStop() {
        super.doStop();
        wakeAll();
        long deadline = System.nanoTime() + this.stopTimeout.toNanos();
        synchronized (this.monitor) {
            long left;
            while (this.workers > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    this.monitor.wait(Math.max(1, left / 1_000_000));
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (this.workers > 0) {
                logger.warn(() -> this + ": " + this.workers + " receiving thread(s) still busy after " + this.stopTimeout);
            }
        }
    }

    /** Watches the queue in use now with {@code selector}. */
    private PosixMqSelector.Key register(PosixMqSelector selector) {
        return this.queue.execute((queue) -> selector.register(queue, PosixMqSelector.READABLE, null));
    }

    private void wakeAll() {
        this.selectors.forEach(PosixMqSelector::wakeup);
        synchronized (this.monitor) {
            this.monitor.notifyAll();
        }
    }

    private void workerDone() {
        Runnable callback;
        synchronized (this.monitor) {
            this.workers--;
            this.monitor.notifyAll();
            callback = this.workers == 0 ? this.stopCallback : null;
            if (callback != null) {
                this.stopCallback = null;
            }
        }
        if (callback != null) {
            callback.run();
        }
    }

    /** Threads receiving now (for tests and monitoring). */
    public int getActiveReceivers() {
        synchronized (this.monitor) {
            return this.workers;
        }
    }

    // ---------------------------------------------------------------- receiving

    private final class Receiver implements SchedulingAwareRunnable {

        private final PosixMqSelector selector;

        private PosixMqSelector.Key key;

        Receiver(PosixMqSelector selector, PosixMqSelector.Key key) {
            this.selector = selector;
            this.key = key;
        }

        @Override
        public boolean isLongLived() {
            return true;
        }

        @Override
        public void run() {
            PosixMqQueueSupplier reference = PosixMqMessageProducer.this.queue;
            PosixMq queue = this.key.queue();
            ByteBuffer buffer = ByteBuffer.allocateDirect((int) queue.maxMessageSize());
            try {
                while (isActive()) {
                    if (reference.get() != queue) {
                        // the registry switched to a recreated queue and closes the old descriptor: follow it
                        this.key.cancel();
                        try {
                            this.key = register(this.selector);
                            queue = this.key.queue();
                        }
                        catch (QueueClosedException ex) {
                            queue = reference.get(); // closed too: the registry was closed, handled below
                        }
                        if (buffer.capacity() < queue.maxMessageSize()) {
                            buffer = ByteBuffer.allocateDirect((int) queue.maxMessageSize());
                        }
                    }
                    buffer.clear();
                    long start = System.nanoTime();
                    int priority;
                    try {
                        priority = queue.tryReceive(buffer);
                    }
                    catch (QueueClosedException ex) {
                        if (reference.get() != queue) {
                            continue;
                        }
                        if (isActive()) {
                            String name = queue.name();
                            logger.error(() -> PosixMqMessageProducer.this + ": queue " + name
                                    + " was closed while the adapter was running; stopping this receiving thread");
                        }
                        return;
                    }
                    catch (RuntimeException ex) {
                        listener().onReceive(reference.queueName(), System.nanoTime() - start, ex);
                        logger.error(ex, () -> "Failed to receive from queue " + reference.queueName() + "; retrying in "
                                + RECOVERY_MILLIS + " ms");
                        pause();
                        continue;
                    }
                    if (priority == PosixMq.NO_MESSAGE) {
                        if (queue.isClosed() && reference.get() == queue) {
                            return;
                        }
                        // wakes on a message, on stop() and when the queue's descriptor is closed
                        this.selector.select();
                        continue;
                    }
                    listener().onReceive(reference.queueName(), System.nanoTime() - start, null);
                    buffer.flip();
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.get(bytes);
                    deliver(bytes, priority);
                }
            }
            catch (RuntimeException ex) {
                logger.error(ex, () -> PosixMqMessageProducer.this + ": receiving thread failed");
            }
            finally {
                PosixMqMessageProducer.this.selectors.remove(this.selector);
                this.selector.close();
                workerDone();
            }
        }

        private void pause() {
            synchronized (PosixMqMessageProducer.this.monitor) {
                if (isActive()) {
                    try {
                        PosixMqMessageProducer.this.monitor.wait(RECOVERY_MILLIS);
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
    }

    private void deliver(byte[] bytes, int priority) {
        Object payload;
        Charset charset = this.charset;
        if (charset == null) {
            payload = bytes;
        }
        else {
            try {
                payload = decode(bytes, charset);
            }
            catch (CharacterCodingException ex) {
                Message<byte[]> raw = build(bytes, priority);
                fail(raw, bytes, priority, new MessageConversionException(raw, "message of " + bytes.length
                        + " bytes (priority " + priority + ") from queue " + this.queue.queueName() + " is not valid "
                        + charset.name() + " (" + ex + "); it was not sent to the output channel", ex));
                return;
            }
        }
        Message<?> message = build(payload, priority);
        try {
            sendMessage(message);
        }
        catch (RuntimeException ex) {
            fail(message, bytes, priority, ex);
        }
    }

    private static String decode(byte[] bytes, Charset charset) throws CharacterCodingException {
        CharBuffer chars = charset.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes));
        return chars.toString();
    }

    private <T> Message<T> build(T payload, int priority) {
        return getMessageBuilderFactory().withPayload(payload)
            .setHeader(PosixMqHeaders.PRIORITY, priority)
            .setHeader(PosixMqHeaders.QUEUE, this.queue.queueName())
            .build();
    }

    private void fail(Message<?> message, byte[] bytes, int priority, RuntimeException failure) {
        PosixMqQueueSupplier deadLetter = this.deadLetterQueue;
        if (deadLetter != null) {
            deadLetter(deadLetter, bytes, priority);
        }
        MessagingException error = failure instanceof MessagingException messaging ? messaging
                : new MessagingException(message, "failed to handle a message from queue " + this.queue.queueName(), failure);
        MessageChannel channel;
        try {
            channel = resolveErrorChannel();
        }
        catch (RuntimeException ex) {
            logger.error(ex, () -> "Cannot resolve the error channel of " + this + "; the failure was: " + error);
            return;
        }
        if (channel == null) {
            logger.error(error, () -> "Failed to handle a message from queue " + this.queue.queueName()
                    + (deadLetter != null ? "; it was sent to dead-letter queue " + deadLetter.queueName() : ""));
            return;
        }
        try {
            getMessagingTemplate().send(channel, buildErrorMessage(message, error));
        }
        catch (RuntimeException ex) {
            logger.error(ex, () -> "The error channel of " + this + " failed to take the error: " + error);
        }
    }

    private void deadLetter(PosixMqQueueSupplier deadLetter, byte[] bytes, int priority) {
        long start = System.nanoTime();
        try {
            deadLetter.execute((queue) -> {
                if (!queue.trySend(bytes, priority)) {
                    logger.warn(() -> "Dead-letter queue " + deadLetter.queueName() + " is full; waiting for room to keep "
                            + "a failed message from queue " + this.queue.queueName());
                    queue.send(bytes, priority);
                }
                return null;
            });
            listener().onSend(deadLetter.queueName(), System.nanoTime() - start, null);
        }
        catch (RuntimeException ex) {
            listener().onSend(deadLetter.queueName(), System.nanoTime() - start, ex);
            logger.error(ex, () -> "LOST a failed message of " + bytes.length + " bytes (priority " + priority
                    + ") from queue " + this.queue.queueName() + ": it could not be sent to dead-letter queue "
                    + deadLetter.queueName());
        }
    }

    @Override
    public String toString() {
        String name = getComponentName();
        return "PosixMqMessageProducer[" + (name != null ? name + ", " : "") + this.queue.queueName() + "]";
    }
}
