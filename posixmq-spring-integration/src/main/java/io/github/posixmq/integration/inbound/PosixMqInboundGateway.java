package io.github.posixmq.integration.inbound;

import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import io.github.posixmq.QueueNames;
import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.observation.PosixMqObservation;
import io.micrometer.observation.ObservationRegistry;
import io.github.posixmq.integration.outbound.PosixMqOutboundMessageMapper;
import io.github.posixmq.integration.outbound.PosixMqReplyCorrelator;
import io.github.posixmq.integration.outbound.PosixMqReplyQueue;
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
 * with the request's correlation id. A request without {@code posixmq_replyTo} or {@code correlationId} fails like
 * any failed flow (retries, then the dead-letter queue or a loud log line); a flow that produces no reply within the
 * {@link #setReplyTimeout reply timeout} is logged at WARN and the requester times out.
 *
 * <p><b>Replies go only where this gateway allows.</b> {@code posixmq_replyTo} is written by whoever can write to
 * the request queue. A reply is refused when that name is not a valid queue name, names one of the application's own
 * queues (the request queue, its dead-letter queue, the {@link #setApplicationQueueNames configured queues}), or is
 * neither a reply queue name that {@code PosixMqTemplate.sendAndReceive} and {@code PosixMqOutboundGateway} create for
 * this request queue ({@code <request queue>.reply-<32 hex digits>}, see {@link PosixMqReplyQueue}) nor matches an
 * {@link #setAllowedReplyNames allowed pattern}. The queue itself must pass the trust check on the descriptor opened
 * to send ({@code fstat}: owned by this user, no permission beyond {@code 0600}); a reply queue this process holds is
 * used through that descriptor. A refused or failed reply (refused name, missing, untrusted or another user's queue,
 * still full after the {@link #setReplySendTimeout reply send timeout}) goes to the receiver's dead-letter queue: the
 * reply's payload and headers in the embedded format with {@link PosixMqHeaders#DEAD_LETTER_REASON} and the
 * {@code posixmq_replyTo} asked for; without a dead-letter queue it is one ERROR line ({@code DROPPED ...}) and the
 * drop counter. Either way the flow is never run again for that request: retries cover the flow, not the reply.
 *
 * <pre>{@code
 * PosixMqInboundGateway gateway = new PosixMqInboundGateway(PosixMqQueueSupplier.of(requests),
 *         new PosixMqEmbeddedHeaders());
 * gateway.setRequestChannel(requestChannel);
 * gateway.setAllowedReplyNames(List.of("/clients.*"));   // besides /<request queue>.reply-<random>
 * }</pre>
 */
public class PosixMqInboundGateway extends MessagingGatewaySupport {

    private boolean observationEnabled;

    private @Nullable ObservationRegistry observations;


    private final PosixMqMessageProducer receiver;

    private final PosixMqOutboundMessageMapper mapper;

    /** The default {@link #setReplySendTimeout reply send timeout}. */
    public static final Duration DEFAULT_REPLY_SEND_TIMEOUT = Duration.ofSeconds(1);

    private final PosixMqEmbeddedHeaders embeddedHeaders;

    private final PosixMqEmbeddedHeaders deadLetterHeaders;

    private Duration sendTimeout = DEFAULT_REPLY_SEND_TIMEOUT;

    private List<String> allowedReplyNames = List.of();

    private Set<String> applicationQueueNames = Set.of();

    private boolean sharedReplyQueues;

    private volatile @Nullable ReplyDestinations destinations;

    private final AtomicLong failedReplies = new AtomicLong();

    /** A gateway receiving requests from the queue {@code requestQueue} supplies, with {@code embeddedHeaders}. */
    public PosixMqInboundGateway(PosixMqQueueSupplier requestQueue, @Nullable PosixMqEmbeddedHeaders embeddedHeaders) {
        Assert.notNull(requestQueue, "requestQueue must not be null");
        PosixMqReplyCorrelator.requireRequestReply(embeddedHeaders, requestQueue.queueName());
        this.receiver = new PosixMqMessageProducer(requestQueue);
        this.receiver.setEmbeddedHeaders(embeddedHeaders);
        this.receiver.setOutputChannel(new FixedSubscriberChannel(this::reply));
        this.mapper = new PosixMqOutboundMessageMapper(requestQueue.queueName());
        this.mapper.setEmbeddedHeaders(embeddedHeaders);
        this.embeddedHeaders = Objects.requireNonNull(embeddedHeaders);
        List<String> deadLetterNames = new ArrayList<>(this.embeddedHeaders.getHeaderNames());
        deadLetterNames.add(PosixMqHeaders.DEAD_LETTER_REASON);
        this.deadLetterHeaders = new PosixMqEmbeddedHeaders(deadLetterNames);
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

    /**
     * Sets how long a reply waits for room in a full reply queue (default 1 second); then the reply is dead-lettered,
     * so a requester that does not read its replies delays each request by at most this.
     */
    public void setReplySendTimeout(Duration sendTimeout) {
        Assert.isTrue(sendTimeout != null && !sendTimeout.isNegative(), "sendTimeout must not be negative");
        this.sendTimeout = sendTimeout;
    }

    /**
     * Allows replies to queue names matching these patterns ({@code *} matches any characters, such as
     * {@code /clients.*}), besides the reply queue names {@link PosixMqReplyQueue} creates for this request queue,
     * which are always allowed. The application's own queues stay refused, and every reply queue must still pass the
     * trust check. Default: none.
     */
    public void setAllowedReplyNames(Collection<String> patterns) {
        Assert.notNull(patterns, "patterns must not be null");
        List<String> normalized = new ArrayList<>();
        for (String pattern : patterns) {
            Assert.hasText(pattern, "an allowed reply name pattern must not be empty");
            String fixed = pattern.replace("*", "");
            Assert.isTrue(!fixed.isEmpty() && !fixed.equals("/"), () -> "the allowed reply name pattern '" + pattern
                    + "' matches every queue name, which lets any requester choose where replies go: use a pattern "
                    + "with a fixed part, such as /clients.*");
            normalized.add(pattern.startsWith("/") || pattern.startsWith("*") ? pattern : "/" + pattern);
        }
        this.allowedReplyNames = List.copyOf(normalized);
        this.destinations = null;
    }

    /** The patterns of the reply queue names allowed besides the default ones. */
    public List<String> getAllowedReplyNames() {
        return this.allowedReplyNames;
    }

    /**
     * Sets the names of the application's own queues (such as every queue configured under {@code posixmq.queues}),
     * which are never a reply destination whatever a request says; the request queue and its dead-letter queue always
     * are refused.
     */
    public void setApplicationQueueNames(Collection<String> queueNames) {
        Assert.notNull(queueNames, "queueNames must not be null");
        Set<String> names = new LinkedHashSet<>();
        queueNames.forEach((name) -> names.add(QueueNames.normalize(name)));
        this.applicationQueueNames = Set.copyOf(names);
        this.destinations = null;
    }

    /**
     * Sets whether a reply queue of another user, or granting more than {@code 0600}, is used (request/reply between
     * users on purpose, like {@code shared: true} on a configured queue); the name rules still apply. Default false:
     * such a reply is refused and dead-lettered.
     */
    public void setSharedReplyQueues(boolean shared) {
        this.sharedReplyQueues = shared;
        this.destinations = null;
    }

    /** The number of replies refused or failed so far (dead-lettered or dropped). */
    public long getFailedReplies() {
        return this.failedReplies.get();
    }

    /** Sets how long the flow may take to produce a reply. */
    public void setReplyTimeout(Duration replyTimeout) {
        setReplyTimeout(replyTimeout.toMillis());
    }

    @Override
    public String getComponentType() {
        return "posixmq:inbound-gateway";
    }

    /**
     * Sets whether each request handed to the flow is observed as {@code posixmq.processor} (continuing the requester's
     * trace from the embedded headers) and each reply send as {@code posixmq.sender} (the trace context embedded in
     * the reply), with Micrometer Observation and the application context's {@link ObservationRegistry}; default false.
     */
    public void setObservationEnabled(boolean observationEnabled) {
        this.receiver.setObservationEnabled(observationEnabled);
        this.observationEnabled = observationEnabled;
    }

    @Override
    protected void onInit() {
        super.onInit();
        BeanFactory beanFactory = getBeanFactory();
        if (this.observationEnabled) {
            this.observations = PosixMqObservation.registry(beanFactory);
        }
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
        // a failure of the flow propagates: the receiver retries it, then dead-letters the request
        Message<?> reply = sendAndReceiveMessage(request);
        if (reply == null) {
            logger.warn(() -> this + ": the flow produced no reply to the request "
                    + ReplyDestinations.quote(correlationId.toString()) + " from queue "
                    + this.receiver.getQueue().name() + "; the requester waiting on "
                    + ReplyDestinations.quote(replyTo.toString()) + " will time out");
            return;
        }
        // from here on nothing propagates: a failed reply never runs the flow again
        String destination = replyTo.toString();
        PosixMqObservation.observeSend(this.observations, destination, (headers) -> {
            sendReply(reply, correlationId, destination, headers);
            return null;
        });
    }

    private void sendReply(Message<?> reply, Object correlationId, String destination, Map<String, Object> headers) {
        io.github.posixmq.Message mapped;
        try {
            mapped = this.mapper.fromMessage(getMessageBuilderFactory().fromMessage(reply)
                .copyHeaders(headers)
                .setHeader(IntegrationMessageHeaderAccessor.CORRELATION_ID, correlationId)
                .removeHeader(PosixMqEmbeddedHeaders.REPLY_TO)
                .build());
        }
        catch (RuntimeException ex) {
            this.failedReplies.incrementAndGet();
            logger.error(ex, () -> this + ": DROPPED the reply to the request "
                    + ReplyDestinations.quote(correlationId.toString()) + " from queue "
                    + this.receiver.getQueue().name() + ": it cannot be turned into bytes (" + ex.getMessage() + ")");
            this.receiver.operationListener().onDrop(this.receiver.getQueue().name(), 0, 0);
            return;
        }
        ReplyDestinations replies = destinations();
        String refusal = replies.refusal(destination);
        if (refusal == null) {
            refusal = this.receiver.operationListener().timedSend(destination,
                    () -> replies.send(destination, mapped.bytes(), mapped.priority(), this.sendTimeout));
        }
        if (refusal != null) {
            failedReply(mapped, destination, refusal);
        }
    }

    private ReplyDestinations destinations() {
        ReplyDestinations destinations = this.destinations;
        if (destinations == null) {
            PosixMqQueueSupplier deadLetter = this.receiver.recovery().deadLetterQueue();
            destinations = new ReplyDestinations(this.receiver.getQueue().name(),
                    deadLetter != null ? deadLetter.queueName() : null, this.applicationQueueNames,
                    this.allowedReplyNames, this.sharedReplyQueues);
            this.destinations = destinations;
        }
        return destinations;
    }

    /** Dead-letters a reply that could not go to {@code replyTo} (with the reason), or drops it loudly. */
    private void failedReply(io.github.posixmq.Message mapped, String replyTo, String reason) {
        this.failedReplies.incrementAndGet();
        String requestQueue = this.receiver.getQueue().name();
        PosixMqOperationListener listener = this.receiver.operationListener();
        PosixMqQueueSupplier deadLetter = this.receiver.recovery().deadLetterQueue();
        io.github.posixmq.Message kept = mapped;
        if (deadLetter != null) {
            Message<byte[]> reply = this.embeddedHeaders.decode(mapped.bytes(), requestQueue);
            byte[] bytes = this.deadLetterHeaders.encode(reply.getPayload(), getMessageBuilderFactory()
                .fromMessage(reply)
                .setHeader(PosixMqEmbeddedHeaders.REPLY_TO, replyTo)
                .setHeader(PosixMqHeaders.DEAD_LETTER_REASON, reason)
                .build()
                .getHeaders());
            kept = new io.github.posixmq.Message(mapped.priority(), bytes);
            String sendFailure;
            try {
                sendFailure = listener.timedSend(deadLetter.queueName(), () -> deadLetter.send(bytes,
                        mapped.priority(), this.receiver.recovery().deadLetterSendTimeout())) ? null
                                : "dead-letter queue " + deadLetter.queueName() + " stayed full for "
                                        + this.receiver.recovery().deadLetterSendTimeout();
            }
            catch (RuntimeException ex) {
                sendFailure = "cannot send it to dead-letter queue " + deadLetter.queueName() + ": " + ex.getMessage();
            }
            if (sendFailure == null) {
                logger.warn(() -> this + ": the reply to a request from queue " + requestQueue + " was sent to "
                        + "dead-letter queue " + deadLetter.queueName() + " instead: " + reason);
                return;
            }
            DroppedMessages.drop(listener, requestQueue, kept, "its reply could not be sent: " + reason + "; "
                    + sendFailure, null);
            return;
        }
        DroppedMessages.drop(listener, requestQueue, kept, "its reply could not be sent: " + reason + "; " + this
                + " has no dead-letter queue", null);
    }

    @Override
    public String toString() {
        String name = getComponentName();
        return "PosixMqInboundGateway[" + (name != null ? name + ", " : "") + this.receiver.getQueue().name() + "]";
    }
}
