package io.github.posixmq.integration.inbound;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.PosixMqLogText;
import org.jspecify.annotations.Nullable;

import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.integration.mapping.InboundMessageMapper;
import org.springframework.integration.support.AbstractIntegrationMessageBuilder;
import org.springframework.integration.support.DefaultMessageBuilderFactory;
import org.springframework.integration.support.MessageBuilderFactory;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.support.GenericMessage;
import org.springframework.util.Assert;

/**
 * Maps a message received from a POSIX message queue to a Spring message: the payload is the bytes, or a
 * {@code String} decoded with the {@link #setCharset charset}; the headers {@link PosixMqHeaders#PRIORITY} and
 * {@link PosixMqHeaders#QUEUE} say where it came from. Bytes that are not valid in the charset are a
 * {@link MessageConversionException} whose failed message holds the bytes, never replaced characters.
 */
public final class PosixMqInboundMessageMapper implements InboundMessageMapper<io.github.posixmq.Message> {

    private final String queueName;

    private @Nullable Charset charset;

    private MessageBuilderFactory messageBuilderFactory = new DefaultMessageBuilderFactory();

    /**
     * Whether the factory is the plain one with none of our headers read-only: a message without extra headers is then
     * built as a {@link GenericMessage} directly, the same message without the builder's two header-map copies.
     */
    private boolean plainFactory = true;

    private @Nullable String contentType;

    private @Nullable PosixMqEmbeddedHeaders embeddedHeaders;

    private boolean standardPriorityHeader;

    /** A mapper for messages received from the queue named {@code queueName}, such as {@code /orders}. */
    public PosixMqInboundMessageMapper(String queueName) {
        Assert.hasText(queueName, "queueName must not be empty");
        this.queueName = queueName;
    }

    /** Makes payloads {@code String}s decoded with {@code charset} (null: {@code byte[]} payloads, the default). */
    public void setCharset(@Nullable Charset charset) {
        this.charset = charset;
    }

    /** The charset of String payloads, or null for byte[] payloads. */
    public @Nullable Charset getCharset() {
        return this.charset;
    }

    /**
     * Sets the {@code contentType} header of the messages built, such as {@code application/json} (null: none). It
     * wins over a content type a peer wrote in the embedded headers: the consumer decides how its bytes are read.
     */
    public void setContentType(@Nullable String contentType) {
        this.contentType = contentType;
    }

    /**
     * Reads the headers embedded before the payload (header-mode embedded): bytes not in that format are a
     * {@link MessageConversionException} holding them. Null (the default): the bytes are the payload.
     */
    public void setEmbeddedHeaders(@Nullable PosixMqEmbeddedHeaders embeddedHeaders) {
        this.embeddedHeaders = embeddedHeaders;
    }

    /**
     * Sets whether the messages built also carry the priority in Spring Integration's standard {@code priority} header
     * (which the RabbitMQ binder maps to the AMQP priority), set when the message is built (default false).
     */
    public void setStandardPriorityHeader(boolean standardPriorityHeader) {
        this.standardPriorityHeader = standardPriorityHeader;
    }

    /** Sets the factory of the messages built (default: the plain one). */
    public void setMessageBuilderFactory(MessageBuilderFactory messageBuilderFactory) {
        Assert.notNull(messageBuilderFactory, "messageBuilderFactory must not be null");
        this.messageBuilderFactory = messageBuilderFactory;
        this.plainFactory = isPlain(messageBuilderFactory);
    }

