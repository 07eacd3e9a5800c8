package io.github.posixmq.samples.orders.stream;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import io.github.posixmq.samples.orders.OrderRules;
import org.jspecify.annotations.Nullable;
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
 * RabbitMQ binder to and from the AMQP priority, so the same code keeps the order of urgency on both; the Kafka binder
 * carries it as the record header {@code priority} (Kafka has no priority: the order of the partition is kept instead).
 */
public final class OrderRouter implements Consumer<Message<byte[]>> {

    /** The output binding of accepted orders. */
    public static final String PROCESSED = "processed";

    /** The output binding of rejected orders. */
    public static final String REJECTED = "rejected";

    /** The highest priority an order can have: a POSIX queue's (Linux MQ_PRIO_MAX - 1). */
    static final int MAX_PRIORITY = 32767;

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
        int priority = priority(order.getHeaders().get(IntegrationMessageHeaderAccessor.PRIORITY));
        Message<byte[]> result = MessageBuilder.withPayload(decision.payload())
            .setHeader(IntegrationMessageHeaderAccessor.PRIORITY, priority)
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

    /**
     * The priority of an order: the header as the posixmq and RabbitMQ binders give it (a number), or as a Kafka record
     * header from any producer (the decimal text, such as {@code 7}, in bytes); anything else, or a value outside 0 to
     * {@value #MAX_PRIORITY}, is priority 0.
     */
    static int priority(@Nullable Object header) {
        long value;
        if (header instanceof Number number) {
            value = number.longValue();
        }
        else if (header instanceof byte[] || header instanceof String) {
            String text = (header instanceof byte[] bytes) ? new String(bytes, StandardCharsets.US_ASCII) : (String) header;
            if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch((c) -> c >= '0' && c <= '9')) {
                return 0;
            }
            value = Long.parseLong(text);
        }
        else {
            return 0;
        }
        return (value >= 0 && value <= MAX_PRIORITY) ? (int) value : 0;
    }
}
