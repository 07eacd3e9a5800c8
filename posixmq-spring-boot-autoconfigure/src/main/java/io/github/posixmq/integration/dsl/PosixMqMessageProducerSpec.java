package io.github.posixmq.integration.dsl;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executor;

import io.github.posixmq.boot.PosixMqOperationListener;
import io.github.posixmq.boot.PosixMqQueues;
import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import org.jspecify.annotations.Nullable;

import org.springframework.integration.dsl.MessageProducerSpec;
import org.springframework.util.Assert;

/** Configures a {@link PosixMqMessageProducer} in the Java DSL; created by {@link PosixMq#inboundChannelAdapter}. */
public final class PosixMqMessageProducerSpec
        extends MessageProducerSpec<PosixMqMessageProducerSpec, PosixMqMessageProducer> {

    private final @Nullable PosixMqQueues queues;

    PosixMqMessageProducerSpec(io.github.posixmq.PosixMq queue) {
        super(new PosixMqMessageProducer(queue));
        this.queues = null;
    }

    PosixMqMessageProducerSpec(PosixMqQueues queues, String key) {
        super(new PosixMqMessageProducer(queues, key));
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

    /** A queue that receives the original bytes and priority of every message whose flow failed. */
    public PosixMqMessageProducerSpec deadLetterQueue(io.github.posixmq.PosixMq deadLetterQueue) {
        this.target.setDeadLetterQueue(deadLetterQueue);
        return this;
    }

    /**
     * The queue configured under {@code key} (in the registry this adapter was built from) receives the original
     * bytes and priority of every message whose flow failed; it follows the registry's recovery.
     */
    public PosixMqMessageProducerSpec deadLetterQueue(String key) {
        PosixMqQueues queues = this.queues;
        Assert.state(queues != null, "deadLetterQueue(key) needs an adapter built from PosixMqQueues; pass a PosixMq");
        this.target.setDeadLetterQueue(queues, key);
        return this;
    }

    /** The listener told of every receive (default: the listener beans of the context). */
    public PosixMqMessageProducerSpec operationListener(PosixMqOperationListener listener) {
        this.target.setOperationListener(listener);
        return this;
    }

    /** How long a synchronous stop waits for the receiving threads to finish their messages. */
    public PosixMqMessageProducerSpec stopTimeout(Duration stopTimeout) {
        this.target.setStopTimeout(stopTimeout);
        return this;
    }
}
