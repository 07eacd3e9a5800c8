package io.github.posixmq.integration.template;

import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.outbound.PosixMqReplyCorrelator;
import io.github.posixmq.integration.outbound.PosixMqReplyQueue;
import io.github.posixmq.integration.runtime.PosixMqQueueSettings;
import io.github.posixmq.integration.runtime.PosixMqQueues;

import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.integration.MessageTimeoutException;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.Assert;

/**
 * Request/reply over configured queues in header-mode embedded, as Spring Integration's outbound gateway does it: a
 * fresh correlation id per request, {@code posixmq_replyTo} naming a reply queue created for that request queue
 * ({@link PosixMqReplyQueue}: an unguessable name, created exclusively with mode 0600; removed by {@link #close()}),
 * one receiving thread per reply queue dispatching replies to concurrent callers.
 * {@link PosixMqTemplate#sendAndReceive} delegates here; the request itself is sent through the template, so it takes
 * the template's send timeout, listener and descriptors.
 */
public final class PosixMqRequestReply implements AutoCloseable {

    private final PosixMqQueues queues;

    private final RequestSender sender;

    private final Map<String, ReplyQueue> replyQueues = new ConcurrentHashMap<>();

    private boolean closed;

    /** Sends the encoded bytes of a request to a destination (the template's {@code send}). */
    @FunctionalInterface
    public interface RequestSender {

        /** Sends {@code bytes} to {@code destination} with priority 0. */
        void send(String destination, byte[] bytes);
    }

    /** Creates request/reply over the configured {@code queues}, sending requests through {@code sender}. */
    public PosixMqRequestReply(PosixMqQueues queues, RequestSender sender) {
        Assert.notNull(queues, "queues must not be null");
        Assert.notNull(sender, "sender must not be null");
        this.queues = queues;
        this.sender = sender;
    }

    /**
     * Sends {@code payload} as a request to the configured queue {@code destination} and waits for its reply.
     *
     * @throws IllegalStateException when {@code destination} is not a configured queue in header-mode embedded
     * @throws MessageTimeoutException when no reply arrived within {@code timeout}
     */
    public byte[] sendAndReceive(String destination, byte[] payload, Duration timeout, Charset charset) {
        Object reply = exchange(destination, payload, Map.of(), timeout).getPayload();
        return reply instanceof byte[] bytes ? bytes : reply.toString().getBytes(charset);
    }

    /**
     * Sends {@code payload} with {@code headers} (those the queue's embedded headers carry, such as
     * {@code contentType}) as a request to the configured queue {@code destination} and returns its reply: the payload
     * and the headers the reply carried.
     *
     * @throws IllegalStateException when {@code destination} is not a configured queue in header-mode embedded
     * @throws MessageTimeoutException when no reply arrived within {@code timeout}
     */
    public Message<?> exchange(String destination, byte[] payload, Map<String, ?> headers, Duration timeout) {
        Assert.notNull(payload, "payload must not be null");
        Assert.notNull(headers, "headers must not be null");
        Assert.isTrue(timeout != null && !timeout.isNegative(), "timeout must not be negative");
        ReplyQueue replies = replyQueue(destination);
        String correlationId = replies.correlator().register();
        Message<byte[]> request = MessageBuilder.withPayload(payload)
            .copyHeaders(headers)
            .setHeader(IntegrationMessageHeaderAccessor.CORRELATION_ID, correlationId)
            .setHeader(PosixMqEmbeddedHeaders.REPLY_TO, replies.correlator().replyQueueName())
            .build();
        try {
            this.sender.send(destination, replies.headers().encode(payload, request.getHeaders()));
        }
        catch (RuntimeException ex) {
            replies.correlator().cancel(correlationId);
            throw ex;
        }
        return replies.correlator().await(correlationId, timeout, request, replies.requestQueue());
    }

    private ReplyQueue replyQueue(String destination) {
        Assert.hasText(destination, "destination must not be empty");
        String key = this.queues.findKey(destination).orElseThrow(() -> new IllegalStateException("sendAndReceive "
                + "needs a queue configured under posixmq.queues with header-mode embedded; '" + destination
                + "' is not configured"));
        PosixMqQueueSettings settings = this.queues.info(key);
        List<String> headerNames = settings.outbound().embeddedHeaders();
        if (headerNames == null) {
            throw new IllegalStateException("queue " + settings.name() + " (" + settings.prefix() + ") is in "
                    + "header-mode raw, which carries only bytes and cannot carry a correlation id: set "
                    + settings.prefix() + ".header-mode=embedded (on the replier too) to use sendAndReceive");
        }
        PosixMqEmbeddedHeaders headers = new PosixMqEmbeddedHeaders(headerNames);
        PosixMqReplyCorrelator.requireRequestReply(headers, settings.name());
        synchronized (this.replyQueues) {
            // under the lock that close() takes: no reply queue is created after close()
            Assert.state(!this.closed, "PosixMqTemplate is closed");
            return this.replyQueues.computeIfAbsent(key, (ignored) -> ReplyQueue.create(settings, headers));
        }
    }

    /** Stops the reply receivers and removes the reply queues created so far; none is created afterwards. */
    @Override
    public void close() {
        List<ReplyQueue> replies;
        synchronized (this.replyQueues) {
            this.closed = true;
            replies = new ArrayList<>(this.replyQueues.values());
            this.replyQueues.clear();
        }
        replies.forEach(ReplyQueue::remove);
    }

    /** A reply queue created (and removed on close) for one request queue, with its receiver. */
    private record ReplyQueue(PosixMqReplyQueue queue, PosixMqReplyCorrelator correlator,
            PosixMqEmbeddedHeaders headers, String requestQueue) {

        /**
         * An unguessable name {@code <queue>.reply-<32 hex digits>}, created exclusively with mode 0600 (a name another
         * user created first is never adopted), with the request queue's capacity and message size.
         */
        static ReplyQueue create(PosixMqQueueSettings settings, PosixMqEmbeddedHeaders headers) {
            PosixMqReplyQueue queue = PosixMqReplyQueue.create(settings.name(), settings.capacity(),
                    settings.maxMessageSize());
            try {
                PosixMqReplyCorrelator correlator = new PosixMqReplyCorrelator(PosixMqQueueSupplier.of(queue.queue()),
                        headers);
                correlator.setComponentName("posixmq-template-" + settings.key() + ".replies");
                correlator.start();
                return new ReplyQueue(queue, correlator, headers, settings.name());
            }
            catch (RuntimeException ex) {
                queue.close();
                throw ex;
            }
        }

        void remove() {
            try {
                this.correlator.stop();
            }
            finally {
                this.queue.close();
            }
        }
    }
}
