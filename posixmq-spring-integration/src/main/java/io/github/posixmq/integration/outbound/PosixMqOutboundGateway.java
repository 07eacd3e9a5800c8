package io.github.posixmq.integration.outbound;

import java.nio.charset.Charset;
import java.time.Duration;

import io.github.posixmq.PosixMq;
import io.github.posixmq.PosixMqException;
import io.github.posixmq.QueueWouldBlockException;
import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.observation.PosixMqObservation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.Lifecycle;
import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.integration.MessageTimeoutException;
import org.springframework.integration.handler.AbstractReplyProducingMessageHandler;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.Assert;

/**
 * An outbound gateway: sends each request to a request queue with a fresh correlation id and
 * {@link PosixMqEmbeddedHeaders#REPLY_TO} naming its reply queue, waits for the reply with that correlation id on the
 * reply queue, and produces it (payload and carried headers; the request's own headers are kept, including its
 * correlation id). Both queues use header-mode embedded, the only mode that carries a correlation id: a gateway
 * without embedded headers is refused at construction. One receiving thread serves all concurrent callers
 * ({@link PosixMqReplyCorrelator}). No reply within the {@link #setReplyTimeout reply timeout} is a
 * {@link MessageTimeoutException} naming both queues and the timeout.
 *
 * <p>Built without a reply queue, the gateway creates its own ({@link PosixMqReplyQueue}: an unguessable name
 * {@code <request queue>.reply-<32 hex digits>}, mode {@code 0600}, created exclusively, the request queue's capacity
 * and message size), the name an inbound gateway accepts by default, and removes it when the bean is destroyed.
 *
 * <pre>{@code
 * PosixMqOutboundGateway gateway = new PosixMqOutboundGateway(PosixMqQueueSupplier.of(requests),
 *         new PosixMqEmbeddedHeaders());
 * }</pre>
 */
public class PosixMqOutboundGateway extends AbstractReplyProducingMessageHandler implements Lifecycle {

    private boolean observationEnabled;

    private @Nullable ObservationRegistry observations;


    private final PosixMqQueueSupplier requestQueue;

    private final PosixMqReplyCorrelator replies;

    private final PosixMqOutboundMessageMapper mapper;

    private final @Nullable PosixMqReplyQueue ownReplyQueue;

    private Duration requestTimeout = Duration.ofSeconds(5);

    private Duration replyTimeout = Duration.ofSeconds(5);

    /**
     * A gateway sending to {@code requestQueue} (open for sending) and receiving replies on {@code replyQueue} (open
     * for reading), both owned by the caller.
     */
    public PosixMqOutboundGateway(PosixMq requestQueue, PosixMq replyQueue,
            @Nullable PosixMqEmbeddedHeaders embeddedHeaders) {
        this(PosixMqQueueSupplier.of(requestQueue), PosixMqQueueSupplier.of(replyQueue), embeddedHeaders);
    }

    /**
     * A gateway sending to the queue {@code requestQueue} supplies and receiving on the one {@code replyQueue}
     * supplies, with {@code embeddedHeaders} on both (they must list {@code correlationId} and
     * {@code posixmq_replyTo}). An inbound gateway replies to this queue only when its name is allowed there
     * ({@code PosixMqInboundGateway.setAllowedReplyNames}) and it passes the trust check.
     *
     * @throws IllegalArgumentException when {@code embeddedHeaders} is null (raw mode) or lacks those headers
     */
    public PosixMqOutboundGateway(PosixMqQueueSupplier requestQueue, PosixMqQueueSupplier replyQueue,
            @Nullable PosixMqEmbeddedHeaders embeddedHeaders) {
        this(requestQueue, replyQueue, embeddedHeaders, null);
    }

    /**
     * A gateway sending to the queue {@code requestQueue} supplies and receiving on a reply queue it creates
     * ({@link PosixMqReplyQueue}, with the request queue's capacity and message size) and removes when destroyed,
     * with {@code embeddedHeaders} on both (they must list {@code correlationId} and {@code posixmq_replyTo}).
     *
     * @throws IllegalArgumentException when {@code embeddedHeaders} is null (raw mode) or lacks those headers, or
     *         the request queue name is too long for a reply queue name
     */
    public PosixMqOutboundGateway(PosixMqQueueSupplier requestQueue, @Nullable PosixMqEmbeddedHeaders embeddedHeaders) {
        this(requestQueue, embeddedHeaders, createReplyQueue(requestQueue, embeddedHeaders));
    }

    private PosixMqOutboundGateway(PosixMqQueueSupplier requestQueue, @Nullable PosixMqEmbeddedHeaders embeddedHeaders,
            PosixMqReplyQueue ownReplyQueue) {
        this(requestQueue, PosixMqQueueSupplier.of(ownReplyQueue.queue()), embeddedHeaders, ownReplyQueue);
    }

    private PosixMqOutboundGateway(PosixMqQueueSupplier requestQueue, PosixMqQueueSupplier replyQueue,
            @Nullable PosixMqEmbeddedHeaders embeddedHeaders, @Nullable PosixMqReplyQueue ownReplyQueue) {
        Assert.notNull(requestQueue, "requestQueue must not be null");
        Assert.notNull(replyQueue, "replyQueue must not be null");
        Assert.isTrue(!requestQueue.queueName().equals(replyQueue.queueName()),
                () -> "the reply queue must not be the request queue " + requestQueue.queueName());
        PosixMqReplyCorrelator.requireRequestReply(embeddedHeaders, requestQueue.queueName());
        this.requestQueue = requestQueue;
        this.ownReplyQueue = ownReplyQueue;
        this.replies = new PosixMqReplyCorrelator(replyQueue, embeddedHeaders);
        this.mapper = new PosixMqOutboundMessageMapper(requestQueue.queueName());
        this.mapper.setEmbeddedHeaders(embeddedHeaders);
    }

