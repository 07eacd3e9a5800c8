package io.github.posixmq.integration.outbound;

import java.nio.charset.Charset;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.Lifecycle;
import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.integration.MessageTimeoutException;
import org.springframework.integration.channel.FixedSubscriberChannel;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;
import org.springframework.util.Assert;

/**
 * Receives the replies on one reply queue and hands each to the caller waiting for its correlation id: one receiving
 * thread (a {@link PosixMqMessageProducer}) serves any number of concurrent callers. A reply that no caller waits for
 * (it timed out, or the correlation id is unknown) is logged at WARN with its correlation id and size. Used by
 * {@link PosixMqOutboundGateway} and the Spring Boot {@code PosixMqTemplate#sendAndReceive}; needs header-mode
 * embedded carrying {@code correlationId} and {@link PosixMqEmbeddedHeaders#REPLY_TO}.
 */
public final class PosixMqReplyCorrelator implements Lifecycle {

    private static final Log logger = LogFactory.getLog(PosixMqReplyCorrelator.class);

    private final PosixMqQueueSupplier replyQueue;

    private final PosixMqMessageProducer receiver;

    private final Map<String, CompletableFuture<Message<?>>> waiting = new ConcurrentHashMap<>();

    private boolean initialized;

    private @Nullable BeanFactory beanFactory;

    /** Correlates the replies arriving on {@code replyQueue}, read with {@code embeddedHeaders}. */
    public PosixMqReplyCorrelator(PosixMqQueueSupplier replyQueue, PosixMqEmbeddedHeaders embeddedHeaders) {
        Assert.notNull(replyQueue, "replyQueue must not be null");
        requireRequestReply(embeddedHeaders, replyQueue.queueName());
        this.replyQueue = replyQueue;
        this.receiver = new PosixMqMessageProducer(replyQueue);
        this.receiver.setEmbeddedHeaders(embeddedHeaders);
        this.receiver.setRetry(1, Duration.ZERO, 1, Duration.ZERO);
        // a reply that cannot be handed over is this correlator's to report (one line, not the inbound adapter's
        // start-up warning about a missing dead-letter queue, which a reply queue never has)
        this.receiver.setRecoveryCallback((context, cause) -> {
            logger.warn("A reply on queue " + replyQueueName() + " could not be handed to its caller and is "
                    + "discarded: " + cause.getMessage());
            return null;
        });
        this.receiver.setOutputChannel(new FixedSubscriberChannel(this::dispatch));
    }

    /**
     * Checks that {@code embeddedHeaders} can carry a request or reply for {@code queueName}: header-mode embedded
     * (not null) with {@code correlationId} and {@code posixmq_replyTo} in its list.
     *
     * @throws IllegalArgumentException naming the queue otherwise
     */
    public static void requireRequestReply(@Nullable PosixMqEmbeddedHeaders embeddedHeaders, String queueName) {
        Assert.isTrue(embeddedHeaders != null, () -> "request/reply on queue " + queueName + " needs header-mode "
                + "embedded: a raw-mode queue carries only bytes and cannot carry a correlation id");
        for (String name : new String[] { IntegrationMessageHeaderAccessor.CORRELATION_ID,
                PosixMqEmbeddedHeaders.REPLY_TO }) {
            Assert.isTrue(embeddedHeaders.getHeaderNames().contains(name), () -> "request/reply on queue " + queueName
                    + " needs the embedded header " + name + ", which is not in " + embeddedHeaders.getHeaderNames());
        }
    }

    /** The name of the queue replies arrive on (the {@code posixmq_replyTo} of the requests). */
    public String replyQueueName() {
        return this.replyQueue.queueName();
    }

    /**
     * Sets the bean factory of the receiving adapter (for its error channel and listeners); optional: without one, the
     * adapter runs with an empty bean factory of its own.
     */
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
        this.receiver.setBeanFactory(beanFactory);
    }

    /** Makes reply payloads {@code String}s decoded with {@code charset} (null: {@code byte[]}, the default). */
    public void setCharset(@Nullable Charset charset) {
        this.receiver.setCharset(charset);
    }

    /** Sets the name used in thread names and log lines. */
    public void setComponentName(String name) {
        this.receiver.setComponentName(name);
    }

    /** Starts receiving replies (idempotent). */
    @Override
    public synchronized void start() {
        if (!this.initialized) {
            if (this.beanFactory == null) {
                this.receiver.setBeanFactory(new DefaultListableBeanFactory());
            }
            this.receiver.afterPropertiesSet();
            this.initialized = true;
        }
        this.receiver.start();
    }

    /** Stops receiving replies; callers still waiting time out. */
    @Override
    public synchronized void stop() {
        this.receiver.stop();
    }

    @Override
    public boolean isRunning() {
        return this.receiver.isRunning();
    }

    /** A fresh correlation id whose reply {@link #await} will wait for; send the request after this. */
    public String register() {
        String correlationId = UUID.randomUUID().toString();
        this.waiting.put(correlationId, new CompletableFuture<>());
        return correlationId;
    }

    /** Forgets {@code correlationId} (its request could not be sent); a reply for it is then logged at WARN. */
    public void cancel(String correlationId) {
        this.waiting.remove(correlationId);
    }

    /**
     * The reply with {@code correlationId}, waiting at most {@code timeout}.
     *
     * @param request the request, named in errors
     * @param requestQueue the name of the queue the request went to, named in errors
     * @throws MessageTimeoutException when no reply arrived in time (naming both queues and the timeout)
     */
    public Message<?> await(String correlationId, Duration timeout, Message<?> request, String requestQueue) {
        CompletableFuture<Message<?>> reply = this.waiting.get(correlationId);
        Assert.state(reply != null, () -> "no request with correlation id " + correlationId + " is registered");
        try {
            return reply.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (TimeoutException ex) {
            throw new MessageTimeoutException(request, "no reply on queue " + replyQueueName() + " within the reply "
                    + "timeout of " + timeout + " to the request sent to queue " + requestQueue + " (correlation id "
                    + correlationId + "); is a replier receiving from " + requestQueue + "?");
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new MessagingException(request, "interrupted while waiting for a reply on queue "
                    + replyQueueName(), ex);
        }
        catch (ExecutionException ex) {
            throw new MessagingException(request, "failed waiting for a reply on queue " + replyQueueName(),
                    ex.getCause());
        }
        finally {
            this.waiting.remove(correlationId);
        }
    }

    /** The number of callers waiting for a reply now. */
    public int waitingCount() {
        return this.waiting.size();
    }

    private void dispatch(Message<?> reply) {
        Object id = reply.getHeaders().get(IntegrationMessageHeaderAccessor.CORRELATION_ID);
        CompletableFuture<Message<?>> caller = id != null ? this.waiting.get(id.toString()) : null;
        if (caller == null || !caller.complete(reply)) {
            logger.warn("A reply on queue " + replyQueueName() + " (correlation id " + id + ", " + sizeOf(reply)
                    + ") has no caller waiting for it (it timed out, or never asked): it is discarded");
        }
    }

    private static String sizeOf(Message<?> reply) {
        Object payload = reply.getPayload();
        return payload instanceof byte[] bytes ? bytes.length + " bytes" : "payload " + payload;
    }

    @Override
    public String toString() {
        return "PosixMqReplyCorrelator[" + replyQueueName() + "]";
    }
}
