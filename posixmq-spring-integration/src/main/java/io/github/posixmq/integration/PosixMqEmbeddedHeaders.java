package io.github.posixmq.integration;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.integration.support.json.EmbeddedHeadersJsonMessageMapper;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.support.GenericMessage;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.Assert;

/**
 * Headers carried inside a queue message, in Spring Integration's embedded-headers format (written and read by its
 * {@link EmbeddedHeadersJsonMessageMapper}): a 4-byte big-endian length, a UTF-8 JSON object of the headers with
 * string values, a 4-byte big-endian length and the payload bytes. Only the {@link #getHeaderNames() listed headers}
 * cross, each as the string of its value. Bytes not in that format are a {@link MessageConversionException} whose
 * failed message holds them unchanged, so a raw message on an embedded-mode consumer takes the error path, never a
 * guess.
 */
public final class PosixMqEmbeddedHeaders {

    /** The W3C trace context header. */
    public static final String TRACEPARENT = "traceparent";

    /** The W3C trace context vendor header. */
    public static final String TRACESTATE = "tracestate";

    /**
     * The queue a reply goes to: set by a requester, read by the replier ({@code posixmq_replyTo}, a queue name such
     * as {@code /orders.replies}).
     */
    public static final String REPLY_TO = PosixMqHeaders.PREFIX + "replyTo";

    /** The headers carried unless set otherwise: content type, correlation id, reply queue and the trace context. */
    public static final List<String> DEFAULT_HEADER_NAMES = List.of(MessageHeaders.CONTENT_TYPE,
            IntegrationMessageHeaderAccessor.CORRELATION_ID, REPLY_TO, TRACEPARENT, TRACESTATE);

    private static final int LENGTH = Integer.BYTES;

    private final List<String> headerNames;

    private final JsonMapper jsonMapper = JsonMapper.builder().build();

    private final EmbeddedHeadersJsonMessageMapper mapper;

    /** Carries {@link #DEFAULT_HEADER_NAMES}. */
    public PosixMqEmbeddedHeaders() {
        this(DEFAULT_HEADER_NAMES);
    }

    /** Carries the headers named (exact names, compared case-sensitively). */
    public PosixMqEmbeddedHeaders(List<String> headerNames) {
        Assert.notNull(headerNames, "headerNames must not be null");
        Assert.noNullElements(headerNames, "headerNames must not contain null");
        this.headerNames = List.copyOf(headerNames);
        this.mapper = new EmbeddedHeadersJsonMessageMapper(this.jsonMapper, "*");
    }

    /** The names of the headers carried. */
    public List<String> getHeaderNames() {
        return this.headerNames;
    }

    /** The bytes to send: the listed headers of {@code headers} that are set, then {@code payload}. */
    public byte[] encode(byte[] payload, MessageHeaders headers) {
        Map<String, Object> carried = new LinkedHashMap<>();
        for (String name : this.headerNames) {
            Object value = headers.get(name);
            if (value != null) {
                carried.put(name, value.toString());
            }
        }
        return this.mapper.fromMessage(new GenericMessage<>(payload, new CarriedHeaders(carried)));
    }

    /**
     * The payload and headers in {@code bytes} received from {@code queueName}.
     *
     * @throws MessageConversionException when the bytes are not in the embedded-headers format; its failed message
     * holds the bytes unchanged
     */
    public Message<byte[]> decode(byte[] bytes, String queueName) {
        int headersLength = checkFormat(bytes, queueName);
        Map<String, Object> headers;
        byte[] payload;
        if (bytes.length == 2 * LENGTH + headersLength) {
            // an empty payload, which EmbeddedHeadersJsonMessageMapper does not recognise as its own format
            headers = readHeaders(bytes, headersLength, queueName);
            payload = new byte[0];
        }
        else {
            Message<?> message = this.mapper.toMessage(bytes, null);
            if (!(message.getPayload() instanceof byte[] decoded) || decoded == bytes) {
                throw notEmbedded(bytes, queueName, "its headers are not a JSON object");
            }
            headers = new LinkedHashMap<>(message.getHeaders());
            headers.remove(MessageHeaders.ID);
            headers.remove(MessageHeaders.TIMESTAMP);
            payload = decoded;
        }
        return MessageBuilder.withPayload(payload).copyHeaders(headers).build();
    }

    private static int checkFormat(byte[] bytes, String queueName) {
        if (bytes.length < 2 * LENGTH) {
            throw notEmbedded(bytes, queueName, "it is shorter than the two 4-byte lengths");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int headersLength = buffer.getInt();
        if (headersLength < 2 || headersLength > bytes.length - 2 * LENGTH) {
            throw notEmbedded(bytes, queueName, "its first 4 bytes (" + headersLength + ") are not the length of "
                    + "headers within its " + bytes.length + " bytes");
        }
        int payloadLength = buffer.getInt(LENGTH + headersLength);
        if (payloadLength != bytes.length - 2 * LENGTH - headersLength) {
            throw notEmbedded(bytes, queueName, "the payload length " + payloadLength + " after the headers does not "
                    + "match the " + (bytes.length - 2 * LENGTH - headersLength) + " bytes that follow");
        }
        if (bytes[LENGTH] != '{') {
            throw notEmbedded(bytes, queueName, "its headers are not a JSON object");
        }
        return headersLength;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> readHeaders(byte[] bytes, int headersLength, String queueName) {
        try {
            return this.jsonMapper.readValue(bytes, LENGTH, headersLength, Map.class);
        }
        catch (RuntimeException ex) {
            throw notEmbedded(bytes, queueName, "its headers are not a JSON object (" + ex.getMessage() + ")");
        }
    }

    private static MessageConversionException notEmbedded(byte[] bytes, String queueName, String why) {
        return new MessageConversionException(MessageBuilder.withPayload(bytes)
            .setHeader(PosixMqHeaders.QUEUE, queueName)
            .build(), "message of " + bytes.length + " bytes from queue " + queueName + " is not in the embedded "
                    + "headers format (header-mode embedded): " + why + "; was it sent by a raw-mode or non-Java "
                    + "producer? Its bytes are kept in the failed message");
    }

    /** Headers without the generated id and timestamp, so only the carried ones are written. */
    private static final class CarriedHeaders extends MessageHeaders {

        private static final long serialVersionUID = 1L;

        CarriedHeaders(Map<String, Object> headers) {
            super(headers, MessageHeaders.ID_VALUE_NONE, -1L);
        }
    }
}