    private static PosixMqReplyQueue createReplyQueue(PosixMqQueueSupplier requestQueue,
            @Nullable PosixMqEmbeddedHeaders embeddedHeaders) {
        Assert.notNull(requestQueue, "requestQueue must not be null");
        PosixMqReplyCorrelator.requireRequestReply(embeddedHeaders, requestQueue.queueName());
        PosixMq request = requestQueue.get();
        return PosixMqReplyQueue.create(requestQueue.queueName(), request.capacity(), request.maxMessageSize());
    }

    /** Sets how long a request waits for room in a full request queue (default 5 seconds). */
    public void setRequestTimeout(Duration requestTimeout) {
        Assert.isTrue(requestTimeout != null && !requestTimeout.isNegative(), "requestTimeout must not be negative");
        this.requestTimeout = requestTimeout;
    }

    /** Sets how long a caller waits for its reply (default 5 seconds). */
    public void setReplyTimeout(Duration replyTimeout) {
        Assert.isTrue(replyTimeout != null && !replyTimeout.isNegative(), "replyTimeout must not be negative");
        this.replyTimeout = replyTimeout;
    }

    /** Sets the priority of requests without a {@code posixmq_priority} header (default 0). */
    public void setPriority(int priority) {
        this.mapper.setPriority(priority);
    }

    /** Sets the charset of String request payloads, and makes reply payloads Strings in it (default: byte[]). */
    public void setCharset(Charset charset) {
        this.mapper.setCharset(charset);
        this.replies.setCharset(charset);
    }

    /** Sets the converter of request payloads that are neither {@code byte[]} nor {@code String}. */
    public void setMessageConverter(@Nullable MessageConverter messageConverter) {
        this.mapper.setMessageConverter(messageConverter);
    }

    /** The name of the queue replies arrive on. */
    public String getReplyQueueName() {
        return this.replies.replyQueueName();
    }

    /**
     * Sets whether each request send is observed as {@code posixmq.sender} (Micrometer Observation, OpenTelemetry
     * messaging conventions) with the application context's {@link ObservationRegistry}, the trace context embedded in
     * the request's headers; default false.
     */
    public void setObservationEnabled(boolean observationEnabled) {
        this.observationEnabled = observationEnabled;
    }

    @Override
    public String getComponentType() {
        return "posixmq:outbound-gateway";
    }

    @Override
    protected void doInit() {
        BeanFactory beanFactory = getBeanFactory();
        if (this.observationEnabled) {
            this.observations = PosixMqObservation.registry(beanFactory);
        }
        if (beanFactory != null) {
            this.replies.setBeanFactory(beanFactory);
        }
        String name = getComponentName();
        this.replies.setComponentName((name != null ? name : "posixmq-gateway") + ".replies");
    }

    /** Starts receiving replies; also done by the first request. */
    @Override
    public void start() {
        this.replies.start();
    }

    /** Stops receiving replies; callers still waiting time out. */
    @Override
    public void stop() {
        this.replies.stop();
    }

    @Override
    public boolean isRunning() {
        return this.replies.isRunning();
    }

    /** Stops receiving replies when the bean is destroyed, and removes the reply queue this gateway created. */
    @Override
    public void destroy() {
        try {
            stop();
        }
        finally {
            PosixMqReplyQueue own = this.ownReplyQueue;
            if (own != null) {
                own.close();
            }
            super.destroy();
        }
    }

    @Override
    protected Object handleRequestMessage(Message<?> request) {
        if (!this.replies.isRunning()) {
            this.replies.start();
        }
        String correlationId = this.replies.register();
        try {
            Message<?> outgoing = MessageBuilder.fromMessage(request)
                .setHeader(IntegrationMessageHeaderAccessor.CORRELATION_ID, correlationId)
                .setHeader(PosixMqEmbeddedHeaders.REPLY_TO, this.replies.replyQueueName())
                .build();
            PosixMqObservation.observeSend(this.observations, this.requestQueue.queueName(), (headers) -> {
                io.github.posixmq.Message mapped = this.mapper.fromMessage(headers.isEmpty() ? outgoing
                        : MessageBuilder.fromMessage(outgoing).copyHeaders(headers).build());
                this.requestQueue.sendOrThrow(mapped.bytes(), mapped.priority(), this.requestTimeout);
                return null;
            });
        }
        catch (QueueWouldBlockException ex) {
            this.replies.cancel(correlationId);
            throw new MessageDeliveryException(request, String.valueOf(ex.getMessage()), ex);
        }
        catch (PosixMqException ex) {
            this.replies.cancel(correlationId);
            throw new MessageDeliveryException(request, "cannot send the request to queue "
                    + this.requestQueue.queueName() + ": " + ex.getMessage(), ex);
        }
        catch (RuntimeException ex) {
            this.replies.cancel(correlationId);
            throw ex;
        }
        Message<?> reply = this.replies.await(correlationId, this.replyTimeout, request,
                this.requestQueue.queueName());
        return getMessageBuilderFactory().withPayload(reply.getPayload())
            .copyHeaders(reply.getHeaders())
            .removeHeaders(IntegrationMessageHeaderAccessor.CORRELATION_ID, PosixMqEmbeddedHeaders.REPLY_TO);
    }

    @Override
    public String toString() {
        String name = getComponentName();
        return "PosixMqOutboundGateway[" + (name != null ? name + ", " : "") + this.requestQueue.queueName() + " -> "
                + this.replies.replyQueueName() + "]";
    }
}
