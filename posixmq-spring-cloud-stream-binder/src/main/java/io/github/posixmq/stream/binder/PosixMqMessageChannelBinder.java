package io.github.posixmq.stream.binder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.posixmq.integration.CompositePosixMqOperationListener;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.PosixMqLogText;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.dispatch.PosixMqDispatcher;
import io.github.posixmq.integration.outbound.PosixMqMessageHandler;
import io.github.posixmq.stream.binder.properties.PosixMqConsumerProperties;
import io.github.posixmq.stream.binder.properties.PosixMqExtendedBindingProperties;
import io.github.posixmq.stream.binder.properties.PosixMqProducerProperties;
import io.github.posixmq.stream.binder.provisioning.PosixMqConsumerDestination;
import io.github.posixmq.stream.binder.provisioning.PosixMqProducerDestination;
import io.github.posixmq.stream.binder.provisioning.PosixMqProvisioner;
import io.github.posixmq.stream.binder.provisioning.ProvisionedQueue;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.stream.binder.AbstractMessageChannelBinder;
import org.springframework.cloud.stream.binder.BinderSpecificPropertiesProvider;
import org.springframework.cloud.stream.binder.ExtendedConsumerProperties;
import org.springframework.cloud.stream.binder.ExtendedProducerProperties;
import org.springframework.cloud.stream.binder.ExtendedPropertiesBinder;
import org.springframework.cloud.stream.provisioning.ConsumerDestination;
import org.springframework.cloud.stream.provisioning.ProducerDestination;
import org.springframework.cloud.stream.provisioning.ProvisioningException;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.integration.core.MessageProducer;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * The Spring Cloud Stream binder {@code posixmq}: destinations are POSIX message queues. A consumer binding is the
 * inbound channel adapter on its queue ({@code concurrency} receiving threads, Spring Cloud Stream's retry, then the
 * dead-letter queue and the binding's error channel); a producer binding is the outbound channel adapter on the
 * destination's queue (and on the queues of its required groups and partitions). The {@code posixmq_priority} header
 * is the message priority both ways (the standard {@code priority} header too, so a bridge to or from RabbitMQ keeps it
 * as the AMQP priority). Only the payload and the priority cross a queue: the consumer's
 * {@code content-type} (default {@code application/json}) says how to read the bytes.
 */
public final class PosixMqMessageChannelBinder extends
        AbstractMessageChannelBinder<ExtendedConsumerProperties<PosixMqConsumerProperties>,
                ExtendedProducerProperties<PosixMqProducerProperties>, PosixMqProvisioner>
        implements ExtendedPropertiesBinder<MessageChannel, PosixMqConsumerProperties, PosixMqProducerProperties>,
        DisposableBean {

    /** Stands in for Spring Cloud Stream's bridge to the global errorChannel, which the binder does not want. */
    private static final MessageHandler NO_BRIDGE = (message) -> {
    };

    private final PosixMqExtendedBindingProperties extendedProperties;

    private final PosixMqProvisioner provisioner;

    /**
     * The operation listener beans and the dispatcher bean, looked up once for every consumer: each adapter looking
     * them up itself walks every bean of the application, which grows with the bindings (quadratic start-up garbage).
     */
    private @Nullable ConsumerBeans consumerBeans;

    /** Creates the binder on {@code provisioner}, with the bindings' posixmq settings. */
    public PosixMqMessageChannelBinder(PosixMqProvisioner provisioner,
            PosixMqExtendedBindingProperties extendedProperties) {
        super(new String[0], provisioner);
        this.provisioner = provisioner;
        this.extendedProperties = extendedProperties;
    }

    @Override
    public PosixMqConsumerProperties getExtendedConsumerProperties(String channelName) {
        return this.extendedProperties.getExtendedConsumerProperties(channelName);
    }

    @Override
    public PosixMqProducerProperties getExtendedProducerProperties(String channelName) {
        return this.extendedProperties.getExtendedProducerProperties(channelName);
    }

    @Override
    public String getDefaultsPrefix() {
        return this.extendedProperties.getDefaultsPrefix();
    }

    @Override
    public Class<? extends BinderSpecificPropertiesProvider> getExtendedPropertiesEntryClass() {
        return this.extendedProperties.getExtendedPropertiesEntryClass();
    }

    @Override
    protected MessageHandler createProducerMessageHandler(ProducerDestination destination,
            ExtendedProducerProperties<PosixMqProducerProperties> properties, @Nullable MessageChannel errorChannel) {
        PosixMqProducerDestination queues = (PosixMqProducerDestination) destination;
        PosixMqProducerProperties settings = properties.getExtension();
        List<List<PosixMqMessageHandler>> handlers = new ArrayList<>();
        for (List<ProvisionedQueue> target : queues.targets()) {
            List<PosixMqMessageHandler> byPartition = new ArrayList<>();
            for (ProvisionedQueue queue : target) {
                PosixMqMessageHandler handler = new PosixMqMessageHandler(queue.queues().resolve(queue.key()));
                handler.setPriority(settings.getPriority());
                // without posixmq_priority, the standard priority header (the AMQP priority from a RabbitMQ binding):
                // a map look-up (the SpEL headers['priority'] was an eighth of a worker's time per message)
                handler.setFallbackPriorityHeader(IntegrationMessageHeaderAccessor.PRIORITY);
                handler.setSendTimeout(settings.getSendTimeout());
                handler.setObservationEnabled(settings.isObservationEnabled());
                handler.setBeanFactory(getBeanFactory());
                handler.setComponentName(properties.getBindingName() + "-" + queue.name());
                handler.afterPropertiesSet();
                byPartition.add(handler);
            }
            handlers.add(byPartition);
        }
        PosixMqProducerHandler handler = new PosixMqProducerHandler(queues, handlers);
        handler.setBeanFactory(getBeanFactory());
        return handler;
    }

    @Override
    protected MessageProducer createConsumerEndpoint(ConsumerDestination destination, @Nullable String group,
            ExtendedConsumerProperties<PosixMqConsumerProperties> properties) {
        PosixMqConsumerDestination queues = (PosixMqConsumerDestination) destination;
        RetryTemplate retry = properties.getMaxAttempts() > 1 ? buildRetryTemplate(properties) : null;
        PosixMqConsumerEndpoint endpoint = new PosixMqConsumerEndpoint(queues.queue(), retry);
        endpoint.setConcurrency(properties.getConcurrency());
        ConsumerBeans beans = consumerBeans();
        endpoint.setOperationListener(beans.listener());
        endpoint.setDispatcher(beans.dispatcher());
        PosixMqConsumerProperties.Journal journal = properties.getExtension().getJournal();
        if (journal.isEnabled()) {
            endpoint.setJournalDirectory(Path.of(journal.getDirectory().trim()).toAbsolutePath().normalize());
        }
        endpoint.setObservationEnabled(properties.getExtension().isObservationEnabled());
        ProvisionedQueue deadLetter = queues.deadLetterQueue();
        if (deadLetter != null) {
            endpoint.setDeadLetterQueue(deadLetter.queues().resolve(deadLetter.key()));
        }
        PosixMqConsumerProperties settings = properties.getExtension();
        String prefix = PosixMqExtendedBindingProperties.BINDINGS + "." + properties.getBindingName() + ".consumer";
        Duration deadLetterTimeout = settings.getDeadLetterSendTimeout();
        if (deadLetterTimeout == null || deadLetterTimeout.isNegative()) {
            throw new ProvisioningException("Invalid " + prefix + ".dead-letter-send-timeout '" + deadLetterTimeout
                    + "': the timeout must be zero or positive; set it to how long a dead-letter send may wait for "
                    + "room, such as 5s");
        }
        endpoint.setDeadLetterSendTimeout(deadLetterTimeout);
        endpoint.setLoggedBytes(loggedBytes(prefix, settings));
        String errorGroup = StringUtils.hasText(group) ? group : "anonymous";
        // no bridge from the binding's error channel to the global errorChannel, whose default logger prints the stack
        // trace and the failed message's text (a writer of the queue controls it): a bean under the bridge's name
        // makes Spring Cloud Stream skip it; error-handler-definition still gets every ErrorMessage
        String bridge = getErrorBridgeName(destination, errorGroup, properties);
        if (!getApplicationContext().containsBean(bridge)) {
            ((GenericApplicationContext) getApplicationContext()).registerBean(bridge, MessageHandler.class,
                    () -> NO_BRIDGE);
        }
        ErrorInfrastructure errors = registerErrorInfrastructure(destination, errorGroup, properties);
        endpoint.setErrorChannel(errors.getErrorChannel());
        endpoint.setBeanFactory(getBeanFactory());
        endpoint.setComponentName(properties.getBindingName());
        return endpoint;
    }

    private synchronized ConsumerBeans consumerBeans() {
        ConsumerBeans beans = this.consumerBeans;
        if (beans == null) {
            beans = new ConsumerBeans(CompositePosixMqOperationListener.ofBeans(getBeanFactory()),
                    getBeanFactory().getBeanProvider(PosixMqDispatcher.class).getIfUnique());
            this.consumerBeans = beans;
        }
        return beans;
    }

    /** What every consumer endpoint would look up in the application context. */
    private record ConsumerBeans(PosixMqOperationListener listener, @Nullable PosixMqDispatcher dispatcher) {
    }

    /**
     * Subscribed to the binding's error channel, logging at DEBUG only: the endpoint has already put a failed message
     * on the dead-letter queue (or back to its queue at a stop), or logged it as DROPPED (one ERROR line with its bytes
     * as base64, capped, the cause escaped, and the counter {@code posixmq.messages.dropped}).
     */
    @Override
    protected MessageHandler getErrorMessageHandler(ConsumerDestination destination, @Nullable String group,
            ExtendedConsumerProperties<PosixMqConsumerProperties> properties) {
        ProvisionedQueue deadLetter = ((PosixMqConsumerDestination) destination).deadLetterQueue();
        int attempts = Math.max(1, properties.getMaxAttempts());
        return (message) -> {
            Throwable failure = message.getPayload() instanceof Throwable throwable ? throwable : null;
            if (deadLetter != null && this.logger.isDebugEnabled()) {
                Message<?> failed = failedMessage(message);
                this.logger.debug("A message from POSIX message queue " + PosixMqLogText.escape(destination.getName())
                        + " (" + describe(failed) + ") failed " + attempts + " attempt(s) and went to dead-letter "
                        + "queue " + PosixMqLogText.escape(deadLetter.name()) + " unless it was DROPPED: "
                        + PosixMqLogText.cause(failure));
            }
            if (failure != null && this.logger.isDebugEnabled()) {
                this.logger.debug("Stack trace of the failure of binding "
                        + PosixMqLogText.escape(properties.getBindingName()), failure);
            }
        };
    }

    private static @Nullable Message<?> failedMessage(Message<?> message) {
        if (message instanceof ErrorMessage error) {
            if (error.getOriginalMessage() != null) {
                return error.getOriginalMessage();
            }
            if (error.getPayload() instanceof MessagingException failure) {
                return failure.getFailedMessage();
            }
        }
        return null;
    }

    private static int loggedBytes(String prefix, PosixMqConsumerProperties settings) {
        DataSize logged = settings.getLoggedBytes();
        if (logged == null || logged.isNegative() || logged.toBytes() > Integer.MAX_VALUE) {
            throw new ProvisioningException("Invalid " + prefix + ".logged-bytes '" + logged + "': it must be 0 or "
                    + "more bytes, at most 2GB; set it to how much of a dropped message its ERROR line shows, such as "
                    + "1KB (the default)");
        }
        return (int) logged.toBytes();
    }

    /** Priority and size of a failed message (its bytes are on the dead-letter queue). */
    private static String describe(@Nullable Message<?> message) {
        if (message == null) {
            return "no message";
        }
        Object payload = message.getPayload();
        return "priority " + message.getHeaders().get(PosixMqHeaders.PRIORITY)
                + (payload instanceof byte[] bytes ? ", " + bytes.length + " bytes" : "");
    }

    @Override
    protected Map<String, Object> doGetAdditionalConfigurationProperties(String name) {
        Map<String, Object> properties = new LinkedHashMap<>();
        this.provisioner.queues().forEach((queueName, queue) -> properties.put(queueName, queue.key()));
        return properties;
    }

    /** Closes the binder's queues. */
    @Override
    public void destroy() {
        this.provisioner.close();
    }
}
