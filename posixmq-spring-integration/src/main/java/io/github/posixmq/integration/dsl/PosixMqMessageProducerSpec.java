package io.github.posixmq.integration.dsl;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executor;

import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.PosixMqQueueResolver;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import org.jspecify.annotations.Nullable;

import org.springframework.integration.core.RecoveryCallback;
import org.springframework.integration.dsl.MessageProducerSpec;
import org.springframework.util.Assert;

/** Configures a {@link PosixMqMessageProducer} in the Java DSL; created by {@link PosixMqs#inboundChannelAdapter}. */
public final class PosixMqMessageProducerSpec
        extends MessageProducerSpec<PosixMqMessageProducerSpec, PosixMqMessageProducer> {

    private final @Nullable PosixMqQueueResolver queues;

    PosixMqMessageProducerSpec(PosixMq queue) {
        super(new PosixMqMessageProducer(queue));
        this.queues = null;
    }

    PosixMqMessageProducerSpec(PosixMqQueueSupplier queue, @Nullable PosixMqQueueResolver queues) {
        super(new PosixMqMessageProducer(queue));
        this.queues = queues;
    }

    /** Number of threads receiving from the queue (default 1). */
    public PosixMqMessageProducerSpec concurrency(int concurrency) {
        this.target.setConcurrency(concurrency);
        return this;
    }

    /** The executor running the receiving threads. */
    public PosixMqMessageProducerSpec taskExecutor(Executor taskExecutor) {
        this.target.setTaskExecutor(taskExecutor);
        return this;
    }

    /** Makes payloads UTF-8 {@code String}s instead of {@code byte[]}. */
    public PosixMqMessageProducerSpec stringPayload() {
        return stringPayload(StandardCharsets.UTF_8);
    }

    /** Makes payloads {@code String}s decoded with {@code charset}; invalid bytes go to the error channel. */
    public PosixMqMessageProducerSpec stringPayload(Charset charset) {
        this.target.setCharset(charset);
        return this;
    }

    /** Sets the {@code contentType} header of received messages, such as {@code application/json}. */
    public PosixMqMessageProducerSpec contentType(String contentType) {
        this.target.setContentType(contentType);
        return this;
    }

    /**
     * Reads the headers embedded before the payload (header-mode embedded): only the listed ones, never a Spring
     * Integration control header ({@link PosixMqEmbeddedHeaders} refuses to list one); a message not in that format
     * or carrying a refused header takes the error and dead-letter path with its bytes.
     */
    public PosixMqMessageProducerSpec embeddedHeaders(PosixMqEmbeddedHeaders embeddedHeaders) {
        this.target.setEmbeddedHeaders(embeddedHeaders);
        return this;
    }

    /** How much of a dropped message its ERROR line shows, base64 (default 1 KiB). */
    public PosixMqMessageProducerSpec loggedBytes(int loggedBytes) {
        this.target.setLoggedBytes(loggedBytes);
        return this;
    }

    /** A queue that receives the original bytes and priority of every message whose flow failed. */
    public PosixMqMessageProducerSpec deadLetterQueue(PosixMq deadLetterQueue) {
        this.target.setDeadLetterQueue(deadLetterQueue);
        return this;
    }

    /** A dead-letter queue looked up for each failed message, following its supplier. */
    public PosixMqMessageProducerSpec deadLetterQueue(PosixMqQueueSupplier deadLetterQueue) {
        this.target.setDeadLetterQueue(deadLetterQueue);
        return this;
    }

    /**
     * The queue configured under {@code key} (in the resolver this adapter was built from, such as the Spring Boot
     * {@code PosixMqQueues}) receives the original bytes and priority of every message whose flow failed; it follows
     * the resolver's supplier.
     */
    public PosixMqMessageProducerSpec deadLetterQueue(String key) {
        PosixMqQueueResolver queues = this.queues;
        Assert.state(queues != null, "deadLetterQueue(key) needs an adapter built from a PosixMqQueueResolver "
                + "(such as PosixMqQueues) and a key; pass a PosixMq or a PosixMqQueueSupplier");
        this.target.setDeadLetterQueue(queues.resolve(key));
        return this;
    }

    /**
     * What runs for a message whose flow failed, before the error message is sent (default: the dead-letter queue,
     * if one is set).
     */
    public PosixMqMessageProducerSpec recoveryCallback(RecoveryCallback<?> recoveryCallback) {
        this.target.setRecoveryCallback(recoveryCallback);
        return this;
    }

    /** The listener told of every receive (default: the listener beans of the context). */
    public PosixMqMessageProducerSpec operationListener(PosixMqOperationListener listener) {
        this.target.setOperationListener(listener);
        return this;
    }

    /**
     * Tries the flow {@code attempts} times for a message, with back-off from {@code initialInterval} growing by
     * {@code multiplier} up to {@code maxInterval}, before it is dead-lettered (or dropped loudly).
     */
    public PosixMqMessageProducerSpec retry(int attempts, Duration initialInterval, double multiplier,
            Duration maxInterval) {
        this.target.setRetry(attempts, initialInterval, multiplier, maxInterval);
        return this;
    }

    /** How long a dead-letter send waits for room in a full dead-letter queue before the message is dropped loudly. */
    public PosixMqMessageProducerSpec deadLetterSendTimeout(Duration timeout) {
        this.target.setDeadLetterSendTimeout(timeout);
        return this;
    }

    /** How long a synchronous stop waits for the receiving threads to finish their messages. */
    public PosixMqMessageProducerSpec stopTimeout(Duration stopTimeout) {
        this.target.setStopTimeout(stopTimeout);
        return this;
    }
}
