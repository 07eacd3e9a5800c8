package io.github.posixmq.boot.properties;

import org.springframework.util.Assert;
import io.github.posixmq.integration.runtime.PosixMqConfigurationException;
import io.github.posixmq.integration.runtime.PosixMqQueueProperties;
import io.github.posixmq.integration.runtime.PosixMqSettings;
import io.github.posixmq.integration.dispatch.PosixMqDispatchSettings;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.PosixMqHeaderMode;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.boot.context.properties.ConfigurationPropertiesSource;

/**
 * Configuration of the POSIX message queues an application uses ({@code posixmq.*}).
 *
 * <pre>{@code
 * posixmq:
 *   queues:
 *     orders:
 *       capacity: 10
 *       max-message-size: 1024
 *       inbound:
 *         channel: orders
 * }</pre>
 */
@ConfigurationProperties("posixmq")
public final class PosixMqProperties {

    /** The queues, by key. The key names the queue's beans and metrics; the queue name defaults to "/" + key. */
    private final Map<String, Queue> queues = new LinkedHashMap<>();

    /** What happens when a queue's name is removed (mq_unlink) while the application runs. */
    private final Recovery recovery = new Recovery();

    /** How the inbound adapters receive: shared selector threads and workers. */
    private final Dispatch dispatch = new Dispatch();

    /** The dispatch settings. */
    public Dispatch getDispatch() {
        return this.dispatch;
    }

    /**
     * How the inbound adapters (and binder consumers) receive: a few selector threads wait (epoll) on every queue and
     * hand each message to a bounded pool of workers, which keeps each queue's concurrency.
     */
    public static final class Dispatch {

        /** Selector threads waiting on all the queues; more only when one cannot keep up with the receives. */
        private int selectors = 1;

        /**
         * Worker threads handling received messages, shared by all queues; 0 for the default: twice the processors,
         * at least 8. Size it at least to the sum of the concurrency of queues whose flows may block (a full
         * dead-letter or output queue holds its worker). Ignored with spring.threads.virtual.enabled=true (a
         * virtual thread per message in hand).
         */
        private int workers;

        /**
         * Each inbound adapter receives on concurrency threads of its own instead (the mode before shared
         * dispatch): threads grow with the queues; no hand-off from a selector to a worker.
         */
        private boolean dedicatedThreads;

        /**
         * How long a shared worker whose queue ran empty waits for the queue's next message before it gives the queue
         * back to the selector thread (while no other queue's message waits for a worker): a busy queue then costs
         * no hand-off per message. 0 gives it back at once.
         */
        private Duration linger = Duration.ofMillis(1);

        /** The selector threads. */
        public int getSelectors() {
            return this.selectors;
        }

        /** Sets the selector threads (at least 1). */
        public void setSelectors(int selectors) {
            this.selectors = selectors;
        }

        /** The worker threads, 0 for the default. */
        public int getWorkers() {
            return this.workers;
        }

        /** Sets the worker threads, 0 for the default. */
        public void setWorkers(int workers) {
            this.workers = workers;
        }

        /** Whether each adapter receives on threads of its own. */
        public boolean isDedicatedThreads() {
            return this.dedicatedThreads;
        }

        /** Sets whether each adapter receives on threads of its own. */
        public void setDedicatedThreads(boolean dedicatedThreads) {
            this.dedicatedThreads = dedicatedThreads;
        }

        /** How long a worker whose queue ran empty waits for its next message. */
        public Duration getLinger() {
            return this.linger;
        }

        /** Sets how long a worker whose queue ran empty waits for its next message (0 or more). */
        public void setLinger(Duration linger) {
            this.linger = linger;
        }

