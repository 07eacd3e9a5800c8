package io.github.posixmq.boot;

import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.template.PosixMqTemplate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.dsl.PosixMqs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Flows built in code with {@link PosixMqs} on the queues of the {@link PosixMqQueues} registry, which is their
 * {@code PosixMqQueueResolver}.
 */
class PosixMqQueuesDslTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final TestQueues NAMES = new TestQueues();

    private final ApplicationContextRunner runner = TestQueues.integrationRunner();

    @AfterEach
    void removeQueues() {
        NAMES.close();
    }

    @Test
    void outboundPriorityFromHeaderThenExpressionThenDefault() {
        String key = NAMES.key("prio");
        this.runner.withPropertyValues(TestQueues.smallQueue(key)).withUserConfiguration(OutboundFlow.class)
            .withPropertyValues("test.key=" + key)
            .run(context -> {
                MessageChannel channel = context.getBean("outboundInput", MessageChannel.class);
                channel.send(MessageBuilder.withPayload("header").setHeader(PosixMqHeaders.PRIORITY, 20)
                    .setHeader("level", 10).build());
                channel.send(MessageBuilder.withPayload("expression").setHeader("level", 10).build());
                channel.send(MessageBuilder.withPayload("default").build());
                channel.send(MessageBuilder.withPayload(new Item("json")).build());
                PosixMqTemplate template = context.getBean(PosixMqTemplate.class);
                assertThat(template.receive(key, WAIT)).contains(new Message(20, bytes("header")));
                assertThat(template.receive(key, WAIT)).contains(new Message(10, bytes("expression")));
                assertThat(template.receive(key, WAIT)).contains(new Message(5, bytes("default")));
                assertThat(template.receive(key, WAIT)).contains(new Message(5, bytes("{\"name\":\"json\"}")));
                assertThatThrownBy(() -> channel.send(MessageBuilder.withPayload("bad").setHeader("level", 40000).build()))
                    .isInstanceOf(MessagingException.class)
                    .hasMessageContaining("gave priority 40000, outside 0 to 32767 for queue /" + key);
            });
    }

    @Test
    void inboundFromTheRegistryWithErrorChannelAndDeadLetterQueue() {
        String key = NAMES.key("dslfail");
        String dlq = NAMES.key("dsldlq");
        this.runner.withPropertyValues(TestQueues.smallQueue(key)).withPropertyValues(TestQueues.smallQueue(dlq))
            .withPropertyValues("test.key=" + key, "test.dlq=" + dlq)
            .withUserConfiguration(FailingFlow.class)
            .run(context -> {
                PosixMqTemplate template = context.getBean(PosixMqTemplate.class);
                template.send(key, "poison", 6);
                org.springframework.messaging.Message<?> error = context.getBean("dslErrors", QueueChannel.class)
                    .receive(WAIT.toMillis());
                assertThat(error).isInstanceOf(ErrorMessage.class);
                assertThat((Throwable) error.getPayload()).hasRootCauseMessage("cannot handle poison");
                assertThat(template.receive(dlq, WAIT)).contains(new Message(6, bytes("poison")));
                @SuppressWarnings("unchecked")
                BlockingQueue<String> events = context.getBean("events", BlockingQueue.class);
                assertThat(events.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("receive /" + key);
                assertThat(events.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("send /" + dlq);
            });
    }

    @Test
    void theReadmeFlow() {
        this.runner.withPropertyValues(TestQueues.smallQueue("orders", "name=" + NAMES.name("orders")))
            .withPropertyValues(TestQueues.smallQueue("orders-dlq", "name=" + NAMES.name("orders-dlq")))
            .withPropertyValues(TestQueues.smallQueue("shipping", "name=" + NAMES.name("shipping")))
            .withBean("ordersErrors", QueueChannel.class)
            .withUserConfiguration(ReadmeFlow.class)
            .run(context -> {
                PosixMqTemplate template = context.getBean(PosixMqTemplate.class);
                template.send("orders", "order 42", 3);
                assertThat(template.receive("shipping", WAIT)).contains(new Message(3, bytes("ORDER 42")));
            });
    }

    @Test
    void flowsBuiltFromRegistryKeysFollowTheRecoveryOfARemovedQueue() {
        String orders = NAMES.name("orders");
        String shipping = NAMES.name("shipping");
        this.runner.withPropertyValues(TestQueues.smallQueue("orders", "name=" + orders))
            .withPropertyValues(TestQueues.smallQueue("orders-dlq", "name=" + NAMES.name("orders-dlq")))
            .withPropertyValues(TestQueues.smallQueue("shipping", "name=" + shipping))
            .withPropertyValues("posixmq.recovery.check-interval=50ms")
            .withBean("ordersErrors", QueueChannel.class)
            .withUserConfiguration(ReadmeFlow.class)
            .run(context -> {
                PosixMqQueues queues = context.getBean(PosixMqQueues.class);
                PosixMq removedOrders = queues.get("orders");
                PosixMq removedShipping = queues.get("shipping");
                PosixMq.unlink(orders);
                PosixMq.unlink(shipping);
                await().atMost(WAIT).until(() -> removedOrders.isClosed() && removedShipping.isClosed()
                        && queues.detachedReason("orders").isEmpty() && queues.detachedReason("shipping").isEmpty());
                // through the recreated queues, opened by name as other programs would
                try (PosixMq in = OpenOptions.writeOnly().existing().open(orders);
                        PosixMq out = OpenOptions.readOnly().existing().open(shipping)) {
                    in.send(bytes("order 43"), 4);
                    assertThat(out.receive(WAIT)).contains(new Message(4, bytes("ORDER 43")));
                }
            });
    }

    @Configuration(proxyBeanMethods = false)
    static class ReadmeFlow {

        @Bean
        IntegrationFlow orders(PosixMqQueues queues) {
            return IntegrationFlow.from(PosixMqs.inboundChannelAdapter(queues, "orders")
                        .stringPayload()
                        .concurrency(2)
                        .errorChannel("ordersErrors")
                        .deadLetterQueue("orders-dlq"))
                .transform(String.class, text -> text.toUpperCase(Locale.ROOT))
                .handle(PosixMqs.outboundChannelAdapter(queues, "shipping")
                        .priority(5)
                        .priorityExpression("headers['level']")
                        .sendTimeout(Duration.ofSeconds(1)))
                .get();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A payload converted to JSON. */
    record Item(String name) {
    }

    @Configuration(proxyBeanMethods = false)
    static class OutboundFlow {

        @Bean
        IntegrationFlow outboundFlow(PosixMqQueues queues, org.springframework.core.env.Environment environment) {
            return IntegrationFlow.from("outboundInput")
                .handle(PosixMqs.outboundChannelAdapter(queues, environment.getProperty("test.key"))
                    .priority(5)
                    .priorityExpression("headers['level']")
                    .messageConverter(PosixMqTemplate.defaultMessageConverter())
                    .charset(StandardCharsets.UTF_8))
                .get();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class FailingFlow {

        @Bean
        QueueChannel dslErrors() {
            return new QueueChannel();
        }

        @Bean
        BlockingQueue<String> events() {
            return new LinkedBlockingQueue<>();
        }

        @Bean
        IntegrationFlow failingFlow(PosixMqQueues queues, org.springframework.core.env.Environment environment,
                BlockingQueue<String> events) {
            String key = environment.getProperty("test.key");
            String dlq = environment.getProperty("test.dlq");
            return IntegrationFlow.from(PosixMqs.inboundChannelAdapter(queues, key)
                    .stringPayload(StandardCharsets.UTF_8)
                    .errorChannel("dslErrors")
                    .deadLetterQueue(queues.get(dlq))
                    .stopTimeout(Duration.ofSeconds(5))
                    .operationListener(new PosixMqOperationListener() {
                        @Override
                        public void onReceive(String queueName, long durationNanos, Throwable failure) {
                            events.add("receive " + queueName);
                        }

                        @Override
                        public void onSend(String queueName, long durationNanos, Throwable failure) {
                            events.add("send " + queueName);
                        }
                    }))
                .handle(String.class, (payload, headers) -> {
                    throw new IllegalStateException("cannot handle " + payload);
                })
                .get();
        }
    }
}
