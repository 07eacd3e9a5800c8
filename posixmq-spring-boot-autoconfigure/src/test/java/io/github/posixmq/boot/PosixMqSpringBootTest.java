package io.github.posixmq.boot;

import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.runtime.PosixMqQueueSettings;
import io.github.posixmq.integration.template.PosixMqTemplate;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.Message;
import io.github.posixmq.integration.PosixMqHeaders;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.annotation.ServiceActivator;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring Boot application with queues declared in YAML ({@code application-ipc.yml}): a {@code @ServiceActivator}
 * receives what a second process sent and what the template sent, with the priority header intact, and its replies
 * leave through the outbound adapter to a second process.
 */
@SpringBootTest(classes = PosixMqSpringBootTest.OrdersApplication.class)
@ActiveProfiles("ipc")
class PosixMqSpringBootTest {

    private static final AtomicInteger RUNS = new AtomicInteger();

    @DynamicPropertySource
    static void uniqueQueueNames(DynamicPropertyRegistry registry) {
        registry.add("posixmq.test.suffix", () -> ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet());
    }

    @Autowired
    private PosixMqQueues queues;

    @Autowired
    private PosixMqTemplate template;

    @Autowired
    private BlockingQueue<String> handled;

    @Test
    void serviceActivatorReceivesFromAnotherProcessAndFromTheTemplateAndRepliesThroughTheOutboundAdapter()
            throws Exception {
        String orders = this.queues.queueName("orders");
        String shipping = this.queues.queueName("shipping");
        assertThat(orders).endsWith("-orders");

        ExternalProcess.run("send", orders, "5", "from another process");
        assertThat(this.handled.poll(10, TimeUnit.SECONDS)).isEqualTo("5:from another process");
        // the reply keeps the posixmq_priority header, which wins over the outbound default priority (1)
        assertThat(ExternalProcess.run("receive", shipping, "10")).isEqualTo("5:FROM ANOTHER PROCESS");

        this.template.send("orders", "from the template", 9);
        assertThat(this.handled.poll(10, TimeUnit.SECONDS)).isEqualTo("9:from the template");
        assertThat(this.template.receive(shipping, Duration.ofSeconds(10)))
            .contains(new Message(9, "FROM THE TEMPLATE".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void yamlSettingsAreApplied() {
        PosixMqQueueSettings orders = this.queues.info("orders");
        assertThat(orders.capacity()).isEqualTo(10);
        assertThat(orders.maxMessageSize()).isEqualTo(1024);
        assertThat(orders.removeOnShutdown()).isTrue();
        assertThat(orders.inbound().concurrency()).isEqualTo(2);
        assertThat(this.queues.info("shipping").outbound().sendTimeout())
            .isEqualTo(Duration.ofSeconds(2));
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class OrdersApplication {

        @Bean
        BlockingQueue<String> handled() {
            return new LinkedBlockingQueue<>();
        }

        @Bean
        OrderHandler orderHandler(BlockingQueue<String> handled) {
            return new OrderHandler(handled);
        }
    }

    /** What an application writes: a plain service activator on the inbound channel. */
    static class OrderHandler {

        private final BlockingQueue<String> handled;

        OrderHandler(BlockingQueue<String> handled) {
            this.handled = handled;
        }

        @ServiceActivator(inputChannel = "orders", outputChannel = "shipping")
        String handle(@Payload String order, @Header(PosixMqHeaders.PRIORITY) int priority) {
            this.handled.add(priority + ":" + order);
            return order.toUpperCase(java.util.Locale.ROOT);
        }
    }
}
