package io.github.posixmq.integration.dsl;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.boot.PosixMqAutoConfiguration;
import io.github.posixmq.boot.PosixMqIntegrationAutoConfiguration;
import io.github.posixmq.boot.PosixMqQueues;
import io.github.posixmq.boot.PosixMqTemplate;
import io.github.posixmq.boot.TestQueues;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.integration.autoconfigure.IntegrationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Flows built in code with {@link PosixMq#inboundChannelAdapter} and {@link PosixMq#outboundChannelAdapter}. */
class PosixMqDslTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final TestQueues NAMES = new TestQueues();

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(PosixMqAutoConfiguration.class, PosixMqIntegrationAutoConfiguration.class,
                    IntegrationAutoConfiguration.class));

    @AfterEach
    void removeQueues() {
        NAMES.close();
    }

    @Test
    void flowFromOneQueueToAnotherWithCoreDescriptors() {
        String in = NAMES.name("dsl-in");
        String out = NAMES.name("dsl-out");
        try (io.github.posixmq.PosixMq input = OpenOptions.readWrite().create().capacity(10).maxMessageSize(128).open(in);
                io.github.posixmq.PosixMq output = OpenOptions.readWrite().create().capacity(10).maxMessageSize(128)
                    .open(out)) {
            this.runner.withBean("upperCaseFlow", IntegrationFlow.class, () -> IntegrationFlow
                .from(PosixMq.inboundChannelAdapter(input).stringPayload().concurrency(2).id("dslInbound"))
                .transform(String.class, text -> text.toUpperCase(Locale.ROOT))
                .handle(PosixMq.outboundChannelAdapter(output)
                    .priorityFunction(message -> ((String) message.getPayload()).length())
                    .sendTimeout(Duration.ofSeconds(1)))
                .get()).run(context -> {
                    PosixMqMessageProducer producer = context.getBean("dslInbound", PosixMqMessageProducer.class);
                    assertThat(producer.getConcurrency()).isEqualTo(2);
                    assertThat(producer.isRunning()).isTrue();
                    input.send("hello".getBytes(StandardCharsets.UTF_8), 1);
                    // the posixmq_priority header (1) from the inbound adapter wins over the priority function
                    assertThat(output.receive(WAIT)).contains(new Message(1, "HELLO".getBytes(StandardCharsets.UTF_8)));
                });
            assertThat(input.isClosed()).as("the adapter never closes the caller's descriptor").isFalse();
        }
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
    void outboundWithoutConverterRejectsOtherPayloadsClearly() {
        String name = NAMES.name("noconv");
        try (io.github.posixmq.PosixMq queue = OpenOptions.readWrite().create().capacity(1).maxMessageSize(16).open(name)) {
            this.runner.withBean("flow", IntegrationFlow.class, () -> IntegrationFlow.from("rawInput")
                .handle(PosixMq.outboundChannelAdapter(queue).sendTimeout(Duration.ZERO))
                .get()).run(context -> {
                    MessageChannel channel = context.getBean("rawInput", MessageChannel.class);
                    assertThatThrownBy(() -> channel.send(MessageBuilder.withPayload(new Item("x")).build()))
                        .isInstanceOf(MessagingException.class)
                        .hasMessageContaining("cannot send a " + Item.class.getName() + " payload to queue " + name);
                    channel.send(MessageBuilder.withPayload("1").build());
                    assertThatThrownBy(() -> channel.send(MessageBuilder.withPayload("2").build()))
                        .isInstanceOf(MessageDeliveryException.class)
                        .hasMessageContaining("queue " + name + " stayed full");
                });
        }
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
                io.github.posixmq.PosixMq removedOrders = queues.get("orders");
                io.github.posixmq.PosixMq removedShipping = queues.get("shipping");
                io.github.posixmq.PosixMq.unlink(orders);
                io.github.posixmq.PosixMq.unlink(shipping);
                await().atMost(WAIT).until(() -> removedOrders.isClosed() && removedShipping.isClosed()
                        && queues.detachedReason("orders").isEmpty() && queues.detachedReason("shipping").isEmpty());
                // through the recreated queues, opened by name as other programs would
                try (io.github.posixmq.PosixMq in = OpenOptions.writeOnly().existing().open(orders);
                        io.github.posixmq.PosixMq out = OpenOptions.readOnly().existing().open(shipping)) {
                    in.send(bytes("order 43"), 4);
                    assertThat(out.receive(WAIT)).contains(new Message(4, bytes("ORDER 43")));
                }
            });
    }

    @Test
    void deadLetterQueueByKeyNeedsAnAdapterBuiltFromTheRegistry() {
        String name = NAMES.name("raw");
        try (io.github.posixmq.PosixMq raw = OpenOptions.readWrite().create().capacity(2).maxMessageSize(64).open(name)) {
            assertThatThrownBy(() -> PosixMq.inboundChannelAdapter(raw).deadLetterQueue("orders-dlq"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs an adapter built from PosixMqQueues");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ReadmeFlow {

        @Bean
        IntegrationFlow orders(PosixMqQueues queues) {
            return IntegrationFlow.from(PosixMq.inboundChannelAdapter(queues, "orders")
                        .stringPayload()
                        .concurrency(2)
                        .errorChannel("ordersErrors")
                        .deadLetterQueue("orders-dlq"))
                .transform(String.class, text -> text.toUpperCase(Locale.ROOT))
                .handle(PosixMq.outboundChannelAdapter(queues, "shipping")
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
                .handle(PosixMq.outboundChannelAdapter(queues, environment.getProperty("test.key"))
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
            return IntegrationFlow.from(PosixMq.inboundChannelAdapter(queues, key)
                    .stringPayload(StandardCharsets.UTF_8)
                    .errorChannel("dslErrors")
                    .deadLetterQueue(queues.get(dlq))
                    .stopTimeout(Duration.ofSeconds(5))
                    .operationListener(new io.github.posixmq.boot.PosixMqOperationListener() {
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
