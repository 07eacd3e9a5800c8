package io.github.posixmq.integration.outbound;

import java.math.BigDecimal;
import java.math.BigInteger;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.PosixMqLogText;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.integration.expression.ExpressionUtils;
import org.springframework.integration.mapping.OutboundMessageMapper;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.Assert;

/**
 * Maps a Spring message to the bytes and priority of a POSIX message queue message. The payload is taken as is
 * ({@code byte[]}), encoded with the charset ({@code String}), or converted by the message converter (anything else,
 * which must give {@code byte[]} or {@code String}). The priority comes from the {@link PosixMqHeaders#PRIORITY}
 * header, else the {@link #setFallbackPriorityHeader fallback priority header}, else the priority expression, else the
 * default priority; a value that is no priority is a
 * {@link org.springframework.messaging.MessageDeliveryException} naming its source and the queue.
 */
public final class PosixMqOutboundMessageMapper implements OutboundMessageMapper<io.github.posixmq.Message> {

    /** Characters of a priority's text looked at; a longer text is no priority. */
    private static final int MAX_PRIORITY_TEXT = 64;

    private final String queueName;

    private int priority;

    private @Nullable String fallbackPriorityHeader;

    private @Nullable Expression priorityExpression;

    private @Nullable EvaluationContext evaluationContext;

    private Charset charset = StandardCharsets.UTF_8;

    private @Nullable MessageConverter messageConverter;

    private @Nullable PosixMqEmbeddedHeaders embeddedHeaders;

    /** A mapper for messages to the queue named {@code queueName} (used in error messages). */
    public PosixMqOutboundMessageMapper(String queueName) {
        Assert.hasText(queueName, "queueName must not be empty");
        this.queueName = queueName;
    }

    /** Sets the priority of messages without a priority header or expression value (default 0). */
    public void setPriority(int priority) {
        Assert.isTrue(priority >= 0 && priority < PosixMq.MQ_PRIO_MAX,
                () -> "priority must be between 0 and " + (PosixMq.MQ_PRIO_MAX - 1) + ", got " + priority);
        this.priority = priority;
    }

    /**
     * Sets a header read for the priority when the message has no {@link PosixMqHeaders#PRIORITY} header, before the
     * expression, such as the standard {@code priority} header; null (the default): none. A plain map look-up, where
     * an expression such as {@code headers['priority']} is evaluated for every message.
     */
    public void setFallbackPriorityHeader(@Nullable String headerName) {
        Assert.isTrue(headerName == null || !headerName.isEmpty(), "headerName must not be empty");
        this.fallbackPriorityHeader = headerName;
    }

    /** Sets an expression evaluated against the message for its priority, used when it has no priority header. */
    public void setPriorityExpression(@Nullable Expression priorityExpression) {
        this.priorityExpression = priorityExpression;
    }

    /** Sets the context the priority expression is evaluated in (default: a standard one without bean references). */
    public void setEvaluationContext(@Nullable EvaluationContext evaluationContext) {
        this.evaluationContext = evaluationContext;
    }

    /** Sets the charset of String payloads (default UTF-8). */
    public void setCharset(Charset charset) {
        Assert.notNull(charset, "charset must not be null");
        this.charset = charset;
    }

    /** Sets the converter for payloads that are neither {@code byte[]} nor {@code String}; it must produce either. */
    public void setMessageConverter(@Nullable MessageConverter messageConverter) {
        this.messageConverter = messageConverter;
    }

    /** Writes the listed headers before the payload (header-mode embedded); null (the default): only the bytes. */
    public void setEmbeddedHeaders(@Nullable PosixMqEmbeddedHeaders embeddedHeaders) {
        this.embeddedHeaders = embeddedHeaders;
    }

    /** The bytes and priority to send for {@code message}: its headers first in header-mode embedded. */
    @Override
    public io.github.posixmq.Message fromMessage(Message<?> message) {
        Message<byte[]> encoded = encoded(message);
        PosixMqEmbeddedHeaders embedded = this.embeddedHeaders;
        // header-mode embedded: the headers of the converted message, so the contentType the converter chose travels
        return new io.github.posixmq.Message(priorityOf(message), embedded != null
                ? embedded.encode(encoded.getPayload(), encoded.getHeaders()) : encoded.getPayload());
    }

    /**
     * The bytes to send for the payload of {@code message}.
     *
     * @throws MessageConversionException when the payload is not bytes or text and the converter does not make it so
     */
    public byte[] toBytes(Message<?> message) {
        return encoded(message).getPayload();
    }