        /**
         * These settings for the runtime.
         *
         * @throws PosixMqConfigurationException naming the property at fault
         */
        public PosixMqDispatchSettings settings() {
            if (this.selectors < 1) {
                throw new PosixMqConfigurationException("posixmq.dispatch.selectors", Integer.toString(this.selectors),
                        "it must be at least 1", "Set posixmq.dispatch.selectors to 1 (the default) or more.", null);
            }
            if (this.workers < 0) {
                throw new PosixMqConfigurationException("posixmq.dispatch.workers", Integer.toString(this.workers),
                        "it must not be negative", "Set posixmq.dispatch.workers to 0 (the default) or more.", null);
            }
            PosixMqPropertiesValidator.checkLength("posixmq.dispatch.linger", this.linger);
            if (this.linger == null || this.linger.isNegative()) {
                throw new PosixMqConfigurationException("posixmq.dispatch.linger", String.valueOf(this.linger),
                        "it must not be negative", "Set posixmq.dispatch.linger to 1ms (the default), 0 or more.",
                        null);
            }
            return new PosixMqDispatchSettings(this.selectors, this.workers, this.dedicatedThreads, this.linger);
        }
    }

    /**
     * Whether the adapters, gateways and template observe their sends and processing (Micrometer Observation, spans
     * with the trace context carried in embedded headers), for every queue that does not set its own
     * observation-enabled.
     */
    private boolean observationEnabled;

    /** The queues, by key. */
    public Map<String, Queue> getQueues() {
        return this.queues;
    }

    /** The recovery settings. */
    public Recovery getRecovery() {
        return this.recovery;
    }

    /** Whether queues without their own observation-enabled are observed. */
    public boolean isObservationEnabled() {
        return this.observationEnabled;
    }

    /** Sets whether queues without their own observation-enabled are observed. */
    public void setObservationEnabled(boolean observationEnabled) {
        this.observationEnabled = observationEnabled;
    }

    /** Whether the queue configured under {@code key} is observed: its own setting, else the global default. */
    public boolean observationEnabled(String key) {
        Queue queue = this.queues.get(key);
        Boolean own = (queue != null) ? queue.getObservationEnabled() : null;
        return (own != null) ? own : this.observationEnabled;
    }

    /**
     * Watching the configured queues for a removed name (mq_unlink) and attaching them to the queue of that name again:
     * recreated at once when {@code create} is true, else as soon as another program creates it.
     */
    public static final class Recovery {

        /**
         * Whether to check the configured queues for a removed name and recover them. When false, a removed queue
         * stays in use (and health DOWN) until the application restarts.
         */
        private boolean enabled = true;

        /** How often every configured queue is checked (one readlink each) and a detached queue is tried again. */
        private Duration checkInterval = Duration.ofSeconds(1);

        /** Whether recovery is on. */
        public boolean isEnabled() {
            return this.enabled;
        }

        /** Sets whether recovery is on. */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** How often the queues are checked. */
        public Duration getCheckInterval() {
            return this.checkInterval;
        }

        /** Sets how often the queues are checked. */
        public void setCheckInterval(Duration checkInterval) {
            this.checkInterval = checkInterval;
        }
    }

    /**
     * One queue: how to open or create it (the runtime's {@link PosixMqQueueProperties}, shared with the binder), its
     * name and header mode, and its optional inbound and outbound channel adapters. Its metadata (what each
     * {@code posixmq.queues.<key>.*} property does and its default) is generated into
     * {@code META-INF/spring/configuration-metadata/} by {@link ConfigurationPropertiesSource}, as Spring Boot's
     * {@code spring-configuration-metadata.json} does not descend into map values; the inherited properties' metadata
     * comes from the runtime's hand-written one.
     */
    @ConfigurationPropertiesSource
    public static final class Queue extends PosixMqQueueProperties {

        /** Queue name, such as "/orders"; a missing leading "/" is added. Default: "/" followed by the key. */
        private @Nullable String name;

        /**
         * What crosses the queue besides the payload and priority, both ways: "raw" (only the bytes, what C, Python
         * and Rust peers read and write) or "embedded" (the embedded-headers listed before the payload, in Spring
         * Integration's embedded-headers format; both ends must use it). Default: raw.
         */
        private PosixMqHeaderMode headerMode = PosixMqHeaderMode.RAW;

