package io.github.posixmq.integration.outbound;

import java.nio.charset.Charset;
import java.time.Duration;

import io.github.posixmq.PosixMq;
import io.github.posixmq.PosixMqException;
import io.github.posixmq.QueueWouldBlockException;
import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.CompositePosixMqOperationListener;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.observation.PosixMqObservation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.Expression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.integration.expression.ExpressionUtils;
import org.springframework.integration.handler.AbstractMessageHandler;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.util.Assert;

/**
 * Sends each message to a POSIX message queue, mapped by a {@link PosixMqOutboundMessageMapper}: the payload as is
 * ({@code byte[]}), encoded with the charset ({@code String}), or converted by the {@link #setMessageConverter message
 * converter} (anything else); the priority from the {@link PosixMqHeaders#PRIORITY} header, else the
 * {@link #setFallbackPriorityHeader fallback priority header}, else the priority
 * expression, else the default priority. A full queue is waited on up to the send timeout, then a
 * {@link MessageDeliveryException} names the queue. The queue descriptor is never closed here.
 *
 * <p>Built with a {@link PosixMqQueueSupplier}, the handler looks the queue up for each message, so it follows a
 * registry's recovery when the queue's name was removed and the queue recreated; a send that meets the replaced
 * descriptor is retried on the new one within the send timeout.
 */
public class PosixMqMessageHandler extends AbstractMessageHandler {

    private final PosixMqQueueSupplier queue;

    private final PosixMqOutboundMessageMapper mapper;

    private Duration sendTimeout = Duration.ofSeconds(5);

    private @Nullable PosixMqOperationListener listener;

    private boolean observationEnabled;

    private @Nullable ObservationRegistry observations;

    /** Creates a handler sending to {@code queue}, which must be open for sending and stays owned by the caller. */
    public PosixMqMessageHandler(PosixMq queue) {
        this(PosixMqQueueSupplier.of(checkCanSend(queue)));
    }

    /** Creates a handler sending to the queue {@code queue} supplies, looked up for each message. */
    public PosixMqMessageHandler(PosixMqQueueSupplier queue) {
        Assert.notNull(queue, "queue must not be null");
        this.queue = queue;
        this.mapper = new PosixMqOutboundMessageMapper(queue.queueName());
    }

    private static PosixMq checkCanSend(PosixMq queue) {
        Assert.notNull(queue, "queue must not be null");
        Assert.isTrue(queue.canSend(), () -> "queue " + queue.name() + " must be opened for sending");
        return queue;
    }

    /** The queue this handler sends to now. */
    public PosixMq getQueue() {
        return this.queue.get();
    }

    /** Sets the priority of messages without a priority header or expression (default 0). */
    public void setPriority(int priority) {
        this.mapper.setPriority(priority);
    }

    /**
     * Sets a header read for the priority when the message has no {@link PosixMqHeaders#PRIORITY} header, before the
     * priority expression (such as the standard {@code priority} header); null (the default): none.
     */
    public void setFallbackPriorityHeader(@Nullable String headerName) {
        this.mapper.setFallbackPriorityHeader(headerName);
    }

    /** Sets an expression evaluated against the message for its priority, used when it has no priority header. */
    public void setPriorityExpression(@Nullable Expression priorityExpression) {
        this.mapper.setPriorityExpression(priorityExpression);
    }

    /** Sets a SpEL expression evaluated against the message for its priority. */
    public void setPriorityExpressionString(String priorityExpression) {
        Assert.hasText(priorityExpression, "priorityExpression must not be empty");
        setPriorityExpression(new SpelExpressionParser().parseExpression(priorityExpression));
    }

    /** Sets how long a send waits for room in a full queue (zero: fail at once; default 5 seconds). */
    public void setSendTimeout(Duration sendTimeout) {
        Assert.notNull(sendTimeout, "sendTimeout must not be null");
        Assert.isTrue(!sendTimeout.isNegative(), "sendTimeout must not be negative");
        this.sendTimeout = sendTimeout;
    }

    /** Sets the charset of String payloads (default UTF-8). */
    public void setCharset(Charset charset) {
        this.mapper.setCharset(charset);
    }

    /** Sets the converter for payloads that are neither {@code byte[]} nor {@code String}; it must produce either. */
    public void setMessageConverter(@Nullable MessageConverter messageConverter) {
        this.mapper.setMessageConverter(messageConverter);
    }

    /** Writes the listed headers before the payload (header-mode embedded); null (the default): raw, only the bytes. */
    public void setEmbeddedHeaders(@Nullable PosixMqEmbeddedHeaders embeddedHeaders) {
        this.mapper.setEmbeddedHeaders(embeddedHeaders);
    }

    /**
     * Sets the listener told of every send. Default: the {@link PosixMqOperationListener} beans of the application
     * context, if any.
     */
    public void setOperationListener(PosixMqOperationListener listener) {
        Assert.notNull(listener, "listener must not be null");
        this.listener = listener;
    }

    /**
     * Sets whether each send is observed as {@code posixmq.sender} (Micrometer Observation, OpenTelemetry messaging
     * conventions) with the application context's {@link ObservationRegistry}, the trace context added to the
     * message's headers (embedded with {@code header-mode: embedded}); default false.
     */
    public void setObservationEnabled(boolean observationEnabled) {
        this.observationEnabled = observationEnabled;
    }

    @Override
    public String getComponentType() {
        return "posixmq:outbound-channel-adapter";
    }

    @Override
    protected void onInit() {
        super.onInit();
        this.mapper.setEvaluationContext(ExpressionUtils.createStandardEvaluationContext(getBeanFactory()));
        if (this.listener == null) {
            this.listener = CompositePosixMqOperationListener.ofBeans(getBeanFactory());
        }
        if (this.observationEnabled) {
            this.observations = PosixMqObservation.registry(getBeanFactory());
        }
    }

    @Override
    protected void handleMessageInternal(Message<?> message) {
        PosixMqObservation.observeSend(this.observations, this.queue.queueName(), (headers) -> {
            send(headers.isEmpty() ? message : MessageBuilder.fromMessage(message).copyHeaders(headers).build());
            return null;
        });
    }

    private void send(Message<?> message) {
        io.github.posixmq.Message mapped = this.mapper.fromMessage(message);
        PosixMqOperationListener listener = this.listener != null ? this.listener : PosixMqOperationListener.NOOP;
        try {
            listener.timedSend(this.queue.queueName(), () -> {
                try {
                    this.queue.sendOrThrow(mapped.bytes(), mapped.priority(), this.sendTimeout);
                }
                catch (QueueWouldBlockException ex) {
                    throw new MessageDeliveryException(message, String.valueOf(ex.getMessage()), ex);
                }
                return null;
            });
        }
        catch (PosixMqException ex) {
            throw new MessageDeliveryException(message, "cannot send to queue " + this.queue.queueName() + ": "
                    + ex.getMessage(), ex);
        }
    }

    @Override
    public String toString() {
        String name = getComponentName();
        return "PosixMqMessageHandler[" + (name != null ? name + ", " : "") + this.queue.queueName() + "]";
    }
}
