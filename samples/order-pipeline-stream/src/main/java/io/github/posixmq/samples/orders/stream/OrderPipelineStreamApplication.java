package io.github.posixmq.samples.orders.stream;

import java.util.function.Consumer;
import java.util.function.Function;

import io.github.posixmq.samples.orders.OrderRules;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;

/**
 * The order pipeline on Spring Cloud Stream: {@link OrderRouter} is bound by configuration only, to POSIX message
 * queues by default ({@code application.yml}) or to RabbitMQ with {@code --spring.profiles.active=rabbit}. The
 * {@code bridge} profile instead binds the {@code uplink}/{@code downlink} functions to connect local queues with
 * RabbitMQ, with no code of its own.
 */
@SpringBootApplication(proxyBeanMethods = false)
public final class OrderPipelineStreamApplication {

    /** Starts the application. */
    public static void main(String[] args) {
        SpringApplication.run(OrderPipelineStreamApplication.class, args);
    }

    /** The routing rules, shared with the order-pipeline sample. */
    @Bean
    OrderRules orderRules() {
        return new OrderRules();
    }

    /** The pipeline: each order to the processed or the rejected binding, with its priority. */
    @Bean
    Consumer<Message<byte[]>> orders(OrderRules rules, StreamBridge bridge) {
        return new OrderRouter(rules, bridge);
    }

    /** Bridge profile: a local queue to RabbitMQ, message and priority unchanged. */
    @Bean
    Function<Message<byte[]>, Message<byte[]>> uplink() {
        return Function.identity();
    }

    /** Bridge profile: RabbitMQ (processed orders) to a local queue, message and priority unchanged. */
    @Bean
    Function<Message<byte[]>, Message<byte[]>> downlink() {
        return Function.identity();
    }

    /** Bridge profile: RabbitMQ (rejected orders) to a local queue, message and priority unchanged. */
    @Bean
    Function<Message<byte[]>, Message<byte[]>> downlinkRejected() {
        return Function.identity();
    }
}
