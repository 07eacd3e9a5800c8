package io.github.posixmq.samples.orders;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.channel.DirectChannel;

/**
 * The order pipeline: a Spring Boot application whose queues are declared in {@code application.yml} and whose only
 * logic is {@link OrderHandler}. Start it with {@code java -jar samples/order-pipeline/target/order-pipeline.jar}.
 */
@SpringBootApplication(proxyBeanMethods = false)
public final class OrderPipelineApplication {

    /** Channel of the orders received from the {@code /orders} queue. */
    public static final String ORDERS = "orders";

    /** Channel whose messages go to the {@code /orders.processed} queue. */
    public static final String PROCESSED = "ordersProcessed";

    /** Channel whose messages go to the {@code /orders.rejected} queue. */
    public static final String REJECTED = "ordersRejected";

    /** Channel of the failures of the flow (after the order went to the dead-letter queue). */
    public static final String ERRORS = "orderErrors";

    /** Starts the application. */
    public static void main(String[] args) {
        SpringApplication.run(OrderPipelineApplication.class, args);
    }

    /** The routing rules. */
    @Bean
    OrderRules orderRules() {
        return new OrderRules();
    }

    /** Orders from the {@code /orders} queue (the inbound adapter's output). */
    @Bean(ORDERS)
    DirectChannel orders() {
        return new DirectChannel();
    }

    /** Accepted orders, to the {@code /orders.processed} queue (the outbound adapter's input). */
    @Bean(PROCESSED)
    DirectChannel ordersProcessed() {
        return new DirectChannel();
    }

    /** Failures of the flow, from the inbound adapter (logged by {@link OrderHandler#failed}). */
    @Bean(ERRORS)
    DirectChannel orderErrors() {
        return new DirectChannel();
    }

    /** Rejected orders, to the {@code /orders.rejected} queue (the outbound adapter's input). */
    @Bean(REJECTED)
    DirectChannel ordersRejected() {
        return new DirectChannel();
    }
}