        /**
         * Headers carried in header-mode embedded, an allow-list both ways: only these are written, and only these are
         * read from a received message (others a peer wrote are ignored). Spring Integration control headers
         * (replyChannel, errorChannel, routingSlip, sequence*, expirationDate, priority, id, timestamp, history) are
         * refused at start-up. Default: contentType, correlationId, posixmq_replyTo, traceparent, tracestate.
         */
        private List<String> embeddedHeaders = new ArrayList<>(PosixMqHeaders.EMBEDDED_DEFAULTS);

        /**
         * Whether this queue's adapters, gateways and template sends are observed (posixmq.sender and
         * posixmq.processor observations, the trace context carried in embedded headers); unset: posixmq.observation-enabled.
         */
        private @Nullable Boolean observationEnabled;

        /** Message-driven channel adapter: queue to channel. */
        private final Inbound inbound = new Inbound();

        /** Outbound channel adapter: channel to queue. */
        private final Outbound outbound = new Outbound();

        /** Whether this queue is observed, or null for the global default. */
        public @Nullable Boolean getObservationEnabled() {
            return this.observationEnabled;
        }

        /** Sets whether this queue is observed (null: the global default). */
        public void setObservationEnabled(@Nullable Boolean observationEnabled) {
            this.observationEnabled = observationEnabled;
        }

        /** Queue name, or null for "/" + key. */
        public @Nullable String getName() {
            return this.name;
        }

        /** Sets the queue name. */
        public void setName(@Nullable String name) {
            this.name = name;
        }

        /** The header mode: raw or embedded. */
        public PosixMqHeaderMode getHeaderMode() {
            return this.headerMode;
        }

        /** Sets the header mode: raw or embedded. */
        public void setHeaderMode(PosixMqHeaderMode headerMode) {
            this.headerMode = headerMode;
        }

        /** The headers carried in header-mode embedded. */
        public List<String> getEmbeddedHeaders() {
            return this.embeddedHeaders;
        }

        /** Sets the headers carried in header-mode embedded. */
        public void setEmbeddedHeaders(List<String> embeddedHeaders) {
            this.embeddedHeaders = embeddedHeaders;
        }

        /** The inbound channel adapter settings. */
        public Inbound getInbound() {
            return this.inbound;
        }

        /** The outbound channel adapter settings. */
        public Outbound getOutbound() {
            return this.outbound;
        }
    }

    /** What an inbound adapter sends to its channel as the payload ({@code inbound.payload-type}). */
    public enum PayloadType {

        /** The bytes as received ({@code byte[]}). The default. */
        BYTES,

        /** A {@code String} decoded with the inbound charset; bytes that are not valid in it are an error. */
        STRING
    }

    /** Settings of the message-driven inbound channel adapter (queue to channel). */
    public static final class Inbound {

        /** Whether to receive from the queue. Default: true when a channel is set, else false. */
        private @Nullable Boolean enabled;

        /**
         * Channel the received messages are sent to; created as a DirectChannel when no bean has that name. Default:
         * the key followed by ".inbound" when the adapter is enabled without a channel.
         */
        private @Nullable String channel;

        /**
         * Whether the queue receives requests and answers them (an inbound gateway): the channel's handler gets each
         * request (converted by its contentType, so a POJO parameter works) and its return value is sent to the
         * requester's reply queue (posixmq_replyTo) with the request's correlation id. Needs header-mode embedded.
         * Requests come from PosixMqTemplate.sendAndReceive / convertSendAndReceive or an outbound gateway. Default:
         * false (an inbound channel adapter, no replies).
         */
        private boolean gateway;

        /** Threads receiving from the queue. Default: 1. */
        private int concurrency = 1;

        /**
         * Payload of the messages sent to the channel: "bytes" (byte[]) or "string" (decoded with the charset).
         * Default: bytes.
         */
        private PayloadType payloadType = PayloadType.BYTES;

        /** Charset of string payloads; bytes that are not valid in it are an error, never replaced. Default: UTF-8. */
        private Charset charset = StandardCharsets.UTF_8;

