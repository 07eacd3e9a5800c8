package io.github.posixmq.integration.dsl;

import io.github.posixmq.boot.PosixMqQueues;

import org.springframework.util.Assert;

/**
 * Factory of the POSIX message queue channel adapter specs for the Spring Integration Java DSL.
 *
 * <pre>{@code
 * @Bean
 * IntegrationFlow orders(PosixMqQueues queues) {
 *     return IntegrationFlow.from(PosixMq.inboundChannelAdapter(queues, "orders").concurrency(2))
 *         .transform(String.class, String::toUpperCase)
 *         .handle(PosixMq.outboundChannelAdapter(queues, "shipping").priority(3))
 *         .get();
 * }
 * }</pre>
 *
 * Named like the factories of other Spring Integration modules ({@code ZeroMq}, {@code Kafka}); the queue type of
 * the core API is {@link io.github.posixmq.PosixMq}. Adapters built from a {@link PosixMqQueues} key follow the
 * registry's recovery of a queue whose name was removed; adapters built from a core {@code PosixMq} use that
 * descriptor only.
 */
public final class PosixMq {

    private PosixMq() {
    }

    /** An inbound (message-driven) channel adapter receiving from {@code queue}, which stays owned by the caller. */
    public static PosixMqMessageProducerSpec inboundChannelAdapter(io.github.posixmq.PosixMq queue) {
        return new PosixMqMessageProducerSpec(queue);
    }

    /**
     * An inbound channel adapter receiving from the queue configured under {@code posixmq.queues.<key>}, looked up in
     * {@code queues} so that it follows recovery.
     */
    public static PosixMqMessageProducerSpec inboundChannelAdapter(PosixMqQueues queues, String key) {
        Assert.notNull(queues, "queues must not be null");
        return new PosixMqMessageProducerSpec(queues, key);
    }

    /** An outbound channel adapter sending to {@code queue}, which stays owned by the caller. */
    public static PosixMqMessageHandlerSpec outboundChannelAdapter(io.github.posixmq.PosixMq queue) {
        return new PosixMqMessageHandlerSpec(queue);
    }

    /**
     * An outbound channel adapter sending to the queue configured under {@code posixmq.queues.<key>}, looked up in
     * {@code queues} for each message so that it follows recovery.
     */
    public static PosixMqMessageHandlerSpec outboundChannelAdapter(PosixMqQueues queues, String key) {
        Assert.notNull(queues, "queues must not be null");
        return new PosixMqMessageHandlerSpec(queues, key);
    }
}
