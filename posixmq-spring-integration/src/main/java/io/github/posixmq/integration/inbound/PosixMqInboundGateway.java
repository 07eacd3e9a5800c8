package io.github.posixmq.integration.inbound;

import java.nio.charset.Charset;
import java.time.Duration;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.outbound.PosixMqOutboundMessageMapper;
import io.github.posixmq.integration.outbound.PosixMqReplyCorrelator;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.integration.channel.FixedSubscriberChannel;
import org.springframework.integration.gateway.MessagingGatewaySupport;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHandlingException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.util.Assert;

/**
 * An inbound gateway: receives each request from a queue in header-mode embedded (through a
 * {@link PosixMqMessageProducer}, with its retries, dead-letter queue and error channel), sends it to the request
 * channel, and sends the reply to the queue named in the request's {@link PosixMqEmbeddedHeaders#REPLY_TO} header
 * with the request's correlation id. A reply queue is opened by name (write-only, existing) for each reply and closed
 * right after, so a requester's removed reply queue is never kept alive here. A request without {@code posixmq_replyTo} or {@code correlationId} fails like any failed
 * flow (retries, then the dead-letter queue or a loud log line); a flow that produces no reply within the
 * {@link #setReplyTimeout reply timeout} is logged at WARN and the requester times out.
 *
 * <pre>{@code
 * PosixMqInboundGateway gateway = new PosixMqInboundGateway(PosixMqQueueSupplier.of(requests),
 *         new PosixMqEmbeddedHeaders());
 * gateway.setRequestChannel(requestChannel);
 * }</pre>
 */
public class PosixMqInboundGateway extends MessagingGatewaySupport {

    private final PosixMqMessageProducer receiver;

    private final PosixMqOutboundMessageMapper mapper;

    private Duration sendTimeout = Duration.ofSeconds(5);

    /** A gateway receiving requests from the queue {@code requestQueue} supplies, with {@code embeddedHeaders}. */
    public PosixMqInboundGateway(PosixMqQueueSupplier requestQueue, @Nullable PosixMqEmbeddedHeaders embeddedHeaders) {
        Assert.notNull(requestQueue, "requestQueue must not be null");
        PosixMqReplyCorrelator.requireRequestReply(embeddedHeaders, requestQueue.queueName());
        this.receiver = new PosixMqMessageProducer(requestQueue);
        this.receiver.setEmbeddedHeaders(embeddedHeaders);
        this.receiver.setOutputChannel(new FixedSubscriberChannel(this::reply));
        this.mapper = new PosixMqOutboundMessageMapper(requestQueue.queueName());
        this.mapper.setEmbeddedHeaders(embeddedHeaders);
    }

    /** The adapter receiving the requests, for its other settings (concurrency, dead-letter queue, retries...). */
    public PosixMqMessageProducer getReceiver() {
        return this.receiver;
    }

    /** Makes request payloads {@code String}s in {@code charset} and encodes String replies with it. */
    public void setCharset(Charset charset) {
        this.receiver.setCharset(charset);
        this.mapper.setCharset(charset);
    }

    /** Sets the converter of reply payloads that are neither {@code byte[]} nor {@code String}. */
    public void setMessageConverter(@Nullable MessageConverter messageConverter) {
        this.mapper.setMessageConverter(messageConverter);
    }

    /** Sets how long a reply waits for room in a full reply queue (default 5 seconds). */
    public void setReplySendTimeout(Duration sendTimeout) {
        Assert.isTrue(sendTimeout != null && !sendTimeout.isNegative(), "sendTimeout must not be negative");
        this.sendTimeout = sendTimeout;
    }

    /** Sets how long the flow may take to produce a reply. */
    public void setReplyTimeout(Duration replyTimeout) {
        setReplyTimeout(replyTimeout.toMillis());
    }

    @Override
    public String getComponentType() {
        return "posixmq:inbound-gateway";
    }

    @Override
    protected void onInit() {
        super.onInit();
        BeanFactory beanFactory = getBeanFactory();
        if (beanFactory != null) {
            this.receiver.setBeanFactory(beanFactory);
        }
        String name = getComponentName();
        this.receiver.setComponentName((name != null ? name : "posixmq-inbound-gateway") + ".requests");
        this.receiver.afterPropertiesSet();
    }

    @Override
    protected void doStart() {
        super.doStart();
        this.receiver.start();
    }

    @Override
    protected void doStop() {
        this.receiver.stop();
        super.doStop();
    }

    private void reply(Message<?> request) {
        Object replyTo = request.getHeaders().get(PosixMqEmbeddedHeaders.REPLY_TO);
        Object correlationId = request.getHeaders().get(IntegrationMessageHeaderAccessor.CORRELATION_ID);
        if (replyTo == null || correlationId == null) {
            throw new MessageHandlingException(request, "a request on queue " + this.receiver.getQueue().name()
                    + " has no " + (replyTo == null ? PosixMqEmbeddedHeaders.REPLY_TO : "correlationId")
                    + " header: was it sent by an outbound gateway or PosixMqTemplate.sendAndReceive?");
        }
        Message<?> reply = sendAndReceiveMessage(request);
        if (reply == null) {
            logger.warn(() -> this + ": the flow produced no reply to the request " + correlationId + " from queue "
                    + this.receiver.getQueue().name() + "; the requester waiting on " + replyTo + " will time out");
            return;
        }
        Message<?> correlated = getMessageBuilderFactory().fromMessage(reply)
            .setHeader(IntegrationMessageHeaderAccessor.CORRELATION_ID, correlationId)
            .removeHeader(PosixMqEmbeddedHeaders.REPLY_TO)
            .build();
        io.github.posixmq.Message mapped = this.mapper.fromMessage(correlated);
        try (PosixMq replyQueue = OpenOptions.writeOnly().existing().open(replyTo.toString())) {
            PosixMqQueueSupplier.of(replyQueue).sendOrThrow(mapped.bytes(), mapped.priority(), this.sendTimeout);
        }
    }

    @Override
    public String toString() {
        String name = getComponentName();
        return "PosixMqInboundGateway[" + (name != null ? name + ", " : "") + this.receiver.getQueue().name() + "]";
    }
}
