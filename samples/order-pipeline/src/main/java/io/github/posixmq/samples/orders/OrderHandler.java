package io.github.posixmq.samples.orders;

import java.util.Map;

import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.PosixMqLogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.integration.annotation.IdempotentReceiver;
import org.springframework.integration.annotation.ServiceActivator;
import org.springframework.integration.metadata.MetadataStore;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.GenericMessage;
import org.springframework.stereotype.Component;

/**
 * Receives each order from the {@value OrderPipelineApplication#ORDERS} channel (fed by the {@code /orders} queue)
 * and sends it, with the same priority, to {@value OrderPipelineApplication#PROCESSED} or
 * {@value OrderPipelineApplication#REJECTED} according to {@link OrderRules}.
 *
 * <p>Everything runs on the inbound adapter's thread: the send to the outbound queue finishes (or fails) before the
 * next order is received, so a failure reaches the inbound adapter's dead-letter queue and no order is lost.
 */
@Component
public final class OrderHandler {

    private static final Logger logger = LoggerFactory.getLogger(OrderHandler.class);

    private final OrderRules rules;

    private final MessageChannel processed;

    private final MessageChannel rejected;

    private final MetadataStore processedOrders;

    /** Creates the handler that sends to the given channels and records each order sent in {@code processedOrders}. */
    public OrderHandler(OrderRules rules, @Qualifier(OrderPipelineApplication.PROCESSED) MessageChannel processed,
            @Qualifier(OrderPipelineApplication.REJECTED) MessageChannel rejected, MetadataStore processedOrders) {
        this.rules = rules;
        this.processed = processed;
        this.rejected = rejected;
        this.processedOrders = processedOrders;
    }

    /**
     * Routes one order; the output keeps the {@code posixmq_priority} header of the input. Once the output was sent,
     * the order's key is recorded, so a redelivery of it after a crash is not sent again ({@link OrderIdempotency}).
     */
    @ServiceActivator(inputChannel = OrderPipelineApplication.ORDERS)
    @IdempotentReceiver("orderIdempotentReceiver")
    public void handle(Message<byte[]> order) {
        OrderRules.Decision decision = this.rules.decide(order.getPayload());
        Object priority = order.getHeaders().get(PosixMqHeaders.PRIORITY);
        // the message directly: a builder would copy its header map twice more for the one header
        Message<byte[]> result = new GenericMessage<>(decision.payload(),
                priority != null ? Map.of(PosixMqHeaders.PRIORITY, priority) : Map.of());
        MessageChannel output = decision.accepted() ? this.processed : this.rejected;
        if (logger.isDebugEnabled()) {
            logger.debug("order with priority {} {}", priority, decision.reason());
        }
        if (!output.send(result)) {
            throw new MessageDeliveryException(order, "the " + (decision.accepted() ? "processed" : "rejected")
                    + " channel did not take the order");
        }
        this.processedOrders.put(OrderIdempotency.key(decision, order.getPayload()), "processed");
    }

    /** Logs a redelivered order whose output was already sent before a crash: it is not sent again. */
    @ServiceActivator(inputChannel = OrderIdempotency.DUPLICATES)
    public void duplicate(Message<byte[]> order) {
        logger.info("A redelivered order (priority {}, {} bytes) was already processed before the restart; its output "
                + "is not sent again", order.getHeaders().get(PosixMqHeaders.PRIORITY), order.getPayload().length);
    }

    /**
     * Logs an order that could not be sent on (the inbound adapter has already put its bytes and priority on the
     * dead-letter queue), in one line instead of the default error channel's stack trace.
     */
    @ServiceActivator(inputChannel = OrderPipelineApplication.ERRORS)
    public void failed(Throwable failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        Object priority = failure instanceof MessagingException messaging && messaging.getFailedMessage() != null
                ? messaging.getFailedMessage().getHeaders().get(PosixMqHeaders.PRIORITY) : null;
        // the cause may quote the order's text, which its sender controls: escaped, so it cannot forge a log line
        logger.warn("An order with priority {} went to the dead-letter queue: {}", priority,
                PosixMqLogText.escape(cause.getMessage()));
    }
}
