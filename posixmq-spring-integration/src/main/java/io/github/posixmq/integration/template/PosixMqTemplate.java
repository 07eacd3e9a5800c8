package io.github.posixmq.integration.template;

import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.runtime.QueueTrust;
import io.github.posixmq.integration.runtime.UntrustedQueueException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueNames;
import io.github.posixmq.QueueWouldBlockException;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.observation.PosixMqObservation;
import io.github.posixmq.integration.outbound.PosixMqOutboundMessageMapper;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.integration.MessageTimeoutException;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * Sends to and receives from POSIX message queues, named by their key under {@code posixmq.queues} or by queue name.
 * A destination is looked up as a configured key first, then as a configured queue name; any other name is opened
 * as an existing queue on first use (write-only to send, read-only to receive) and closed by {@link #close()}. Such an
 * ad-hoc destination passes the same trust check as an adopted configured queue, on the opened descriptor
 * ({@code fstat}): owned by this application's user with no permission beyond {@link #setDestinationMode the
 * destination mode} (default {@code 0600}), else an {@link UntrustedQueueException} and nothing is sent or received;
 * {@link #setSharedDestinations} opts out for queues deliberately shared between users.
 * Configured queues are looked up for each call, so the template follows the registry's recovery of a queue whose
 * name was removed (a send or receive that meets the replaced descriptor is retried on the new one).
 *
 * <pre>{@code
 * template.send("orders", "order 42", 5);                  // UTF-8 bytes, priority 5
 * template.convertAndSend("orders", new Order(42), 1);      // through the MessageConverter
 * Optional<Message> m = template.receive("orders", Duration.ofSeconds(1));
 * String answer = template.sendAndReceive("questions", "ping", Duration.ofSeconds(5));   // header-mode embedded
 * }</pre>
 */
public final class PosixMqTemplate implements AutoCloseable {

    /** The default send timeout: how long a send waits for room in a full queue. */
    public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(5);

    private static final boolean JACKSON_PRESENT = ClassUtils.isPresent("tools.jackson.databind.json.JsonMapper",
            PosixMqTemplate.class.getClassLoader());

    private final PosixMqQueues queues;

    private final Map<String, PosixMq> openedByName = new ConcurrentHashMap<>();

    private final PosixMqRequestReply requestReply;

    private MessageConverter messageConverter = defaultMessageConverter();

    private PosixMqOperationListener listener = PosixMqOperationListener.NOOP;

    private Duration sendTimeout = DEFAULT_SEND_TIMEOUT;

    private Charset charset = StandardCharsets.UTF_8;

    private int destinationMode = 0600;

    private boolean sharedDestinations;

    private volatile boolean closed;

    private ObservationRegistry observations = ObservationRegistry.NOOP;

    private Predicate<String> observed = (destination) -> false;

    /** Creates a template over the configured {@code queues}. */
    public PosixMqTemplate(PosixMqQueues queues) {
        Assert.notNull(queues, "queues must not be null");
        this.queues = queues;
        this.requestReply = new PosixMqRequestReply(queues, (destination, bytes) -> send(destination, bytes, 0));
    }

    /**
     * The default converter: {@code byte[]} as is, {@code String} as UTF-8, and any other object as JSON when Jackson 3
     * ({@code tools.jackson.databind}) is on the class path.
     */
    public static MessageConverter defaultMessageConverter() {
        List<MessageConverter> converters = new ArrayList<>(List.of(new ByteArrayMessageConverter(),
                new StringMessageConverter()));
        if (JACKSON_PRESENT) {
            converters.add(new JacksonJsonMessageConverter());
        }
        return new CompositeMessageConverter(converters);
    }

    /** Sets the converter of {@link #convertAndSend} and {@link #receiveAndConvert}; it must produce bytes or text. */
    public void setMessageConverter(MessageConverter messageConverter) {
        Assert.notNull(messageConverter, "messageConverter must not be null");
        this.messageConverter = messageConverter;
    }

    /** The converter of {@link #convertAndSend} and {@link #receiveAndConvert}. */
    public MessageConverter getMessageConverter() {
        return this.messageConverter;
    }

    /** Sets the listener told of every send and receive. */
    public void setOperationListener(PosixMqOperationListener listener) {
        Assert.notNull(listener, "listener must not be null");
        this.listener = listener;
    }

    /**
     * Observes each send to a destination for which {@code destinations} is true as {@code posixmq.sender}
     * (Micrometer Observation, OpenTelemetry messaging conventions) in {@code registry}. The template sends bytes
     * without headers, so the trace context does not cross the queue from here (the outbound adapters and gateways of
     * {@code header-mode: embedded} queues carry it).
     */
    public void setObservation(ObservationRegistry registry, Predicate<String> destinations) {
        Assert.notNull(registry, "registry must not be null");
        Assert.notNull(destinations, "destinations must not be null");
        this.observations = registry;
        this.observed = destinations;
    }

    /** Sets how long a send waits for room in a full queue (zero: fail at once); default 5 seconds. */
    public void setSendTimeout(Duration sendTimeout) {
        Assert.notNull(sendTimeout, "sendTimeout must not be null");
        Assert.isTrue(!sendTimeout.isNegative(), "sendTimeout must not be negative");
        this.sendTimeout = sendTimeout;
    }

    /** How long a send waits for room in a full queue. */
    public Duration getSendTimeout() {
        return this.sendTimeout;
    }

    /**
     * Sets the widest mode an ad-hoc destination (a queue name that is not configured) may have: it must be owned by
     * this application's user and grant nothing beyond {@code mode}; default {@code 0600}.
     */
    public void setDestinationMode(int mode) {
        Assert.isTrue(mode >= 0 && mode <= 0777, "mode must be between 0 and 0777");
        this.destinationMode = mode;
    }

    /**
     * Sets whether ad-hoc destinations are used whoever owns them and whatever their mode (queues deliberately shared
     * between users, like {@code shared: true} on a configured queue); default false.
     */
    public void setSharedDestinations(boolean shared) {
        this.sharedDestinations = shared;
    }

    /** Sets the charset of {@code String} payloads; default UTF-8. */
    public void setCharset(Charset charset) {
        Assert.notNull(charset, "charset must not be null");
        this.charset = charset;
    }

    // ---------------------------------------------------------------- sending

    /** Sends {@code payload} with priority 0. */
    public void send(String destination, byte[] payload) {
        send(destination, payload, 0);
    }

    /**
     * Sends {@code payload} with {@code priority}, waiting up to the send timeout for room.
     *
     * @throws QueueWouldBlockException when the queue stayed full for the whole send timeout
     */
    public void send(String destination, byte[] payload, int priority) {
        Assert.notNull(payload, "payload must not be null");
        PosixMqQueueSupplier queue = reference(destination, true);
        PosixMqObservation.observeSend(this.observed.test(destination) ? this.observations : null, queue.queueName(),
                (headers) -> this.listener.timedSend(queue.queueName(), () -> {
                    queue.sendOrThrow(payload, priority, this.sendTimeout);
                    return null;
                }));
    }

    /** Sends {@code payload} encoded with the charset (UTF-8 unless set) with priority 0. */
    public void send(String destination, String payload) {
        send(destination, payload, 0);
    }

    /** Sends {@code payload} encoded with the charset (UTF-8 unless set) with {@code priority}. */
    public void send(String destination, String payload, int priority) {
        Assert.notNull(payload, "payload must not be null");
        send(destination, payload.getBytes(this.charset), priority);
    }

    /** Converts {@code payload} with the message converter and sends it with priority 0. */
    public void convertAndSend(String destination, Object payload) {
        convertAndSend(destination, payload, 0);
    }

    /** Converts {@code payload} with the message converter and sends it with {@code priority}. */
    public void convertAndSend(String destination, Object payload, int priority) {
        Assert.notNull(payload, "payload must not be null");
        PosixMqOutboundMessageMapper mapper = new PosixMqOutboundMessageMapper(reference(destination, true).queueName());
        mapper.setCharset(this.charset);
        mapper.setMessageConverter(this.messageConverter);
        send(destination, mapper.toBytes(MessageBuilder.withPayload(payload).build()), priority);
    }

    // ---------------------------------------------------------------- receiving

    /** Receives the next message, waiting at most {@code timeout}; empty when none arrived in time. */
    public Optional<Message> receive(String destination, Duration timeout) {
        Assert.notNull(timeout, "timeout must not be null");
        Assert.isTrue(!timeout.isNegative(), "timeout must not be negative");
        PosixMqQueueSupplier queue = reference(destination, false);
        Optional<Message> message = tryReceive(queue);
        if (message.isPresent() || timeout.isZero()) {
            return message;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        // waits on the queue descriptor itself (ppoll, woken by close): no selector per call; when recovery switches
        // to a recreated queue, the wait on the closed old descriptor ends and the supplier retries on the new one
        return this.listener.timedReceive(queue.queueName(),
                () -> queue.execute((mq) -> mq.receive(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))),
                Optional::isPresent);
    }

    /** Receives the next message and decodes it with the charset, waiting at most {@code timeout}. */
    public Optional<String> receiveString(String destination, Duration timeout) {
        return receive(destination, timeout).map(message -> new String(message.bytes(), this.charset));
    }

    /** Receives the next message and converts it to {@code type}, waiting at most {@code timeout}. */
    public <T> Optional<T> receiveAndConvert(String destination, Class<T> type, Duration timeout) {
        Assert.notNull(type, "type must not be null");
        return receive(destination, timeout).map(message -> convert(message, type));
    }

    private <T> T convert(Message message, Class<T> type) {
        if (type == byte[].class) {
            return type.cast(message.bytes());
        }
        if (type == String.class) {
            return type.cast(new String(message.bytes(), this.charset));
        }
        Object converted = this.messageConverter.fromMessage(MessageBuilder.withPayload(message.bytes()).build(), type);
        if (!type.isInstance(converted)) {
            throw new MessageConversionException("the message converter " + this.messageConverter + " cannot turn a "
                    + "message of " + message.bytes().length + " bytes into a " + type.getName());
        }
        return type.cast(converted);
    }

    private Optional<Message> tryReceive(PosixMqQueueSupplier queue) {
        return this.listener.timedReceive(queue.queueName(), () -> queue.execute(PosixMq::tryReceive),
                Optional::isPresent);
    }

    // ---------------------------------------------------------------- request/reply

    /**
     * Sends {@code payload} as a request to the configured queue {@code destination} (header-mode embedded) and waits
     * for its reply, as Spring Integration's outbound gateway does: a fresh correlation id, {@code posixmq_replyTo}
     * naming a reply queue this template created for that destination (removed by {@link #close()}), one receiving
     * thread dispatching replies to concurrent callers. Delegates to {@link PosixMqRequestReply}.
     *
     * @throws IllegalStateException when {@code destination} is not a configured queue in header-mode embedded
     * @throws MessageTimeoutException when no reply arrived within {@code timeout}
     */
    public byte[] sendAndReceive(String destination, byte[] payload, Duration timeout) {
        Assert.state(!this.closed, "PosixMqTemplate is closed");
        return this.requestReply.sendAndReceive(destination, payload, timeout, this.charset);
    }

    /** Like {@link #sendAndReceive(String, byte[], Duration)} with text in the charset (UTF-8 unless set). */
    public String sendAndReceive(String destination, String payload, Duration timeout) {
        Assert.notNull(payload, "payload must not be null");
        return new String(sendAndReceive(destination, payload.getBytes(this.charset), timeout), this.charset);
    }

    /**
     * Converts {@code payload} with the message converter (JSON for objects when Jackson is present), sends it as a
     * request to the configured queue {@code destination} (header-mode embedded) with its {@code contentType}, waits
     * for the reply and converts it to {@code replyType}: request/reply with POJOs on both sides. The replier's
     * handler receives the object (Spring Integration converts by the {@code contentType}), and its return value
     * comes back converted the same way.
     *
     * <pre>{@code
     * Quote quote = template.convertSendAndReceive("quotes", new QuoteRequest("lamp", 3), Quote.class,
     *         Duration.ofSeconds(5));
     * }</pre>
     *
     * @throws IllegalStateException when {@code destination} is not a configured queue in header-mode embedded
     * @throws MessageTimeoutException when no reply arrived within {@code timeout}
     * @throws MessageConversionException when the payload or the reply cannot be converted
     */
    public <T> T convertSendAndReceive(String destination, Object payload, Class<T> replyType, Duration timeout) {
        Assert.state(!this.closed, "PosixMqTemplate is closed");
        Assert.notNull(payload, "payload must not be null");
        Assert.notNull(replyType, "replyType must not be null");
        byte[] bytes;
        Object contentType;
        if (payload instanceof byte[] raw) {
            bytes = raw;
            contentType = "application/octet-stream";
        }
        else if (payload instanceof String text) {
            bytes = text.getBytes(this.charset);
            contentType = "text/plain;charset=" + this.charset.name();
        }
        else {
            org.springframework.messaging.Message<?> converted = this.messageConverter.toMessage(payload, null);
            if (converted == null || !(converted.getPayload() instanceof byte[] || converted.getPayload() instanceof String)) {
                throw new MessageConversionException("the message converter " + this.messageConverter + " cannot turn a "
                        + payload.getClass().getName() + " into bytes (is Jackson on the class path?)");
            }
            bytes = converted.getPayload() instanceof byte[] raw ? raw
                    : ((String) converted.getPayload()).getBytes(this.charset);
            contentType = converted.getHeaders().get(MessageHeaders.CONTENT_TYPE);
        }
        Map<String, Object> headers = new java.util.HashMap<>();
        if (contentType != null) {
            headers.put(MessageHeaders.CONTENT_TYPE, contentType.toString());
        }
        org.springframework.messaging.Message<?> reply = this.requestReply.exchange(destination, bytes, headers, timeout);
        Object body = reply.getPayload();
        byte[] replyBytes = body instanceof byte[] raw ? raw : body.toString().getBytes(this.charset);
        if (replyType == byte[].class) {
            return replyType.cast(replyBytes);
        }
        if (replyType == String.class) {
            return replyType.cast(new String(replyBytes, this.charset));
        }
        Object replyContentType = reply.getHeaders().get(MessageHeaders.CONTENT_TYPE);
        MessageBuilder<byte[]> replyMessage = MessageBuilder.withPayload(replyBytes);
        if (replyContentType != null) {
            replyMessage.setHeader(MessageHeaders.CONTENT_TYPE, replyContentType.toString());
        }
        Object converted = this.messageConverter.fromMessage(replyMessage.build(), replyType);
        if (!replyType.isInstance(converted)) {
            throw new MessageConversionException("the message converter " + this.messageConverter + " cannot turn a "
                    + "reply of " + replyBytes.length + " bytes" + (replyContentType != null ? " (" + replyContentType
                    + ")" : "") + " from " + destination + " into a " + replyType.getName());
        }
        return replyType.cast(converted);
    }

    // ---------------------------------------------------------------- destinations

    /**
     * The descriptor the template uses for {@code destination} now: the registry's for a configured key or queue
     * name, else one it opened itself (to send when {@code forSending}, else to receive).
     */
    public PosixMq queue(String destination, boolean forSending) {
        return reference(destination, forSending).get();
    }

    private PosixMqQueueSupplier reference(String destination, boolean forSending) {
        Assert.hasText(destination, "destination must not be empty");
        Assert.state(!this.closed, "PosixMqTemplate is closed");
        Optional<String> key = this.queues.findKey(destination);
        if (key.isPresent()) {
            return this.queues.resolve(key.get());
        }
        String name = QueueNames.normalize(destination);
        synchronized (this.openedByName) {
            // under the lock that close() takes: no descriptor is opened after close()
            Assert.state(!this.closed, "PosixMqTemplate is closed");
            return PosixMqQueueSupplier.of(this.openedByName.computeIfAbsent((forSending ? "w:" : "r:") + name,
                    ignored -> openByName(name, forSending ? OpenOptions.writeOnly() : OpenOptions.readOnly())));
        }
    }

    private PosixMq openByName(String name, OpenOptions options) {
        if (this.sharedDestinations) {
            return options.existing().open(name);
        }
        return QueueTrust.openTrusted(name, options, this.destinationMode);
    }

    /**
     * Closes the queues this template opened by name (not the registry's) and removes the reply queues it created;
     * none is opened afterwards.
     */
    @Override
    public void close() {
        List<PosixMq> opened;
        synchronized (this.openedByName) {
            this.closed = true;
            opened = new ArrayList<>(this.openedByName.values());
            this.openedByName.clear();
        }
        try {
            this.requestReply.close();
        }
        finally {
            opened.forEach(PosixMq::close);
        }
    }

    @Override
    public String toString() {
        return "PosixMqTemplate[" + this.queues.keys() + "]";
    }
}
