package io.github.posixmq.integration.dsl;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.PosixMqQueueResolver;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.TestQueues;
import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Flows built in code with {@link PosixMqs#inboundChannelAdapter} and {@link PosixMqs#outboundChannelAdapter} in a
 * plain Spring context with {@code @EnableIntegration}: no Spring Boot.
 */
class PosixMqsTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final TestQueues names = new TestQueues();

    @AfterEach
    void removeQueues() {
        this.names.close();
    }

    @Test
    void flowFromOneQueueToAnotherWithCoreDescriptors() {
        String in = this.names.name("dsl-in");
        String out = this.names.name("dsl-out");
        try (PosixMq input = OpenOptions.readWrite().create().capacity(10).maxMessageSize(128).open(in);
                PosixMq output = OpenOptions.readWrite().create().capacity(10).maxMessageSize(128).open(out)) {
            run((context) -> context.registerBean("upperCaseFlow", IntegrationFlow.class, () -> IntegrationFlow
                .from(PosixMqs.inboundChannelAdapter(input).stringPayload().concurrency(2).id("dslInbound"))
                .transform(String.class, text -> text.toUpperCase(Locale.ROOT))
                .handle(PosixMqs.outboundChannelAdapter(output)
                    .priorityFunction(message -> ((String) message.getPayload()).length())
                    .sendTimeout(Duration.ofSeconds(1)))
                .get()), (context) -> {
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
    void outboundWithoutConverterRejectsOtherPayloadsClearly() {
        String name = this.names.name("noconv");
        try (PosixMq queue = OpenOptions.readWrite().create().capacity(1).maxMessageSize(16).open(name)) {
            run((context) -> context.registerBean("flow", IntegrationFlow.class, () -> IntegrationFlow.from("rawInput")
                .handle(PosixMqs.outboundChannelAdapter(queue).sendTimeout(Duration.ZERO))
                .get()), (context) -> {
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
    void inboundFromAResolverWithErrorChannelAndDeadLetterQueueByKey() {
        try (PosixMq orders = OpenOptions.readWrite().create().capacity(10).maxMessageSize(64)
            .open(this.names.name("orders"));
                PosixMq deadLetters = OpenOptions.readWrite().create().capacity(10).maxMessageSize(64)
                    .open(this.names.name("orders-dlq"))) {
            Map<String, PosixMq> queues = Map.of("orders", orders, "orders-dlq", deadLetters);
            PosixMqQueueResolver resolver = (key) -> PosixMqQueueSupplier.of(queues.get(key));
            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            QueueChannel errors = new QueueChannel();
            run((context) -> {
                context.registerBean("dslErrors", QueueChannel.class, () -> errors);
                context.registerBean("failingFlow", IntegrationFlow.class, () -> IntegrationFlow
                    .from(PosixMqs.inboundChannelAdapter(resolver, "orders")
                        .stringPayload(StandardCharsets.UTF_8)
                        .errorChannel("dslErrors")
                        .deadLetterQueue("orders-dlq")
                        .retry(2, Duration.ofMillis(1), 2, Duration.ofMillis(5))
                        .deadLetterSendTimeout(Duration.ofSeconds(5))
                        .stopTimeout(Duration.ofSeconds(5))
                        .operationListener(new PosixMqOperationListener() {
                            @Override
                            public void onReceive(String queueName, long durationNanos, @Nullable Throwable failure) {
                                events.add("receive " + queueName);
                            }

                            @Override
                            public void onSend(String queueName, long durationNanos, @Nullable Throwable failure) {
                                events.add("send " + queueName);
                            }
                        }))
                    .handle(String.class, (payload, headers) -> {
                        events.add("attempt");
                        throw new IllegalStateException("cannot handle " + payload);
                    })
                    .get());
            }, (context) -> {
                orders.send("poison".getBytes(StandardCharsets.UTF_8), 6);
                org.springframework.messaging.Message<?> error = errors.receive(WAIT.toMillis());
                assertThat(error).isInstanceOf(ErrorMessage.class);
                assertThat((Throwable) error.getPayload()).hasRootCauseMessage("cannot handle poison");
                assertThat(deadLetters.receive(WAIT)).contains(new Message(6, "poison".getBytes(StandardCharsets.UTF_8)));
                assertThat(events.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("receive " + orders.name());
                assertThat(events.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("attempt");
                assertThat(events.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("retried once").isEqualTo("attempt");
                assertThat(events.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("send " + deadLetters.name());
            });
        }
    }

    @Test
    void deadLetterQueueByKeyNeedsAnAdapterBuiltFromAResolver() {
        String name = this.names.name("raw");
        try (PosixMq raw = OpenOptions.readWrite().create().capacity(2).maxMessageSize(64).open(name)) {
            assertThatThrownBy(() -> PosixMqs.inboundChannelAdapter(raw).deadLetterQueue("orders-dlq"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs an adapter built from a PosixMqQueueResolver");
            assertThatThrownBy(() -> PosixMqs.inboundChannelAdapter(PosixMqQueueSupplier.of(raw))
                .deadLetterQueue("orders-dlq"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs an adapter built from a PosixMqQueueResolver");
        }
    }

    /** Starts a plain context with {@code @EnableIntegration} and the beans {@code setup} registers, then closes it. */
    private static void run(Consumer<AnnotationConfigApplicationContext> setup, ContextTest test) {
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
            context.register(IntegrationConfiguration.class);
            setup.accept(context);
            context.refresh();
            test.run(context);
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Assertions on a running context. */
    @FunctionalInterface
    interface ContextTest {

        void run(AnnotationConfigApplicationContext context) throws Exception;
    }

    /** A payload that is neither bytes nor text. */
    record Item(String name) {
    }

    @Configuration(proxyBeanMethods = false)
    @EnableIntegration
    static class IntegrationConfiguration {
    }
}
