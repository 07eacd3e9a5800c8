package io.github.posixmq.integration.outbound;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.github.posixmq.PosixMq;
import io.github.posixmq.PosixMqException;
import io.github.posixmq.integration.CompositePosixMqOperationListener;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.integration.expression.ExpressionUtils;
import org.springframework.integration.handler.AbstractMessageHandler;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.MessageHandlingException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.util.Assert;

/**
 * Sends each message to a POSIX message queue. The payload is sent as is ({@code byte[]}), encoded with the charset
 * ({@code String}), or converted by the {@link #setMessageConverter message converter} (anything else). The
 * priority comes from the {@link PosixMqHeaders#PRIORITY} header, else the priority expression, else the default
 * priority. A full queue is waited on up to the send timeout, then a {@link MessageDeliveryException} names the
 * queue. The queue descriptor is never closed here.
 *
 * <p>Built with a {@link PosixMqQueueSupplier}, the handler looks the queue up for each message, so it follows a
 * registry's recovery when the queue's name was removed and the queue recreated; a send that meets the replaced
 * descriptor is retried on the new one within the send timeout.
 */
public class PosixMqMessageHandler extends AbstractMessageHandler {

    private final PosixMqQueueSupplier queue;

    private int priority;

    private @Nullable Expression priorityExpression;

    private Duration sendTimeout = Duration.ofSeconds(5);

    private Charset charset = StandardCharsets.UTF_8;

    private @Nullable MessageConverter messageConverter;

    private @Nullable PosixMqOperationListener listener;

    private @Nullable EvaluationContext evaluationContext;

    /** Creates a handler sending to {@code queue}, which must be open for sending and stays owned by the caller. */
    public PosixMqMessageHandler(PosixMq queue) {
        Assert.notNull(queue, "queue must not be null");
        Assert.isTrue(queue.canSend(), () -> "queue " + queue.name() + " must be opened for sending");
        this.queue = PosixMqQueueSupplier.of(queue);
    }

    /** Creates a handler sending to the queue {@code queue} supplies, looked up for each message. */
    public PosixMqMessageHandler(PosixMqQueueSupplier queue) {
        Assert.notNull(queue, "queue must not be null");
        this.queue = queue;
    }

    /** The queue this handler sends to now. */
    public PosixMq getQueue() {
        return this.queue.get();
    }

    /** Sets the priority of messages without a priority header or expression (default 0). */
    public void setPriority(int priority) {
        checkPriority(priority);
        this.priority = priority;
    }

    /** Sets an expression evaluated against the message for its priority, used when it has no priority header. */
    public void setPriorityExpression(@Nullable Expression priorityExpression) {
        this.priorityExpression = priorityExpression;
    }

    /** Sets a SpEL expression evaluated against the message for its priority. */
    public void setPriorityExpressionString(String priorityExpression) {
        Assert.hasText(priorityExpression, "priorityExpression must not be empty");
        this.priorityExpression = new SpelExpressionParser().parseExpression(priorityExpression);
    }

