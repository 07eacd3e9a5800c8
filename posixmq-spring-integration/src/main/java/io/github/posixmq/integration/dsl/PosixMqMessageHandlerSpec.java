package io.github.posixmq.integration.dsl;

import java.nio.charset.Charset;
import java.time.Duration;
import java.util.function.Function;

import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.outbound.PosixMqMessageHandler;

import org.springframework.integration.dsl.MessageHandlerSpec;
import org.springframework.integration.expression.FunctionExpression;
import org.springframework.messaging.Message;
import org.springframework.messaging.converter.MessageConverter;

/** Configures a {@link PosixMqMessageHandler} in the Java DSL; created by {@link PosixMqs#outboundChannelAdapter}. */
public final class PosixMqMessageHandlerSpec extends MessageHandlerSpec<PosixMqMessageHandlerSpec, PosixMqMessageHandler> {

    PosixMqMessageHandlerSpec(PosixMq queue) {
        this.target = new PosixMqMessageHandler(queue);
    }

    PosixMqMessageHandlerSpec(PosixMqQueueSupplier queue) {
        this.target = new PosixMqMessageHandler(queue);
    }

    /** The priority of messages without a {@code posixmq_priority} header or priority expression (default 0). */
    public PosixMqMessageHandlerSpec priority(int priority) {
        this.target.setPriority(priority);
        return this;
    }

    /** A SpEL expression evaluated against the message for its priority. */
    public PosixMqMessageHandlerSpec priorityExpression(String priorityExpression) {
        this.target.setPriorityExpressionString(priorityExpression);
        return this;
    }

    /** A function of the message giving its priority. */
    public PosixMqMessageHandlerSpec priorityFunction(Function<Message<?>, ?> priorityFunction) {
        this.target.setPriorityExpression(new FunctionExpression<>(priorityFunction));
        return this;
    }

    /** How long a send waits for room in a full queue (default 5 seconds). */
    public PosixMqMessageHandlerSpec sendTimeout(Duration sendTimeout) {
        this.target.setSendTimeout(sendTimeout);
        return this;
    }

    /** The charset of String payloads (default UTF-8). */
    public PosixMqMessageHandlerSpec charset(Charset charset) {
        this.target.setCharset(charset);
        return this;
    }

    /** The converter for payloads that are neither byte[] nor String. */
    public PosixMqMessageHandlerSpec messageConverter(MessageConverter messageConverter) {
        this.target.setMessageConverter(messageConverter);
        return this;
    }

    /** The listener told of every send (default: the listener beans of the context). */
    public PosixMqMessageHandlerSpec operationListener(PosixMqOperationListener listener) {
        this.target.setOperationListener(listener);
        return this;
    }
}