    /** {@code message} with its payload as the bytes to send, and the converter's headers when it converted. */
    @SuppressWarnings("unchecked")
    private Message<byte[]> encoded(Message<?> message) {
        Object payload = message.getPayload();
        if (payload instanceof byte[]) {
            return (Message<byte[]>) message;
        }
        if (payload instanceof String text) {
            return MessageBuilder.createMessage(text.getBytes(this.charset), message.getHeaders());
        }
        MessageConverter converter = this.messageConverter;
        if (converter != null) {
            Message<?> converted = converter.toMessage(payload, message.getHeaders());
            Object body = converted != null ? converted.getPayload() : null;
            if (body instanceof byte[] bytes) {
                return MessageBuilder.createMessage(bytes, converted.getHeaders());
            }
            if (body instanceof String text) {
                return MessageBuilder.createMessage(text.getBytes(this.charset), converted.getHeaders());
            }
        }
        throw new MessageConversionException(message, "cannot send a " + payload.getClass().getName() + " payload to "
                + "queue " + this.queueName + ": only byte[] and String are sent as is; "
                + (converter == null ? "set a MessageConverter (such as JacksonJsonMessageConverter) on the adapter"
                        : "the message converter " + converter + " did not produce byte[] or String"));
    }

    private int priorityOf(Message<?> message) {
        Object header = message.getHeaders().get(PosixMqHeaders.PRIORITY);
        if (header != null) {
            return checkedPriority(message, header, "header " + PosixMqHeaders.PRIORITY);
        }
        String fallback = this.fallbackPriorityHeader;
        if (fallback != null) {
            Object value = message.getHeaders().get(fallback);
            if (value != null) {
                return checkedPriority(message, value, "header " + fallback);
            }
        }
        Expression expression = this.priorityExpression;
        if (expression != null) {
            EvaluationContext context = this.evaluationContext;
            Object value = expression.getValue(context != null ? context
                    : ExpressionUtils.createStandardEvaluationContext(), message);
            if (value != null) {
                return checkedPriority(message, value, "priority expression " + expression.getExpressionString());
            }
        }
        return this.priority;
    }

    /**
     * The exact priority {@code value} gives: a whole number 0 to {@code MQ_PRIO_MAX - 1} (a Number of any type, or
     * its text). Never narrowed or rounded: {@code 4294967301L} or {@code 3.9} fail.
     */
    private int checkedPriority(Message<?> message, Object value, String source) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte || value instanceof Long) {
            long number = ((Number) value).longValue();
            if (number < 0 || number >= PosixMq.MQ_PRIO_MAX) {
                throw outOfRange(message, source, String.valueOf(number));
            }
            return (int) number;
        }
        BigInteger integral = null;
        if (value instanceof Number || value instanceof CharSequence) {
            // range-checked before any big-number arithmetic: "1e300000000" must fail at once, not after seconds
            String text = value.toString().trim();
            if (text.length() <= MAX_PRIORITY_TEXT) {
                try {
                    integral = exactInteger(new BigDecimal(text));
                }
                catch (NumberFormatException ex) {
                    integral = null;
                }
                catch (OutOfRange ex) {
                    throw outOfRange(message, source, PosixMqLogText.escape(text, 40));
                }
            }
        }
        if (integral == null) {
            throw new MessageDeliveryException(message, "the " + source + " gave '"
                    + PosixMqLogText.escape(value, 40) + "' (" + value.getClass().getSimpleName() + "), not a "
                    + "priority (an integer 0 to " + (PosixMq.MQ_PRIO_MAX - 1) + ") for queue "
                    + PosixMqLogText.escape(this.queueName));
        }
        if (integral.signum() < 0 || integral.compareTo(BigInteger.valueOf(PosixMq.MQ_PRIO_MAX)) >= 0) {
            throw outOfRange(message, source, integral.toString());
        }
        return integral.intValueExact();
    }

    /**
     * The whole number {@code exact} is, or null for a fraction; {@link OutOfRange} when it has more integer digits
     * than any priority, found from precision and scale alone (no division, no power of ten is computed).
     */
    private static @Nullable BigInteger exactInteger(BigDecimal exact) {
        if (exact.signum() == 0) {
            return BigInteger.ZERO;
        }
        BigDecimal stripped = exact.stripTrailingZeros();
        if (stripped.scale() > 0) {
            return null;
        }
        long integerDigits = (long) stripped.precision() - stripped.scale();
        if (integerDigits > 6) {
            throw new OutOfRange();
        }
        return stripped.toBigIntegerExact();
    }

    private MessageDeliveryException outOfRange(Message<?> message, String source, String value) {
        return new MessageDeliveryException(message, "the " + source + " gave priority " + value + ", outside 0 to "
                + (PosixMq.MQ_PRIO_MAX - 1) + " for queue " + PosixMqLogText.escape(this.queueName));
    }

    /** A number with more integer digits than any priority. */
    private static final class OutOfRange extends RuntimeException {

        private static final long serialVersionUID = 1L;

        OutOfRange() {
            super(null, null, false, false);
        }
    }
}
