package io.github.posixmq.samples.orders.stream;

import java.util.function.Consumer;

import io.github.posixmq.samples.orders.OrderRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeTypeUtils;

/**
 * Routes each order by {@link OrderRules} to the {@value #PROCESSED} or {@value #REJECTED} output binding, keeping
 * its priority in the standard {@code priority} header: the posixmq binder maps it to and from the queue priority, the
 * RabbitMQ binder to and from the AMQP priority, so the same code keeps the order of urgency on both.
 */
public final class OrderRouter implements Consumer<Message<byte[]>> {

    /** The output binding of accepted orders. */
    public static final String PROCESSED = "processed";

    /** The output binding of rejected orders. */
    public static final String REJECTED = "rejected";

    private static final Logger logger = LoggerFactory.getLogger(OrderRouter.class);

    private final OrderRules rules;

    private final StreamBridge bridge;

    /** Creates the router sending through {@code bridge}. */
    public OrderRouter(OrderRules rules, StreamBridge bridge) {
        this.rules = rules;
        this.bridge = bridge;
    }

    @Override
    public void accept(Message<byte[]> order) {
        OrderRules.Decision decision = this.rules.decide(order.getPayload());
        Object priority = order.getHeaders().get(IntegrationMessageHeaderAccessor.PRIORITY);
        Message<byte[]> result = MessageBuilder.withPayload(decision.payload())
            .setHeader(IntegrationMessageHeaderAccessor.PRIORITY, priority != null ? priority : 0)
            .build();
        String output = decision.accepted() ? PROCESSED : REJECTED;
        if (logger.isDebugEnabled()) {
            logger.debug("order with priority {} {}", priority, decision.reason());
        }
        // the send finishes (or fails) on this thread: a failure is retried, then dead-lettered by the binder
        if (!this.bridge.send(output, result, MimeTypeUtils.APPLICATION_OCTET_STREAM)) {
            throw new MessageDeliveryException(order, "the " + output + " binding did not take the order");
        }
    }
}
