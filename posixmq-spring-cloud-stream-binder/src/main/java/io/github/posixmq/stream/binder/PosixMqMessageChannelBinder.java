package io.github.posixmq.stream.binder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.PosixMqLogText;
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
    private static int loggedBytes(String prefix, PosixMqConsumerProperties settings) {
        DataSize logged = settings.getLoggedBytes();
        if (logged == null || logged.isNegative() || logged.toBytes() > Integer.MAX_VALUE) {
            throw new ProvisioningException("Invalid " + prefix + ".logged-bytes '" + logged + "': it must be 0 or "
                    + "more bytes, at most 2GB; set it to how much of a dropped message its ERROR line shows, such as "
                    + "1KB (the default)");
        }
        return (int) logged.toBytes();
    }

    /**
     * Subscribed to the binding's error channel: the endpoint has already put a failed message on the dead-letter
     * queue when there is one; without one, the message is one ERROR line with its bytes (base64, the first
     * {@code logged-bytes}) and the cause (peer text escaped, stack trace at DEBUG), so it is never dropped silently.
     */
    @Override
    protected MessageHandler getErrorMessageHandler(ConsumerDestination destination, @Nullable String group,
            ExtendedConsumerProperties<PosixMqConsumerProperties> properties) {
        ProvisionedQueue deadLetter = ((PosixMqConsumerDestination) destination).deadLetterQueue();
        int attempts = Math.max(1, properties.getMaxAttempts());
        String prefix = PosixMqExtendedBindingProperties.BINDINGS + "." + properties.getBindingName() + ".consumer";
        int logged = loggedBytes(prefix, properties.getExtension());
        return (message) -> {
            Message<?> failed = failedMessage(message);
            if (deadLetter != null) {
                if (this.logger.isDebugEnabled()) {
                    this.logger.debug("A message from " + PosixMqLogText.escape(destination.getName()) + " failed "
                            + attempts + " attempt(s) and went to dead-letter queue " + deadLetter.name());
                }
                return;
            }
            Throwable failure = message.getPayload() instanceof Throwable throwable ? throwable : null;
            this.logger.error("LOST a message from POSIX message queue " + PosixMqLogText.escape(destination.getName())
                    + " after " + attempts + " attempt(s) (binding " + PosixMqLogText.escape(properties.getBindingName())
                    + " has no dead-letter-queue): " + describe(failed, logged)
                    + (failure != null ? "; cause: " + PosixMqLogText.cause(failure) : ""));
            if (failure != null && this.logger.isDebugEnabled()) {
                this.logger.debug("Stack trace of the cause of the LOST message above", failure);
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

    /** Priority and payload of a lost message: bytes as base64 (capped), other payloads as escaped text. */
    private static String describe(@Nullable Message<?> message, int loggedBytes) {
        if (message == null) {
            return "(no message)";
        }
        Object payload = message.getPayload();
        String body = payload instanceof byte[] bytes
                ? bytes.length + " bytes, base64 " + PosixMqLogText.base64(bytes, loggedBytes)
                : "payload " + PosixMqLogText.escape(payload, Math.max(loggedBytes, 16));
        return "priority " + message.getHeaders().get(PosixMqHeaders.PRIORITY) + ", " + body;
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
