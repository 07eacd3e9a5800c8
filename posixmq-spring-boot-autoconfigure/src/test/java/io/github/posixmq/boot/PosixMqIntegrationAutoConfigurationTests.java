package io.github.posixmq.boot;

import io.github.posixmq.boot.adapters.PosixMqChannelAdapterRegistrar;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.template.PosixMqTemplate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import io.github.posixmq.integration.outbound.PosixMqMessageHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.integration.endpoint.AbstractEndpoint;
import org.springframework.integration.endpoint.MessageProducerSupport;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class PosixMqIntegrationAutoConfigurationTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final TestQueues queues = new TestQueues();

    private final ApplicationContextRunner runner = TestQueues.integrationRunner();

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    /** Subscribes a collecting handler to {@code channel}. */
    private static BlockingQueue<org.springframework.messaging.Message<?>> collect(ApplicationContext context,
            String channel) {
        BlockingQueue<org.springframework.messaging.Message<?>> received = new LinkedBlockingQueue<>();
        context.getBean(channel, SubscribableChannel.class).subscribe(received::add);
        return received;
    }

    private static org.springframework.messaging.Message<?> next(BlockingQueue<org.springframework.messaging.Message<?>> received)
            throws InterruptedException {
        org.springframework.messaging.Message<?> message = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(message).as("a message within %s", WAIT).isNotNull();
        return message;
    }

    /** Sends through a descriptor of our own, as another program would. */
    private static void sendFromOutside(String name, byte[] bytes, int priority) {
        try (PosixMq mq = OpenOptions.writeOnly().open(name)) {
            mq.send(bytes, priority);
        }
    }

    @Test
    void inboundCreatesTheMissingChannelAndSendsBytesWithPriorityAndQueueHeaders() {
        String key = this.queues.key("in");
        this.runner.withPropertyValues(TestQueues.smallQueue(key, "inbound.channel=ordersIn")).run(context -> {
            assertThat(context.getBean("ordersIn")).isInstanceOf(DirectChannel.class);
            PosixMqMessageProducer adapter = context.getBean(
                    PosixMqChannelAdapterRegistrar.inboundAdapterBeanName(key), PosixMqMessageProducer.class);
            assertThat(adapter.isRunning()).isTrue();
            assertThat(adapter.getConcurrency()).isEqualTo(1);
            assertThat(adapter.getCharset()).isNull();
            BlockingQueue<org.springframework.messaging.Message<?>> received = collect(context, "ordersIn");
            sendFromOutside("/" + key, "order 1".getBytes(StandardCharsets.UTF_8), 7);
            org.springframework.messaging.Message<?> message = next(received);
            assertThat(message.getPayload()).isEqualTo("order 1".getBytes(StandardCharsets.UTF_8));
            assertThat(message.getHeaders()).containsEntry(PosixMqHeaders.PRIORITY, 7)
                .containsEntry(PosixMqHeaders.QUEUE, "/" + key);
        });
    }

    @Test
    void inboundUsesTheUsersChannelOfThatName() {
        String key = this.queues.key("in");
        this.runner.withUserConfiguration(UserQueueChannel.class)
            .withPropertyValues(TestQueues.smallQueue(key, "inbound.channel=userChannel"))
            .run(context -> {
                QueueChannel channel = context.getBean("userChannel", QueueChannel.class);
                sendFromOutside("/" + key, new byte[] { 1, 2, 3 }, 2);
                org.springframework.messaging.Message<?> message = channel.receive(WAIT.toMillis());
                assertThat(message).isNotNull();
                assertThat(message.getPayload()).isEqualTo(new byte[] { 1, 2, 3 });
            });
    }

    @Test
    void inboundEnabledFlagAndDefaultChannel() {
        String disabled = this.queues.key("off");
        String defaulted = this.queues.key("default");
        String none = this.queues.key("none");
        this.runner
            .withPropertyValues(TestQueues.smallQueue(disabled, "inbound.channel=neverCreated", "inbound.enabled=false"))
            .withPropertyValues(TestQueues.smallQueue(defaulted, "inbound.enabled=true"))
            .withPropertyValues(TestQueues.smallQueue(none))
            .run(context -> {
                assertThat(context).doesNotHaveBean(PosixMqChannelAdapterRegistrar.inboundAdapterBeanName(disabled))
                    .doesNotHaveBean("neverCreated")
                    .doesNotHaveBean(PosixMqChannelAdapterRegistrar.inboundAdapterBeanName(none))
                    .doesNotHaveBean(PosixMqChannelAdapterRegistrar.outboundAdapterBeanName(none))
                    .hasBean(PosixMqChannelAdapterRegistrar.inboundAdapterBeanName(defaulted));
                BlockingQueue<org.springframework.messaging.Message<?>> received = collect(context,
                        defaulted + ".inbound");
                sendFromOutside("/" + defaulted, "x".getBytes(StandardCharsets.UTF_8), 0);
                assertThat(next(received).getHeaders()).containsEntry(PosixMqHeaders.QUEUE, "/" + defaulted);
                assertThat(context.getBeansOfType(PosixMqMessageProducer.class)).hasSize(1);
            });
    }

    @Test
    void inboundConcurrencyStartsThatManyReceivingThreads() {
        String key = this.queues.key("busy");
        this.runner.withPropertyValues(TestQueues.smallQueue(key, "inbound.channel=busyIn", "inbound.concurrency=3")).run(context -> {
            PosixMqMessageProducer adapter = context.getBean(PosixMqMessageProducer.class);
            assertThat(adapter.getConcurrency()).isEqualTo(3);
            await().atMost(WAIT).until(adapter::getActiveReceivers, count -> count == 3);
            BlockingQueue<org.springframework.messaging.Message<?>> received = new LinkedBlockingQueue<>();
            Set<String> threads = ConcurrentHashMap.newKeySet();
            context.getBean("busyIn", SubscribableChannel.class).subscribe(message -> {
                threads.add(Thread.currentThread().getName());
                received.add(message);
            });
            for (int i = 0; i < 30; i++) {
                sendFromOutside("/" + key, ("m" + i).getBytes(StandardCharsets.UTF_8), 0);
            }
            Set<String> payloads = new HashSet<>();
            for (int i = 0; i < 30; i++) {
                payloads.add(new String((byte[]) next(received).getPayload(), StandardCharsets.UTF_8));
            }
            assertThat(payloads).hasSize(30);
            assertThat(threads).allMatch(name -> name.startsWith(
                    PosixMqChannelAdapterRegistrar.inboundAdapterBeanName(key) + "-"));
        });
    }

    @Test
    void inboundStringPayloadWithCharset() {
        String utf8 = this.queues.key("utf8");
        String latin1 = this.queues.key("latin1");
        this.runner
            .withPropertyValues(TestQueues.smallQueue(utf8, "inbound.channel=utf8In", "inbound.payload-type=string"))
            .withPropertyValues(TestQueues.smallQueue(latin1, "inbound.channel=latin1In", "inbound.payload-type=STRING",
                    "inbound.charset=ISO-8859-1"))
            .run(context -> {
                BlockingQueue<org.springframework.messaging.Message<?>> utf8In = collect(context, "utf8In");
                BlockingQueue<org.springframework.messaging.Message<?>> latin1In = collect(context, "latin1In");
                sendFromOutside("/" + utf8, "café".getBytes(StandardCharsets.UTF_8), 1);
                sendFromOutside("/" + latin1, new byte[] { 'c', 'a', 'f', (byte) 0xE9 }, 1);
                assertThat(next(utf8In).getPayload()).isEqualTo("café");
                assertThat(next(latin1In).getPayload()).isEqualTo("café");
            });
    }

    @Test
    void failingHandlerGoesToTheErrorChannelAndTheOriginalBytesAndPriorityToTheDeadLetterQueue() {
        String key = this.queues.key("fails");
        String dlq = this.queues.key("dlq");
        this.runner.withUserConfiguration(UserQueueChannel.class)
            .withPropertyValues(TestQueues.smallQueue(key, "inbound.channel=failing", "inbound.error-channel=userChannel",
                    "inbound.dead-letter-queue=" + dlq))
            .withPropertyValues(TestQueues.smallQueue(dlq))
            .run(context -> {
                context.getBean("failing", SubscribableChannel.class).subscribe(message -> {
                    throw new IllegalStateException("handler refuses " + message.getHeaders().get(PosixMqHeaders.PRIORITY));
                });
                byte[] original = { 0, (byte) 0xFF, 42 };
                sendFromOutside("/" + key, original, 11);
                org.springframework.messaging.Message<?> error = context.getBean("userChannel", QueueChannel.class)
                    .receive(WAIT.toMillis());
                assertThat(error).isInstanceOf(ErrorMessage.class);
                org.springframework.messaging.MessagingException exception =
                        (org.springframework.messaging.MessagingException) error.getPayload();
                assertThat(exception).hasRootCauseMessage("handler refuses 11");
                assertThat(exception.getFailedMessage().getPayload()).isEqualTo(original);
                assertThat(exception.getFailedMessage().getHeaders()).containsEntry(PosixMqHeaders.PRIORITY, 11);
                PosixMqTemplate template = context.getBean(PosixMqTemplate.class);
                assertThat(template.receive(dlq, WAIT)).contains(new Message(11, original));
            });
    }

    @Test
    void invalidTextGoesToTheErrorChannelAndDeadLetterQueueAndTheAdapterKeepsReceiving() {
        String key = this.queues.key("text");
        String dlq = this.queues.key("textdlq");
        this.runner.withUserConfiguration(UserQueueChannel.class)
            .withPropertyValues(TestQueues.smallQueue(key, "inbound.channel=textIn", "inbound.payload-type=string",
                    "inbound.error-channel=userChannel", "inbound.dead-letter-queue=/" + dlq))
            .withPropertyValues(TestQueues.smallQueue(dlq))
            .run(context -> {
                BlockingQueue<org.springframework.messaging.Message<?>> received = collect(context, "textIn");
                byte[] invalid = { 'o', 'k', (byte) 0xC3, (byte) 0x28 };
                sendFromOutside("/" + key, invalid, 4);
                sendFromOutside("/" + key, "fine".getBytes(StandardCharsets.UTF_8), 3);
                org.springframework.messaging.Message<?> error = context.getBean("userChannel", QueueChannel.class)
                    .receive(WAIT.toMillis());
                assertThat(error).isInstanceOf(ErrorMessage.class);
                org.springframework.messaging.MessagingException exception =
                        (org.springframework.messaging.MessagingException) error.getPayload();
                assertThat(exception).isInstanceOf(org.springframework.messaging.converter.MessageConversionException.class)
                    .hasMessageContaining("message of 4 bytes (priority 4) from queue /" + key + " is not valid UTF-8");
                assertThat(exception.getFailedMessage().getPayload()).isEqualTo(invalid);
                assertThat(next(received).getPayload()).isEqualTo("fine");
                assertThat(context.getBean(PosixMqTemplate.class).receive(dlq, WAIT)).contains(new Message(4, invalid));
            });
    }

    @Test
    void outboundSubscribesToTheChannelWithDefaultPriorityExpressionAndHeader() {
        String key = this.queues.key("out");
        String expr = this.queues.key("expr");
        this.runner
            .withPropertyValues(TestQueues.smallQueue(key, "outbound.channel=toQueue", "outbound.priority=6"))
            .withPropertyValues(TestQueues.smallQueue(expr, "outbound.channel=toExpr",
                    "outbound.priority-expression=headers['urgent'] == true ? 9 : null", "outbound.priority=2"))
            .run(context -> {
                assertThat(context.getBean("toQueue")).isInstanceOf(DirectChannel.class);
                assertThat(context.getBean(PosixMqChannelAdapterRegistrar.outboundAdapterBeanName(key),
                        AbstractEndpoint.class).isRunning()).isTrue();
                assertThat(context.getBean(PosixMqChannelAdapterRegistrar.outboundHandlerBeanName(key)))
                    .isInstanceOf(PosixMqMessageHandler.class);
                MessageChannel toQueue = context.getBean("toQueue", MessageChannel.class);
                toQueue.send(MessageBuilder.withPayload("text").build());
                toQueue.send(MessageBuilder.withPayload(new byte[] { 9 }).setHeader(PosixMqHeaders.PRIORITY, 1).build());
                PosixMqTemplate template = context.getBean(PosixMqTemplate.class);
                assertThat(template.receive(key, WAIT)).contains(new Message(6, "text".getBytes(StandardCharsets.UTF_8)));
                assertThat(template.receive(key, WAIT)).contains(new Message(1, new byte[] { 9 }));

                MessageChannel toExpr = context.getBean("toExpr", MessageChannel.class);
                toExpr.send(MessageBuilder.withPayload("a").setHeader("urgent", true).build());
                toExpr.send(MessageBuilder.withPayload("b").build());
                toExpr.send(MessageBuilder.withPayload("c").setHeader("urgent", true)
                    .setHeader(PosixMqHeaders.PRIORITY, "4").build());
                assertThat(template.receive(expr, WAIT)).contains(new Message(9, "a".getBytes(StandardCharsets.UTF_8)));
                assertThat(template.receive(expr, WAIT)).contains(new Message(4, "c".getBytes(StandardCharsets.UTF_8)));
                assertThat(template.receive(expr, WAIT)).contains(new Message(2, "b".getBytes(StandardCharsets.UTF_8)));
            });
    }

    @Test
    void outboundConvertsOtherPayloadsToJson() {
        String key = this.queues.key("json");
        this.runner.withPropertyValues(TestQueues.smallQueue(key, "outbound.channel=jsonOut")).run(context -> {
            context.getBean("jsonOut", MessageChannel.class).send(MessageBuilder.withPayload(new Order(42, "tea")).build());
            assertThat(context.getBean(PosixMqTemplate.class).receiveString(key, WAIT))
                .contains("{\"id\":42,\"item\":\"tea\"}");
        });
    }

    @Test
    void outboundFullQueueWaitsForTheSendTimeoutThenFailsNamingTheQueue() {
        String key = this.queues.key("full");
        this.runner
            .withPropertyValues("posixmq.queues." + key + ".capacity=1", "posixmq.queues." + key + ".max-message-size=16",
                    "posixmq.queues." + key + ".remove-on-shutdown=true",
                    "posixmq.queues." + key + ".outbound.channel=fullOut",
                    "posixmq.queues." + key + ".outbound.send-timeout=200ms")
            .run(context -> {
                MessageChannel out = context.getBean("fullOut", MessageChannel.class);
                out.send(MessageBuilder.withPayload("1").build());
                long start = System.nanoTime();
                assertThatThrownBy(() -> out.send(MessageBuilder.withPayload("2").build()))
                    .isInstanceOf(MessageDeliveryException.class)
                    .hasMessageContaining("queue /" + key + " stayed full (1 messages) for the send timeout of PT0.2S");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
            });
    }

    @Test
    void outboundEnabledFlagAndDefaultChannel() {
        String disabled = this.queues.key("off");
        String defaulted = this.queues.key("default");
        this.runner
            .withPropertyValues(TestQueues.smallQueue(disabled, "outbound.channel=neverCreated", "outbound.enabled=false"))
            .withPropertyValues(TestQueues.smallQueue(defaulted, "outbound.enabled=true"))
            .run(context -> {
                assertThat(context).doesNotHaveBean(PosixMqChannelAdapterRegistrar.outboundAdapterBeanName(disabled))
                    .doesNotHaveBean("neverCreated");
                context.getBean(defaulted + ".outbound", MessageChannel.class)
                    .send(MessageBuilder.withPayload("via default channel").build());
                assertThat(context.getBean(PosixMqTemplate.class).receiveString(defaulted, WAIT))
                    .contains("via default channel");
            });
    }

    @Test
    void adaptersBackOffWhenTheUserDefinesBeansOfTheirNames() {
        String key = "mine";
        this.runner.withUserConfiguration(UserQueueChannel.class)
            .withBean(PosixMqChannelAdapterRegistrar.inboundAdapterBeanName(key), String.class, () -> "user's")
            .withBean(PosixMqChannelAdapterRegistrar.outboundAdapterBeanName(key), String.class, () -> "user's")
            .withPropertyValues(TestQueues.smallQueue(key, "name=" + this.queues.name("mine"), "inbound.channel=userChannel",
                    "outbound.channel=mineOut"))
            .run(context -> {
                assertThat(context).doesNotHaveBean(PosixMqMessageProducer.class)
                    .doesNotHaveBean(PosixMqMessageHandler.class)
                    .doesNotHaveBean("mineOut");
                assertThat(context.getBean(PosixMqChannelAdapterRegistrar.inboundAdapterBeanName(key)))
                    .isEqualTo("user's");
            });
    }

    @Test
    void adaptersTellTheListenerBeansOfEveryReceiveAndSend() {
        String key = this.queues.key("listened");
        this.runner.withUserConfiguration(PosixMqAutoConfigurationTests.Listeners.class)
            .withPropertyValues(TestQueues.smallQueue(key, "inbound.channel=listenedIn", "outbound.channel=listenedOut"))
            .run(context -> {
                BlockingQueue<org.springframework.messaging.Message<?>> received = collect(context, "listenedIn");
                context.getBean("listenedOut", MessageChannel.class).send(MessageBuilder.withPayload("round trip").build());
                assertThat(next(received).getPayload()).isEqualTo("round trip".getBytes(StandardCharsets.UTF_8));
                PosixMqAutoConfigurationTests.RecordingListener listener = context.getBean("first",
                        PosixMqAutoConfigurationTests.RecordingListener.class);
                await().atMost(WAIT).untilAsserted(() -> assertThat(listener.events)
                    .containsExactlyInAnyOrder("send /" + key + " ok", "receive /" + key + " ok"));
            });
    }

    @Test
    void backsOffWithoutSpringIntegration() {
        String key = this.queues.key("nosi");
        this.runner.withClassLoader(new FilteredClassLoader(MessageProducerSupport.class))
            .withPropertyValues(TestQueues.smallQueue(key, "inbound.channel=noSi"))
            .run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(PosixMqQueues.class)
                    .doesNotHaveBean("posixMqChannelAdapterRegistrar")
                    .doesNotHaveBean(PosixMqChannelAdapterRegistrar.inboundAdapterBeanName(key));
            });
    }

    /** A JSON-serialized payload. */
    record Order(int id, String item) {
    }

    @Configuration(proxyBeanMethods = false)
    static class UserQueueChannel {

        @Bean
        QueueChannel userChannel() {
            return new QueueChannel();
        }
    }
}
