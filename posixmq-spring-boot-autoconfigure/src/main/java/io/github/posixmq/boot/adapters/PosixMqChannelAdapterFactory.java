package io.github.posixmq.boot.adapters;

import java.util.List;
import java.util.function.Predicate;

import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.runtime.PosixMqQueueSettings;
import io.github.posixmq.integration.runtime.PosixMqConfigurationException;
import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.dsl.PosixMqs;
import io.github.posixmq.integration.inbound.PosixMqInboundGateway;
import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import io.github.posixmq.integration.outbound.PosixMqMessageHandler;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.util.Assert;

/**
 * Builds the channel adapters configured under {@code posixmq.queues.<key>.inbound} and {@code .outbound} from the
 * resolved settings of {@link PosixMqQueues}. The bean definitions that {@link PosixMqChannelAdapterRegistrar}
 * registers name this bean as their factory and the key as their one argument, which Spring AOT can turn into code.
 */
public final class PosixMqChannelAdapterFactory implements BeanFactoryAware {

    /** The name of the factory's bean, which the adapters' definitions refer to. */
    public static final String BEAN_NAME = "posixMqChannelAdapterFactory";


    private final PosixMqQueues queues;

    private final PosixMqOperationListener listener;

    private final MessageConverter messageConverter;

    private @Nullable BeanFactory beanFactory;

    private boolean dedicatedThreads;
    private Predicate<String> observed = (key) -> false;

    private List<PosixMqChannelAdapterCustomizer> customizers = List.of();

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

    /** Makes the inbound adapters receive on threads of their own ({@code posixmq.dispatch.dedicated-threads}). */
    public void setDedicatedThreads(boolean dedicatedThreads) {
        this.dedicatedThreads = dedicatedThreads;
    }

    /** Sets which keys' adapters observe their operations (Micrometer Observation); none unless set. */
    public void setObservationEnabled(Predicate<String> keys) {
        Assert.notNull(keys, "keys must not be null");
        this.observed = keys;
    }

    /** Sets the customizers applied, in this order, to every adapter made. */
    public void setCustomizers(List<PosixMqChannelAdapterCustomizer> customizers) {
        Assert.notNull(customizers, "customizers must not be null");
        this.customizers = List.copyOf(customizers);
    }

    /** The bean factory in which the configured channel names are checked. */
    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    /**
     * The inbound channel adapter of the queue configured under {@code key}, following the registry's recovery.
     *
     * @throws PosixMqConfigurationException when the channel (or error channel) names a bean that is not a channel
     */
    public PosixMqMessageProducer inboundAdapter(String key) {
        PosixMqQueueSettings.Inbound inbound = this.queues.info(key).inbound();
        String prefix = this.queues.prefix(key) + ".inbound";
        checkChannel(prefix + ".channel", inbound.channel());
        if (inbound.errorChannel() != null) {
            checkChannel(prefix + ".error-channel", inbound.errorChannel());
        }
        PosixMqMessageProducer producer = new PosixMqMessageProducer(this.queues.resolve(key));
        producer.setOutputChannelName(inbound.channel());
        producer.setConcurrency(inbound.concurrency());
        producer.setCharset(inbound.charset());
        producer.setContentType(inbound.contentType());
        if (inbound.embeddedHeaders() != null) {
            producer.setEmbeddedHeaders(new PosixMqEmbeddedHeaders(inbound.embeddedHeaders()));
        }
        if (inbound.errorChannel() != null) {
            producer.setErrorChannelName(inbound.errorChannel());
        }
        if (inbound.deadLetterQueue() != null) {
            producer.setDeadLetterQueue(this.queues.resolve(inbound.deadLetterQueue()));
        }
        PosixMqQueueSettings.Retry retry = inbound.retry();
        producer.setRetry(retry.attempts(), retry.initialInterval(), retry.multiplier(), retry.maxInterval());
        producer.setDeadLetterSendTimeout(inbound.deadLetterSendTimeout());
        producer.setLoggedBytes(inbound.loggedBytes());
        producer.setOperationListener(this.listener);
        producer.setDedicatedThreads(this.dedicatedThreads);
        producer.setJournalDirectory(inbound.journalDirectory());
        producer.setObservationEnabled(this.observed.test(key));
        this.customizers.forEach((customizer) -> customizer.customizeInbound(key, producer));
        return producer;
    }

