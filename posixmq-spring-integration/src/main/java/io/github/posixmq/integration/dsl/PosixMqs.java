package io.github.posixmq.integration.dsl;

import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.PosixMqQueueResolver;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.inbound.PosixMqInboundGateway;
import io.github.posixmq.integration.outbound.PosixMqOutboundGateway;

import org.springframework.util.Assert;

/**
 * Factory of the POSIX message queue channel adapter specs for the Spring Integration Java DSL.
 *
 * <pre>{@code
 * @Bean
 * IntegrationFlow orders(PosixMqQueues queues) {      // the Spring Boot registry is a PosixMqQueueResolver
 *     return IntegrationFlow.from(PosixMqs.inboundChannelAdapter(queues, "orders").concurrency(2))
 *         .transform(String.class, String::toUpperCase)
 *         .handle(PosixMqs.outboundChannelAdapter(queues, "shipping").priority(3))
 *         .get();
 * }
 * }</pre>
 *
 * Named like the factories of other Spring Integration modules ({@code Amqp}, {@code Kafka}, {@code ZeroMq}), in
 * the plural so that it never shadows the core queue type {@link PosixMq} in the same file. Adapters built from a
 * {@link PosixMqQueueSupplier} or a {@link PosixMqQueueResolver} key follow the supplier when it switches to another
 * descriptor (the registry's recovery of a removed queue); adapters built from a {@code PosixMq} use that descriptor
 * only.
 */
public final class PosixMqs {

    private PosixMqs() {
    }

    /** An inbound (message-driven) channel adapter receiving from {@code queue}, which stays owned by the caller. */
    public static PosixMqMessageProducerSpec inboundChannelAdapter(PosixMq queue) {
        return new PosixMqMessageProducerSpec(queue);
    }

    /** An inbound channel adapter receiving from the queue {@code queue} supplies, following it. */
    public static PosixMqMessageProducerSpec inboundChannelAdapter(PosixMqQueueSupplier queue) {
        return new PosixMqMessageProducerSpec(queue, null);
    }

    /**
     * An inbound channel adapter receiving from the queue {@code queues} resolves for {@code key}; a dead-letter queue
     * can then be named by key too.
     */
    public static PosixMqMessageProducerSpec inboundChannelAdapter(PosixMqQueueResolver queues, String key) {
        Assert.notNull(queues, "queues must not be null");
        return new PosixMqMessageProducerSpec(queues.resolve(key), queues);
    }

    /** An outbound channel adapter sending to {@code queue}, which stays owned by the caller. */
    public static PosixMqMessageHandlerSpec outboundChannelAdapter(PosixMq queue) {
        return new PosixMqMessageHandlerSpec(queue);
    }

    /** An outbound channel adapter sending to the queue {@code queue} supplies, looked up for each message. */
    public static PosixMqMessageHandlerSpec outboundChannelAdapter(PosixMqQueueSupplier queue) {
        return new PosixMqMessageHandlerSpec(queue);
    }

    /** An outbound channel adapter sending to the queue {@code queues} resolves for {@code key}. */
    public static PosixMqMessageHandlerSpec outboundChannelAdapter(PosixMqQueueResolver queues, String key) {
        Assert.notNull(queues, "queues must not be null");
        return new PosixMqMessageHandlerSpec(queues.resolve(key));
    }

    /**
     * An outbound gateway sending requests to {@code requestQueue} and waiting for replies on {@code replyQueue}, in
     * header-mode embedded ({@code embeddedHeaders} must list {@code correlationId} and {@code posixmq_replyTo}); for
     * {@code .handle(..)}.
     */
    public static PosixMqOutboundGateway outboundGateway(PosixMqQueueSupplier requestQueue,
            PosixMqQueueSupplier replyQueue, PosixMqEmbeddedHeaders embeddedHeaders) {
        return new PosixMqOutboundGateway(requestQueue, replyQueue, embeddedHeaders);
    }

    /**
     * An inbound gateway receiving requests from {@code requestQueue} in header-mode embedded and replying to each
     * request's {@code posixmq_replyTo} queue; for {@code IntegrationFlow.from(..)}.
     */
    public static PosixMqInboundGateway inboundGateway(PosixMqQueueSupplier requestQueue,
            PosixMqEmbeddedHeaders embeddedHeaders) {
        return new PosixMqInboundGateway(requestQueue, embeddedHeaders);
    }
}
