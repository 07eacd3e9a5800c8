package io.github.posixmq.samples.orders.dsl;

import java.time.Duration;

import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.dsl.PosixMqs;
import io.github.posixmq.samples.orders.OrderRules;
import io.github.posixmq.samples.orders.OrderRules.Decision;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.dsl.IntegrationFlow;

/**
 * The order pipeline as one {@link IntegrationFlow}: orders from the {@code orders} queue are decided by
 * {@link OrderRules} and routed to the {@code processed} or {@code rejected} queue with their priority; an order whose
 * output cannot be sent goes to the {@code dead-letter} queue. The queues are declared in {@code application.yml}.
 */
@SpringBootApplication(proxyBeanMethods = false)
public final class OrderPipelineDslApplication {

    /** Starts the application. */
    public static void main(String[] args) {
        SpringApplication.run(OrderPipelineDslApplication.class, args);
    }

    /** The routing rules, shared with the order-pipeline sample. */
    @Bean
    OrderRules orderRules() {
        return new OrderRules();
    }

    /** The whole pipeline. Transformers keep the headers, so the {@code posixmq_priority} of an order travels on. */
    @Bean
    IntegrationFlow orderFlow(PosixMqQueues queues, OrderRules rules,
            @Value("${orders.send-timeout:10s}") Duration sendTimeout) {
        return IntegrationFlow
            .from(PosixMqs.inboundChannelAdapter(queues, "orders").deadLetterQueue("dead-letter"))
            .transform(byte[].class, rules::decide)
            .route(Decision.class, Decision::accepted, (route) -> route
                .subFlowMapping(true, (accepted) -> accepted
                    .transform(Decision.class, Decision::payload)
                    .handle(PosixMqs.outboundChannelAdapter(queues, "processed").sendTimeout(sendTimeout)))
                .subFlowMapping(false, (rejected) -> rejected
                    .transform(Decision.class, Decision::payload)
                    .handle(PosixMqs.outboundChannelAdapter(queues, "rejected").sendTimeout(sendTimeout))))
            .get();
    }
}