    /**
     * The inbound gateway of the queue configured under {@code key} ({@code inbound.gateway: true}): requests go to
     * the inbound channel, the handler's return value (converted with the message converter, its contentType embedded)
     * to the requester's reply queue. Receives with the inbound settings (concurrency, retries, dead-letter queue).
     *
     * @throws PosixMqConfigurationException when the channel names a bean that is not a channel, or the queue is not
     *         in header-mode embedded
     */
    public PosixMqInboundGateway inboundGateway(String key) {
        PosixMqQueueSettings.Inbound inbound = this.queues.info(key).inbound();
        String prefix = this.queues.prefix(key);
        checkChannel(prefix + ".inbound.channel", inbound.channel());
        if (inbound.embeddedHeaders() == null) {
            throw new PosixMqConfigurationException(prefix + ".inbound.gateway", true, "a gateway answers through the "
                    + "requester's reply queue named in an embedded header, and queue " + this.queues.queueName(key)
                    + " is in header-mode raw", "Set " + prefix + ".header-mode=embedded (on the requester too).",
                    null);
        }
        // the same gateway as PosixMqs.inboundGateway (retries, dead-letter queue, allowed reply names, reply send
        // timeout, the application's queues refused as reply destinations), wired to the configured channels
        PosixMqInboundGateway gateway = PosixMqs.inboundGateway(this.queues, key);
        gateway.setRequestChannelName(inbound.channel());
        gateway.setMessageConverter(this.messageConverter);
        if (inbound.errorChannel() != null) {
            checkChannel(prefix + ".inbound.error-channel", inbound.errorChannel());
            gateway.setErrorChannelName(inbound.errorChannel());
        }
        PosixMqMessageProducer receiver = gateway.getReceiver();
        receiver.setContentType(inbound.contentType());
        receiver.setOperationListener(this.listener);
        gateway.setObservationEnabled(this.observed.test(key));
        return gateway;
    }

    /**
     * The outbound channel adapter's handler of the queue configured under {@code key}.
     *
     * @throws PosixMqConfigurationException when the channel names a bean that is not a channel
     */
    public PosixMqMessageHandler outboundHandler(String key) {
        PosixMqQueueSettings.Outbound outbound = this.queues.info(key).outbound();
        checkChannel(this.queues.prefix(key) + ".outbound.channel", outbound.channel());
        PosixMqMessageHandler handler = new PosixMqMessageHandler(this.queues.resolve(key));
        handler.setPriority(outbound.priority());
        if (outbound.priorityExpression() != null) {
            handler.setPriorityExpressionString(outbound.priorityExpression());
        }
        handler.setSendTimeout(outbound.sendTimeout());
        handler.setMessageConverter(this.messageConverter);
        if (outbound.embeddedHeaders() != null) {
            handler.setEmbeddedHeaders(new PosixMqEmbeddedHeaders(outbound.embeddedHeaders()));
        }
        handler.setOperationListener(this.listener);
        handler.setObservationEnabled(this.observed.test(key));
        this.customizers.forEach((customizer) -> customizer.customizeOutbound(key, handler));
        return handler;
    }

    /** A configured channel name that a bean other than a channel has fails start-up, before a message is lost. */
    private void checkChannel(String property, String channel) {
        BeanFactory beans = this.beanFactory;
        if (beans == null || !beans.containsBean(channel) || beans.isTypeMatch(channel, MessageChannel.class)) {
            return;
        }
        Class<?> type = beans.getType(channel);
        throw new PosixMqConfigurationException(property, channel, "bean '" + channel + "' is "
                + (type != null ? "a " + type.getName() : "not a MessageChannel") + ", not a message channel",
                "Set " + property + " to the name of a MessageChannel bean, or to a name no bean has (a DirectChannel "
                        + "of that name is then created).", null);
    }
}
