package io.github.posixmq.boot;

import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import io.github.posixmq.integration.outbound.PosixMqMessageHandler;

import org.springframework.messaging.converter.MessageConverter;
import org.springframework.util.Assert;

/**
 * Builds the channel adapters configured under {@code posixmq.queues.<key>.inbound} and {@code .outbound} from the
 * resolved settings of {@link PosixMqQueues}. The bean definitions that {@link PosixMqIntegrationAutoConfiguration}
 * registers name this bean as their factory and the key as their one argument, which Spring AOT can turn into code.
 */
public final class PosixMqChannelAdapterFactory {

    private final PosixMqQueues queues;

    private final PosixMqOperationListener listener;

    private final MessageConverter messageConverter;

    /** A factory of adapters on {@code queues}, telling {@code listener} of every operation. */
    public PosixMqChannelAdapterFactory(PosixMqQueues queues, PosixMqOperationListener listener,
            MessageConverter messageConverter) {
        Assert.notNull(queues, "queues must not be null");
        Assert.notNull(listener, "listener must not be null");
        Assert.notNull(messageConverter, "messageConverter must not be null");
        this.queues = queues;
        this.listener = listener;
        this.messageConverter = messageConverter;
    }

    /** The inbound channel adapter of the queue configured under {@code key}, following the registry's recovery. */
    public PosixMqMessageProducer inboundAdapter(String key) {
        PosixMqQueueSettings.Inbound inbound = this.queues.info(key).inbound();
        PosixMqMessageProducer producer = new PosixMqMessageProducer(this.queues.resolve(key));
        producer.setOutputChannelName(inbound.channel());
        producer.setConcurrency(inbound.concurrency());
        producer.setCharset(inbound.charset());
        if (inbound.errorChannel() != null) {
            producer.setErrorChannelName(inbound.errorChannel());
        }
        if (inbound.deadLetterQueue() != null) {
            producer.setDeadLetterQueue(this.queues.resolve(inbound.deadLetterQueue()));
        }
        producer.setOperationListener(this.listener);
        return producer;
    }

    /** The outbound channel adapter's handler of the queue configured under {@code key}. */
    public PosixMqMessageHandler outboundHandler(String key) {
        PosixMqQueueSettings.Outbound outbound = this.queues.info(key).outbound();
        PosixMqMessageHandler handler = new PosixMqMessageHandler(this.queues.resolve(key));
        handler.setPriority(outbound.priority());
        if (outbound.priorityExpression() != null) {
            handler.setPriorityExpressionString(outbound.priorityExpression());
        }
        handler.setSendTimeout(outbound.sendTimeout());
        handler.setMessageConverter(this.messageConverter);
        handler.setOperationListener(this.listener);
        return handler;
    }
}