    /**
     * The Spring message for {@code received}, with {@code headers} (if any) besides the priority and queue.
     *
     * @throws MessageConversionException when the bytes are not valid in the charset
     */
    @Override
    public Message<?> toMessage(io.github.posixmq.Message received, @Nullable Map<String, Object> headers) {
        byte[] bytes = received.bytes();
        Map<String, Object> all = headers != null ? headers : Map.of();
        PosixMqEmbeddedHeaders embedded = this.embeddedHeaders;
        if (embedded != null) {
            Message<byte[]> decoded;
            try {
                decoded = embedded.decode(bytes, this.queueName);
            }
            catch (MessageConversionException ex) {
                throw new MessageConversionException(build(bytes, received.priority(), all), ex.getMessage(), ex);
            }
            bytes = decoded.getPayload();
            Map<String, Object> merged = new LinkedHashMap<>(all);
            decoded.getHeaders().forEach((name, value) -> {
                // only the listed headers come out of decode; id and timestamp are the decoded message's own
                if (!MessageHeaders.ID.equals(name) && !MessageHeaders.TIMESTAMP.equals(name)) {
                    merged.putIfAbsent(name, value);
                }
            });
            all = merged;
        }
        Charset charset = this.charset;
        if (charset == null) {
            return build(bytes, received.priority(), all, this.standardPriorityHeader);
        }
        try {
            String text = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
            return build(text, received.priority(), all, this.standardPriorityHeader);
        }
        catch (CharacterCodingException ex) {
            Message<byte[]> raw = build(received.bytes(), received.priority(), headers);
            throw new MessageConversionException(raw, "message of " + received.bytes().length + " bytes (priority "
                    + received.priority() + ") from queue " + PosixMqLogText.escape(this.queueName) + " is not valid "
                    + charset.name() + " (" + ex + "); it was not sent to the output channel", ex);
        }
    }

    private <T> Message<T> build(T payload, int priority, @Nullable Map<String, Object> headers) {
        return build(payload, priority, headers, false);
    }

    /** The message; with {@code standardPriority}, the priority in the standard header too (in the same build). */
    private <T> Message<T> build(T payload, int priority, @Nullable Map<String, Object> headers,
            boolean standardPriority) {
        // our headers, in one map; the content type configured, else the peer's (already among its headers)
        Map<String, Object> ours = new HashMap<>(8);
        ours.put(PosixMqHeaders.PRIORITY, priority);
        ours.put(PosixMqHeaders.QUEUE, this.queueName);
        Object contentType = this.contentType != null ? this.contentType
                : (headers != null ? headers.get(MessageHeaders.CONTENT_TYPE) : null);
        if (contentType != null) {
            ours.put(MessageHeaders.CONTENT_TYPE, contentType);
        }
        if (standardPriority) {
            ours.put(IntegrationMessageHeaderAccessor.PRIORITY, priority);
        }
        if (this.plainFactory && (headers == null || headers.isEmpty())) {
            // what the plain builder makes of these headers, without its two copies of the map
            return new GenericMessage<>(payload, ours);
        }
        AbstractIntegrationMessageBuilder<T> builder = this.messageBuilderFactory.withPayload(payload)
            .copyHeadersIfAbsent(headers != null ? headers : Map.of());
        // one setHeader each (not copyHeaders, which skips read-only headers silently): a read-only one fails
        ours.forEach(builder::setHeader);
        return builder.build();
    }

    /** Whether {@code factory} is the plain {@link DefaultMessageBuilderFactory} and sets every header we set. */
    private static boolean isPlain(MessageBuilderFactory factory) {
        if (factory.getClass() != DefaultMessageBuilderFactory.class) {
            return false;
        }
        // its read-only headers (spring.integration.readOnly.headers) are not readable: a probe tells
        try {
            MessageHeaders probe = factory.withPayload(new byte[0])
                .setHeader(PosixMqHeaders.PRIORITY, 0)
                .setHeader(PosixMqHeaders.QUEUE, "/probe")
                .setHeader(MessageHeaders.CONTENT_TYPE, "application/octet-stream")
                .setHeader(IntegrationMessageHeaderAccessor.PRIORITY, 0)
                .build()
                .getHeaders();
            return probe.containsKey(PosixMqHeaders.PRIORITY) && probe.containsKey(PosixMqHeaders.QUEUE)
                    && probe.containsKey(MessageHeaders.CONTENT_TYPE)
                    && probe.containsKey(IntegrationMessageHeaderAccessor.PRIORITY);
        }
        catch (IllegalArgumentException ex) {
            // one of ours is read-only: the builder is used, and fails as it did before
            return false;
        }
    }
}