        /**
         * Content type of the received messages, such as "application/json", set as their contentType header so
         * Spring Integration converts the payload to a handler method's parameter type (a POJO); a message it cannot
         * convert takes the error channel and dead-letter path with its original bytes. Default: none.
         */
        private @Nullable String contentType;

        /**
         * Channel that receives an ErrorMessage when the flow fails ("errorChannel" for the global one). Default: none,
         * each failed message is one log line (peer text escaped, stack trace at DEBUG).
         */
        private @Nullable String errorChannel;

        /**
         * Queue that receives the original bytes and priority of a message whose flow failed: the key of a queue
         * under posixmq.queues, or the name of an existing queue. Default: none (such a message is logged at ERROR
         * with its bytes).
         */
        private @Nullable String deadLetterQueue;

        /**
         * How long a dead-letter send waits for room in a full dead-letter queue; then the message is dropped loudly.
         * A stop meanwhile puts the message back to this queue with its priority, so shutdown is not held up by it.
         */
        private Duration deadLetterSendTimeout = Duration.ofSeconds(5);

        /**
         * How much of a dropped message its ERROR line shows (base64), so that a writer of the queue cannot flood the
         * log. Default: 1KB.
         */
        private DataSize loggedBytes = DataSize.ofKilobytes(1);

        /** Retries before dead-lettering. */
        private final Retry retry = new Retry();

        /** The in-flight journal: at-least-once across a crash of this process. */
        private final Journal journal = new Journal();

        /**
         * Reply queue names an inbound gateway on this queue (PosixMqs.inboundGateway(queues, key)) may send replies
         * to, besides the names PosixMqTemplate.sendAndReceive and the outbound gateway create for it
         * ("<name>.reply-<32 hex digits>"), which are always allowed: patterns where "*" matches any characters, such
         * as "/clients.*". The application's own queues are refused whatever matches, and a reply queue must be owned
         * by this user with no permission beyond 0600. Default: none.
         */
        private List<String> allowedReplyNames = new ArrayList<>();

        /**
         * How long an inbound gateway on this queue waits for room in a full reply queue; then the reply goes to the
         * dead-letter queue (or is dropped loudly), so a requester that does not read its replies delays each request
         * by at most this. Default: 1s.
         */
        private Duration replySendTimeout = Duration.ofSeconds(1);

        /**
         * Whether an inbound gateway on this queue replies to a reply queue owned by another user or granting more
         * than 0600 (request/reply between users on purpose); the reply name rules still apply. Default: false (such
         * a reply goes to the dead-letter queue).
         */
        private boolean sharedReplyQueues;

        /** How much of a dropped message its ERROR line shows. */
        public DataSize getLoggedBytes() {
            return this.loggedBytes;
        }

        /** Sets how much of a dropped message its ERROR line shows. */
        public void setLoggedBytes(DataSize loggedBytes) {
            this.loggedBytes = loggedBytes;
        }

        /** Whether the adapter is enabled, or null for "when a channel is set". */
        public @Nullable Boolean getEnabled() {
            return this.enabled;
        }

        /** Sets whether the adapter is enabled. */
        public void setEnabled(@Nullable Boolean enabled) {
            this.enabled = enabled;
        }

        /** The output channel name. */
        public @Nullable String getChannel() {
            return this.channel;
        }

        /** Sets the output channel name. */
        public void setChannel(@Nullable String channel) {
            this.channel = channel;
        }

        /** Whether the queue answers requests (an inbound gateway). */
        public boolean isGateway() {
            return this.gateway;
        }

        /** Sets whether the queue answers requests (an inbound gateway). */
        public void setGateway(boolean gateway) {
            this.gateway = gateway;
        }

        /** Threads receiving from the queue. */
        public int getConcurrency() {
            return this.concurrency;
        }

        /** Sets the number of threads receiving from the queue. */
        public void setConcurrency(int concurrency) {
            this.concurrency = concurrency;
        }

        /** The payload type: bytes or string. */
        public PayloadType getPayloadType() {
            return this.payloadType;
        }

        /** Sets the payload type: bytes or string. */
        public void setPayloadType(PayloadType payloadType) {
            this.payloadType = payloadType;
        }

