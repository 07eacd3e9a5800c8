package io.github.posixmq.integration;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.json.JsonMapper;
import org.jspecify.annotations.Nullable;

import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.integration.history.MessageHistory;
import org.springframework.integration.support.json.EmbeddedHeadersJsonMessageMapper;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.support.GenericMessage;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.Assert;

/**
 * Headers carried inside a queue message, in Spring Integration's embedded-headers format (as its
 * {@link EmbeddedHeadersJsonMessageMapper} writes it): a 4-byte big-endian length, a UTF-8 JSON object of the headers,
 * a 4-byte big-endian length and the payload bytes.
 *
 * <p>The {@link #getHeaderNames() listed headers} are an allow-list in both directions: {@link #encode} writes only
 * them (each as the string of its value) and {@link #decode} keeps only them (a string, a number that fits a
 * {@code long} or a finite {@code double}, or a boolean), ignoring any other header a peer wrote. Spring Integration's
 * {@link #isControlHeader control headers} ({@code replyChannel}, {@code errorChannel}, {@code routingSlip},
 * {@code sequence*}, {@code priority}, {@code id}, {@code timestamp}, {@code history}, ...) can never be listed, and a
 * message that carries one is refused: a writer of the queue must not steer the flow. Bytes not in that format, or
 * with a header refused, are a {@link MessageConversionException} that says precisely why (escaped for a log line)
 * and whose failed message holds the bytes unchanged, so such a message takes the error path, never a guess.
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

    /** The headers carried unless set otherwise: {@link PosixMqHeaders#EMBEDDED_DEFAULTS}. */
    public static final List<String> DEFAULT_HEADER_NAMES = PosixMqHeaders.EMBEDDED_DEFAULTS;

    /** {@link PosixMqHeaders#CONTROL_HEADERS}: never listed, never taken from a queue. */
    public static final Set<String> CONTROL_HEADERS = PosixMqHeaders.CONTROL_HEADERS;

    private static final int LENGTH = Integer.BYTES;

    /** Digits of an integer value that may fit a long; longer ones are refused before they are parsed. */
    private static final int MAX_INTEGER_DIGITS = 19;

    private final List<String> headerNames;

    private final JsonMapper jsonMapper = JsonMapper.builder().build();

    private final EmbeddedHeadersJsonMessageMapper mapper;

    /** Carries {@link #DEFAULT_HEADER_NAMES}. */
    public PosixMqEmbeddedHeaders() {
        this(DEFAULT_HEADER_NAMES);
    }

    /**
     * Carries the headers named (exact names, compared case-sensitively).
     *
     * @throws IllegalArgumentException when a name is a {@linkplain #isControlHeader control header}
     */
    public PosixMqEmbeddedHeaders(List<String> headerNames) {
        Assert.notNull(headerNames, "headerNames must not be null");
        Assert.noNullElements(headerNames, "headerNames must not contain null");
        for (String name : headerNames) {
            Assert.isTrue(!isControlHeader(name), () -> controlHeaderRefusal(name));
        }
        this.headerNames = List.copyOf(headerNames);
        this.mapper = new EmbeddedHeadersJsonMessageMapper(this.jsonMapper, "*");
    }

    /** {@link PosixMqHeaders#isControlHeader}. */
    public static boolean isControlHeader(String name) {
        return PosixMqHeaders.isControlHeader(name);
    }

    /** {@link PosixMqHeaders#controlHeaderRefusal}. */
    public static String controlHeaderRefusal(String name) {
        return PosixMqHeaders.controlHeaderRefusal(name);
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
     * The payload and the listed headers in {@code bytes} received from {@code queueName}.
     *
     * @throws MessageConversionException when the bytes are not in the embedded-headers format or carry a control
     * header, a duplicate or a value that is no string, number or boolean; its message says which and why, and its
     * failed message holds the bytes unchanged
     */
    public Message<byte[]> decode(byte[] bytes, String queueName) {
        int headersLength = checkFormat(bytes, queueName);
        Map<String, Object> headers = readHeaders(bytes, headersLength, queueName);
        byte[] payload = new byte[bytes.length - 2 * LENGTH - headersLength];
        System.arraycopy(bytes, 2 * LENGTH + headersLength, payload, 0, payload.length);
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
            throw notEmbedded(bytes, queueName, "its headers are not a JSON object (they start with byte 0x"
                    + String.format("%02x", bytes[LENGTH] & 0xff) + ", not '{')");
        }
        return headersLength;
    }

    /** The listed headers of the JSON object at {@code bytes[4..4+length)}, read token by token. */
    private Map<String, Object> readHeaders(byte[] bytes, int headersLength, String queueName) {
        Map<String, Object> headers = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        try (JsonParser parser = this.jsonMapper.createParser(bytes, LENGTH, headersLength)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw notEmbedded(bytes, queueName, "its headers are not a JSON object");
            }
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!seen.add(name)) {
                    throw notEmbedded(bytes, queueName, "header '" + PosixMqLogText.escape(name) + "' appears twice");
                }
                if (MessageHeaders.ID.equals(name) || MessageHeaders.TIMESTAMP.equals(name)) {
                    throw notEmbedded(bytes, queueName, "header '" + name + "' is not allowed: Spring sets the id and "
                            + "timestamp of each message itself, they are never taken from a queue");
                }
                if (isControlHeader(name)) {
                    throw notEmbedded(bytes, queueName, "header " + controlHeaderRefusal(name));
                }
                if (!this.headerNames.contains(name)) {
                    parser.skipChildren();
                    continue;
                }
                Object read = readValue(parser, value, name, bytes, queueName);
                if (read != null) {
                    headers.put(name, read);
                }
            }
            if (parser.nextToken() != null) {
                throw notEmbedded(bytes, queueName, "bytes follow the JSON object of its headers within their length "
                        + headersLength);
            }
        }
        catch (StreamConstraintsException ex) {
            throw notEmbedded(bytes, queueName, "its headers exceed a JSON limit (" + jsonProblem(ex) + ")");
        }
        catch (JacksonException ex) {
            throw notEmbedded(bytes, queueName, "its headers are not valid JSON (" + jsonProblem(ex) + ")");
        }
        return headers;
    }

    private static @Nullable Object readValue(JsonParser parser, JsonToken value,
            String name, byte[] bytes, String queueName) {
        switch (value) {
            case VALUE_STRING:
                return parser.getString();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            case VALUE_NUMBER_INT: {
                String text = parser.getString();
                int digits = text.length() - (text.startsWith("-") ? 1 : 0);
                if (digits > MAX_INTEGER_DIGITS || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw notEmbedded(bytes, queueName, "header '" + PosixMqLogText.escape(name) + "' is a number too "
                            + "large (" + digits + " digits; a header number must fit a 64-bit long)");
                }
                return parser.getNumberType() == JsonParser.NumberType.INT ? (Object) parser.getIntValue()
                        : (Object) parser.getLongValue();
            }
            case VALUE_NUMBER_FLOAT: {
                if (parser.getStringLength() > 64) {
                    throw notEmbedded(bytes, queueName, "header '" + PosixMqLogText.escape(name) + "' is a number too "
                            + "long (" + parser.getStringLength() + " characters)");
                }
                double number = parser.getDoubleValue();
                if (!Double.isFinite(number)) {
                    throw notEmbedded(bytes, queueName, "header '" + PosixMqLogText.escape(name) + "' is a number too "
                            + "large for a double");
                }
                return number;
            }
            default:
                throw notEmbedded(bytes, queueName, "header '" + PosixMqLogText.escape(name) + "' is a JSON "
                        + (value == JsonToken.START_ARRAY ? "array" : "object") + "; an embedded header is a string, "
                        + "a number or a boolean");
        }
    }

    private static String jsonProblem(JacksonException ex) {
        String message = ex.getOriginalMessage();
        return PosixMqLogText.escape(message != null ? message.lines().findFirst().orElse("") : ex.toString(), 200);
    }

    private static MessageConversionException notEmbedded(byte[] bytes, String queueName, String why) {
        return new MessageConversionException(MessageBuilder.withPayload(bytes)
            .setHeader(PosixMqHeaders.QUEUE, queueName)
            .build(), "message of " + bytes.length + " bytes from queue " + PosixMqLogText.escape(queueName)
                    + " is not in the embedded headers format (header-mode embedded) or carries a header that is "
                    + "refused: " + why + ". Its bytes are kept in the failed message");
    }

    /** Headers without the generated id and timestamp, so only the carried ones are written. */
    private static final class CarriedHeaders extends MessageHeaders {

        private static final long serialVersionUID = 1L;

        CarriedHeaders(Map<String, Object> headers) {
            super(headers, MessageHeaders.ID_VALUE_NONE, -1L);
        }
    }
}
