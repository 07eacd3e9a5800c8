package io.github.posixmq.stream.binder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.posixmq.integration.PosixMqHeaders;
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
import org.springframework.core.retry.RetryTemplate;
import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.integration.core.MessageProducer;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.util.StringUtils;

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

    private final PosixMqExtendedBindingProperties extendedProperties;

    private final PosixMqProvisioner provisioner;

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
                // without posixmq_priority, the standard priority header (the AMQP priority from a RabbitMQ binding)
                handler.setPriorityExpressionString("headers['" + IntegrationMessageHeaderAccessor.PRIORITY + "']");
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
        PosixMqConsumerProperties.Journal journal = properties.getExtension().getJournal();
        if (journal.isEnabled()) {
            endpoint.setJournalDirectory(Path.of(journal.getDirectory().trim()).toAbsolutePath().normalize());
        }
        endpoint.setObservationEnabled(properties.getExtension().isObservationEnabled());
        ProvisionedQueue deadLetter = queues.deadLetterQueue();
        if (deadLetter != null) {
            endpoint.setDeadLetterQueue(deadLetter.queues().resolve(deadLetter.key()));
        }
        ErrorInfrastructure errors = registerErrorInfrastructure(destination,
                StringUtils.hasText(group) ? group : "anonymous", properties);
        endpoint.setErrorChannel(errors.getErrorChannel());
        endpoint.setBeanFactory(getBeanFactory());
        endpoint.setComponentName(properties.getBindingName());
        return endpoint;
    }

    /**
     * Subscribed to the binding's error channel: the endpoint has already put a failed message on the dead-letter
     * queue when there is one; without one, the message is logged at ERROR with its bytes, so it is never dropped
     * silently.
     */
    @Override
    protected MessageHandler getErrorMessageHandler(ConsumerDestination destination, @Nullable String group,
            ExtendedConsumerProperties<PosixMqConsumerProperties> properties) {
        ProvisionedQueue deadLetter = ((PosixMqConsumerDestination) destination).deadLetterQueue();
        int attempts = Math.max(1, properties.getMaxAttempts());
        return (message) -> {
            Message<?> failed = failedMessage(message);
            if (deadLetter != null) {
                if (this.logger.isDebugEnabled()) {
                    this.logger.debug("A message from " + destination.getName() + " failed " + attempts
                            + " attempt(s) and went to dead-letter queue " + deadLetter.name());
                }
                return;
            }
            this.logger.error("LOST a message from POSIX message queue " + destination.getName() + " after " + attempts
                    + " attempt(s) (binding " + properties.getBindingName() + " has no dead-letter-queue): "
                    + describe(failed), message.getPayload() instanceof Throwable failure ? failure : null);
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

    private static String describe(@Nullable Message<?> message) {
        if (message == null) {
            return "(no message)";
        }
        Object payload = message.getPayload();
        String body = payload instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(payload);
        return "priority " + message.getHeaders().get(PosixMqHeaders.PRIORITY) + ", payload " + body;
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