        /** Charset of string payloads. */
        public Charset getCharset() {
            return this.charset;
        }

        /** Sets the charset of string payloads. */
        public void setCharset(Charset charset) {
            this.charset = charset;
        }

        /** The content type of received messages, or null. */
        public @Nullable String getContentType() {
            return this.contentType;
        }

        /** Sets the content type of received messages, such as "application/json". */
        public void setContentType(@Nullable String contentType) {
            this.contentType = contentType;
        }

        /** The error channel name, or null for the global error channel. */
        public @Nullable String getErrorChannel() {
            return this.errorChannel;
        }

        /** Sets the error channel name. */
        public void setErrorChannel(@Nullable String errorChannel) {
            this.errorChannel = errorChannel;
        }

        /** The dead-letter queue (key or queue name), or null. */
        public @Nullable String getDeadLetterQueue() {
            return this.deadLetterQueue;
        }

        /** Sets the dead-letter queue (key or queue name). */
        public void setDeadLetterQueue(@Nullable String deadLetterQueue) {
            this.deadLetterQueue = deadLetterQueue;
        }

        /** How long a dead-letter send waits for room in a full dead-letter queue before the message is dropped. */
        public Duration getDeadLetterSendTimeout() {
            return this.deadLetterSendTimeout;
        }

        /** Sets how long a dead-letter send waits for room. */
        public void setDeadLetterSendTimeout(Duration deadLetterSendTimeout) {
            this.deadLetterSendTimeout = deadLetterSendTimeout;
        }

        /** Retries of a message whose flow failed, before it is dead-lettered (or dropped loudly). */
        public Journal getJournal() {
            return this.journal;
        }

        /** Retries before dead-lettering. */
        public Retry getRetry() {
            return this.retry;
        }

        /** Reply queue name patterns allowed besides the default ones. */
        public List<String> getAllowedReplyNames() {
            return this.allowedReplyNames;
        }

        /** Sets the reply queue name patterns allowed besides the default ones. */
        public void setAllowedReplyNames(List<String> allowedReplyNames) {
            this.allowedReplyNames = allowedReplyNames;
        }

        /** How long a reply waits for room in a full reply queue. */
        public Duration getReplySendTimeout() {
            return this.replySendTimeout;
        }

        /** Sets how long a reply waits for room in a full reply queue. */
        public void setReplySendTimeout(Duration replySendTimeout) {
            this.replySendTimeout = replySendTimeout;
        }

        /** Whether reply queues of other users or with a wider mode are used. */
        public boolean isSharedReplyQueues() {
            return this.sharedReplyQueues;
        }

        /** Sets whether reply queues of other users or with a wider mode are used. */
        public void setSharedReplyQueues(boolean sharedReplyQueues) {
            this.sharedReplyQueues = sharedReplyQueues;
        }
    }

    /**
     * The in-flight journal of an inbound adapter: each message the adapter has in hand is received straight into a
     * slot of a file mapped MAP_SHARED and cleared once its flow finished; after a crash (SIGKILL included) it is
     * delivered again at the next start with the header posixmq_redelivered=true. Survives a crash of the process,
     * not of the host.
     */
    public static final class Journal {

        /** Whether messages in hand are journaled (at-least-once across a crash of this process). */
        private boolean enabled;

        /**
         * The journal directory, relative to the working directory unless absolute: one file per queue, locked by
         * the process that uses it, so give each instance of an application its own directory.
         */
        private String directory = "posixmq-journal";

        /** Whether messages in hand are journaled. */
        public boolean isEnabled() {
            return this.enabled;
        }

        /** Sets whether messages in hand are journaled. */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** The journal directory. */
        public String getDirectory() {
            return this.directory;
        }

        /** Sets the journal directory. */
        public void setDirectory(String directory) {
            this.directory = directory;
        }
    }

    /** Retries with back-off of a message whose flow failed, before it is dead-lettered (or dropped loudly). */
    public static final class Retry {

        /** How often the flow is tried for a message (1 = no retry). */
        private int attempts = 3;

