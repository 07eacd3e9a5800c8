package io.github.posixmq.integration.dsl;

import java.util.List;

import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.PosixMqQueueResolver;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.inbound.PosixMqInboundGateway;
import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import io.github.posixmq.integration.outbound.PosixMqOutboundGateway;
import io.github.posixmq.integration.runtime.PosixMqQueueSettings;
import io.github.posixmq.integration.runtime.PosixMqQueues;

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
     * An outbound gateway sending requests to {@code requestQueue} and waiting for replies on a reply queue it creates
     * (an unguessable name {@code <request queue>.reply-<random>}, mode {@code 0600}, removed when the bean is
     * destroyed), in header-mode embedded; for {@code .handle(..)}.
     */
    public static PosixMqOutboundGateway outboundGateway(PosixMqQueueSupplier requestQueue,
            PosixMqEmbeddedHeaders embeddedHeaders) {
        return new PosixMqOutboundGateway(requestQueue, embeddedHeaders);
    }

    /**
     * An inbound gateway receiving requests from {@code requestQueue} in header-mode embedded and replying to each
     * request's {@code posixmq_replyTo} queue; for {@code IntegrationFlow.from(..)}.
     */
    public static PosixMqInboundGateway inboundGateway(PosixMqQueueSupplier requestQueue,
            PosixMqEmbeddedHeaders embeddedHeaders) {
        return new PosixMqInboundGateway(requestQueue, embeddedHeaders);
    }

    /**
     * An inbound gateway receiving requests from the queue configured under {@code key} in {@code queues}, with that
     * queue's settings: its embedded headers (header-mode embedded is required), and from its inbound settings the
     * concurrency, charset, dead-letter queue and send timeout, retries, allowed reply names, reply send timeout and
     * shared reply queues.
     * Every queue of {@code queues} is refused as a reply destination. Do not also enable the queue's inbound channel
     * adapter ({@code inbound.channel}): both would receive the requests.
     *
     * @throws IllegalArgumentException when the queue is in header-mode raw (naming the property)
     */
    public static PosixMqInboundGateway inboundGateway(PosixMqQueues queues, String key) {
        Assert.notNull(queues, "queues must not be null");
        PosixMqQueueSettings settings = queues.info(key);
        PosixMqQueueSettings.Inbound inbound = settings.inbound();
        List<String> headerNames = inbound.embeddedHeaders();
        Assert.isTrue(headerNames != null, () -> "an inbound gateway on queue " + settings.name() + " needs "
                + settings.prefix() + ".header-mode=embedded: a raw-mode queue cannot carry a correlation id");
        PosixMqInboundGateway gateway = new PosixMqInboundGateway(queues.resolve(key),
                new PosixMqEmbeddedHeaders(headerNames));
        PosixMqMessageProducer receiver = gateway.getReceiver();
        receiver.setConcurrency(inbound.concurrency());
        receiver.setCharset(inbound.charset());
        String deadLetter = inbound.deadLetterQueue();
        if (deadLetter != null) {
            receiver.setDeadLetterQueue(queues.resolve(deadLetter));
        }
        PosixMqQueueSettings.Retry retry = inbound.retry();
        receiver.setRetry(retry.attempts(), retry.initialInterval(), retry.multiplier(), retry.maxInterval());
        receiver.setDeadLetterSendTimeout(inbound.deadLetterSendTimeout());
        if (inbound.charset() != null) {
            gateway.setCharset(inbound.charset());
        }
        gateway.setAllowedReplyNames(inbound.allowedReplyNames());
        gateway.setReplySendTimeout(inbound.replySendTimeout());
        gateway.setSharedReplyQueues(inbound.sharedReplyQueues());
        gateway.setApplicationQueueNames(queues.infos().stream().map(PosixMqQueueSettings::name).toList());
        return gateway;
    }
}