    /** Sets how long a send waits for room in a full queue (zero: fail at once; default 5 seconds). */
    public void setSendTimeout(Duration sendTimeout) {
        Assert.notNull(sendTimeout, "sendTimeout must not be null");
        Assert.isTrue(!sendTimeout.isNegative(), "sendTimeout must not be negative");
        this.sendTimeout = sendTimeout;
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

    /**
     * Sets the listener told of every send. Default: the {@link PosixMqOperationListener} beans of the application
     * context, if any.
     */
    public void setOperationListener(PosixMqOperationListener listener) {
        Assert.notNull(listener, "listener must not be null");
        this.listener = listener;
    }

    @Override
    public String getComponentType() {
        return "posixmq:outbound-channel-adapter";
    }

    @Override
    protected void onInit() {
        super.onInit();
        this.evaluationContext = ExpressionUtils.createStandardEvaluationContext(getBeanFactory());
        if (this.listener == null) {
            this.listener = CompositePosixMqOperationListener.ofBeans(getBeanFactory());
        }
    }

    @Override
    protected void handleMessageInternal(Message<?> message) {
        byte[] bytes = toBytes(message);
        int priority = priorityOf(message);
        PosixMqOperationListener listener = this.listener != null ? this.listener : PosixMqOperationListener.NOOP;
        long start = System.nanoTime();
        boolean sent;
        try {
            sent = this.queue.send(bytes, priority, this.sendTimeout);
        }
        catch (PosixMqException ex) {
            listener.onSend(this.queue.queueName(), System.nanoTime() - start, ex);
            throw new MessageDeliveryException(message, "cannot send to queue " + this.queue.queueName() + ": "
                    + ex.getMessage(), ex);
        }
        if (!sent) {
            MessageDeliveryException ex = new MessageDeliveryException(message, "queue " + this.queue.queueName()
                    + " stayed full (" + this.queue.get().capacity() + " messages) for the send timeout of "
                    + this.sendTimeout + "; is anything receiving from it?");
            listener.onSend(this.queue.queueName(), System.nanoTime() - start, ex);
            throw ex;
        }
        listener.onSend(this.queue.queueName(), System.nanoTime() - start, null);
    }

    private byte[] toBytes(Message<?> message) {
        Object payload = message.getPayload();
        if (payload instanceof byte[] bytes) {
            return bytes;
        }
        if (payload instanceof String text) {
            return text.getBytes(this.charset);
        }
        MessageConverter converter = this.messageConverter;
        if (converter != null) {
            Message<?> converted = converter.toMessage(payload, message.getHeaders());
            Object body = converted != null ? converted.getPayload() : null;
            if (body instanceof byte[] bytes) {
                return bytes;
            }
            if (body instanceof String text) {
                return text.getBytes(this.charset);
            }
        }
        throw new MessageHandlingException(message, "cannot send a " + payload.getClass().getName() + " payload to "
                + "queue " + this.queue.queueName() + ": only byte[] and String are sent as is; "
                + (converter == null ? "set a MessageConverter (such as JacksonJsonMessageConverter) on the adapter"
                        : "the message converter " + converter + " did not produce byte[] or String"));
    }

    private int priorityOf(Message<?> message) {
        Object header = message.getHeaders().get(PosixMqHeaders.PRIORITY);
        if (header != null) {
            return checkedPriority(message, header, "header " + PosixMqHeaders.PRIORITY);
        }
        Expression expression = this.priorityExpression;
        if (expression != null) {
            Object value = expression.getValue(this.evaluationContext != null ? this.evaluationContext
                    : ExpressionUtils.createStandardEvaluationContext(), message);
            if (value != null) {
                return checkedPriority(message, value, "priority expression " + expression.getExpressionString());
            }
        }
        return this.priority;
    }

    private int checkedPriority(Message<?> message, Object value, String source) {
        int result;
        if (value instanceof Number number) {
            result = number.intValue();
        }
        else {
            try {
                result = Integer.parseInt(value.toString().trim());
            }
            catch (NumberFormatException ex) {
                throw new MessageHandlingException(message, "the " + source + " gave '" + value
                        + "', not a priority (an integer 0 to " + (PosixMq.MQ_PRIO_MAX - 1) + ") for queue "
                        + this.queue.queueName(), ex);
            }
        }
        if (result < 0 || result >= PosixMq.MQ_PRIO_MAX) {
            throw new MessageHandlingException(message, "the " + source + " gave priority " + result
                    + ", outside 0 to " + (PosixMq.MQ_PRIO_MAX - 1) + " for queue " + this.queue.queueName());
        }
        return result;
    }

    private static void checkPriority(int priority) {
        Assert.isTrue(priority >= 0 && priority < PosixMq.MQ_PRIO_MAX,
                () -> "priority must be between 0 and " + (PosixMq.MQ_PRIO_MAX - 1) + ", got " + priority);
    }

    @Override
    public String toString() {
        String name = getComponentName();
        return "PosixMqMessageHandler[" + (name != null ? name + ", " : "") + this.queue.queueName() + "]";
    }
}
