package io.github.posixmq.boot;

import io.github.posixmq.integration.runtime.PosixMqConfigurationException;
import io.github.posixmq.integration.template.PosixMqTemplate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.posixmq.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.annotation.ServiceActivator;
import org.springframework.messaging.MessageHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/** inbound.content-type: a handler method gets its POJO; a message it cannot convert keeps its bytes. */
class PosixMqContentTypeTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final TestQueues queues = new TestQueues();

    private final ApplicationContextRunner runner = TestQueues.integrationRunner();

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    @Test
    void aHandlerGetsItsPojoFromJsonAndAMessageThatIsNoOrderGoesToTheDeadLetterQueueWithItsBytes() {
        String key = this.queues.key("json");
        String dlq = this.queues.key("jsondlq");
        this.runner.withUserConfiguration(HandlerConfiguration.class)
            .withPropertyValues(TestQueues.smallQueue(key, "inbound.channel=jsonOrders",
                    "inbound.content-type=application/json", "inbound.dead-letter-queue=" + dlq))
            .withPropertyValues(TestQueues.smallQueue(dlq))
            .run(context -> {
                PosixMqTemplate template = context.getBean(PosixMqTemplate.class);
                OrderHandler handler = context.getBean(OrderHandler.class);
                template.send(key, "{\"id\":42,\"item\":\"tea\"}", 3);
                assertThat(handler.orders.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new Order(42, "tea"));
                assertThat(handler.contentTypes.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).hasToString("application/json");
                byte[] notAnOrder = "not json \u00ff".getBytes(StandardCharsets.UTF_8);
                template.send(key, notAnOrder, 7);
                assertThat(template.receive(dlq, WAIT)).contains(new Message(7, notAnOrder));
                template.send(key, "{\"id\":43,\"item\":\"cake\"}", 1);
                assertThat(handler.orders.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new Order(43, "cake"));
            });
    }

    @Test
    void aContentTypeThatIsNoMimeTypeFailsStartUpNamingTheProperty() {
        String key = this.queues.key("badtype");
        this.runner.withPropertyValues(TestQueues.smallQueue(key, "inbound.channel=in", "inbound.content-type=json"))
            .run(context -> assertThat(context).hasFailed()
                .getFailure()
                .rootCause()
                .isInstanceOf(PosixMqConfigurationException.class)
                .hasMessageContaining("posixmq.queues." + key + ".inbound.content-type 'json'"));
    }

    record Order(int id, String item) {
    }

    static class OrderHandler {

        final BlockingQueue<Order> orders = new LinkedBlockingQueue<>();

        final BlockingQueue<Object> contentTypes = new LinkedBlockingQueue<>();

        @ServiceActivator(inputChannel = "jsonOrders")
        void handle(Order order, MessageHeaders headers) {
            this.orders.add(order);
            this.contentTypes.add(headers.get(MessageHeaders.CONTENT_TYPE));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class HandlerConfiguration {

        @Bean
        OrderHandler orderHandler() {
            return new OrderHandler();
        }
    }
}