        /** Wait before the second attempt. */
        private Duration initialInterval = Duration.ofMillis(100);

        /** Factor by which the wait grows after each attempt. */
        private double multiplier = 2;

        /** Longest wait between attempts. */
        private Duration maxInterval = Duration.ofSeconds(2);

        /** How often the flow is tried for a message. */
        public int getAttempts() {
            return this.attempts;
        }

        /** Sets how often the flow is tried for a message. */
        public void setAttempts(int attempts) {
            this.attempts = attempts;
        }

        /** Wait before the second attempt. */
        public Duration getInitialInterval() {
            return this.initialInterval;
        }

        /** Sets the wait before the second attempt. */
        public void setInitialInterval(Duration initialInterval) {
            this.initialInterval = initialInterval;
        }

        /** Factor by which the wait grows. */
        public double getMultiplier() {
            return this.multiplier;
        }

        /** Sets the factor by which the wait grows. */
        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }

        /** Longest wait between attempts. */
        public Duration getMaxInterval() {
            return this.maxInterval;
        }

        /** Sets the longest wait between attempts. */
        public void setMaxInterval(Duration maxInterval) {
            this.maxInterval = maxInterval;
        }
    }

    /** Settings of the outbound channel adapter (channel to queue). */
    public static final class Outbound {

        /** Whether to send the messages of the channel to the queue. Default: true when a channel is set, else false. */
        private @Nullable Boolean enabled;

        /**
         * Channel the adapter subscribes to; created as a DirectChannel when no bean has that name. Default: the
         * key followed by ".outbound" when the adapter is enabled without a channel.
         */
        private @Nullable String channel;

        /**
         * Priority of sent messages that have no posixmq_priority header and no priority expression (0 to 32767,
         * higher first). Default: 0.
         */
        private int priority;

        /**
         * SpEL expression evaluated against the message for its priority, used when there is no posixmq_priority
         * header. Default: none (the priority property).
         */
        private @Nullable String priorityExpression;

        /** How long a send waits for room in a full queue before it fails. Default: 5 seconds. */
        private Duration sendTimeout = Duration.ofSeconds(5);

        /** Whether the adapter is enabled, or null for "when a channel is set". */
        public @Nullable Boolean getEnabled() {
            return this.enabled;
        }

        /** Sets whether the adapter is enabled. */
        public void setEnabled(@Nullable Boolean enabled) {
            this.enabled = enabled;
        }

        /** The input channel name. */
        public @Nullable String getChannel() {
            return this.channel;
        }

        /** Sets the input channel name. */
        public void setChannel(@Nullable String channel) {
            this.channel = channel;
        }

        /** The default priority. */
        public int getPriority() {
            return this.priority;
        }

        /** Sets the default priority. */
        public void setPriority(int priority) {
            this.priority = priority;
        }

        /** The priority expression, or null. */
        public @Nullable String getPriorityExpression() {
            return this.priorityExpression;
        }

        /** Sets the priority expression. */
        public void setPriorityExpression(@Nullable String priorityExpression) {
            this.priorityExpression = priorityExpression;
        }

        /** How long a send waits for room. */
        public Duration getSendTimeout() {
            return this.sendTimeout;
        }

        /** Sets how long a send waits for room. */
        public void setSendTimeout(Duration sendTimeout) {
            this.sendTimeout = sendTimeout;
        }
    }

    /**
     * Validates these properties and resolves them into the runtime's settings.
     *
     * @throws PosixMqConfigurationException naming the property at fault and the fix
     */
    public PosixMqSettings settings() {
        return settings(PosixMqSettings.ROOT);
    }

    /**
     * Like {@link #settings()} for queues configured under another property prefix than {@code posixmq.queues}, such
     * as a binder's bindings: errors and log lines name {@code <root>.<key>.<property>}.
     *
     * @throws PosixMqConfigurationException naming the property at fault and the fix
     */
    public PosixMqSettings settings(String root) {
        Assert.hasText(root, "root must not be empty");
        return PosixMqPropertiesValidator.validate(this, root);
    }
}
