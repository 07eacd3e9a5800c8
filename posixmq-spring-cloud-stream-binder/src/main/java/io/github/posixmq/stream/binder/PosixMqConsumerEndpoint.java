package io.github.posixmq.stream.binder;

import java.time.Duration;

import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import io.github.posixmq.stream.binder.provisioning.ProvisionedQueue;
import org.jspecify.annotations.Nullable;

import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;

/**
 * The inbound channel adapter of a consumer binding: the priority of each message in {@code posixmq_priority} and in
 * the standard {@code priority} header (which the RabbitMQ binder maps to the AMQP priority), with Spring Cloud Stream's retry around the delivery of each
 * message: a message whose handling still fails after the last attempt goes to the adapter's dead-letter queue (bytes
 * and priority as received) and, as an {@code ErrorMessage}, to the binding's error channel.
 */
final class PosixMqConsumerEndpoint extends PosixMqMessageProducer {

    private final @Nullable RetryTemplate retryTemplate;

    PosixMqConsumerEndpoint(ProvisionedQueue queue, @Nullable RetryTemplate retryTemplate) {
        super(queue.queues().resolve(queue.key()));
        this.retryTemplate = retryTemplate;
        // retries are Spring Cloud Stream's (max-attempts, back-off-*), around each delivery below
        setRetry(1, Duration.ZERO, 1, Duration.ZERO);
        // the priority also as the standard "priority" header, which the RabbitMQ binder maps to the AMQP priority:
        // set as the message is built (a copy of every message here cost a second set of headers per message)
        setStandardPriorityHeader(true);
    }

    @Override
    protected void sendMessage(Message<?> message) {
        RetryTemplate retry = this.retryTemplate;
        if (retry == null) {
            super.sendMessage(message);
            return;
        }
        try {
            retry.execute(() -> {
                super.sendMessage(message);
                return null;
            });
        }
        catch (RetryException ex) {
            Throwable last = ex.getCause() != null ? ex.getCause() : ex;
            if (last instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new MessagingException(message, "failed to handle a message from queue " + getQueue().name(), last);
        }
    }
}
