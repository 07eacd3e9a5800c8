package io.github.posixmq.stream.binder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

import io.github.posixmq.Attributes;
import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqHeaders;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The posixmq binder in a Spring Cloud Stream application, against real kernel queues: provisioning, JSON to POJO
 * conversion, the priority header both ways, retry, the dead-letter queue, error handlers and concurrency.
 */
@ExtendWith(OutputCaptureExtension.class)
class PosixMqBinderTests {

    private final StreamApp app = new StreamApp();

    @AfterEach
    void close() {
        this.app.close();
    }

    @Test
    void provisionsTheQueuesWithTheBindingSettingsAndRemovesThemOnClose() {
        String in = this.app.destination("in");
        String out = this.app.destination("out");
        ConfigurableApplicationContext context = this.app.run(Functions.class,
                "spring.cloud.function.definition=uppercase",
                "spring.cloud.stream.bindings.uppercase-in-0.destination=" + in,
                "spring.cloud.stream.bindings.uppercase-out-0.destination=" + out,
                "spring.cloud.stream.posixmq.bindings.uppercase-in-0.consumer.capacity=5",
                "spring.cloud.stream.posixmq.bindings.uppercase-in-0.consumer.max-message-size=128",
                "spring.cloud.stream.posixmq.bindings.uppercase-in-0.consumer.mode=0640");
        try (PosixMq mq = OpenOptions.readOnly().existing().open(in)) {
            Attributes attributes = mq.attributes();
            assertThat(attributes.capacity()).isEqualTo(5);
            assertThat(attributes.maxMessageSize()).isEqualTo(128);
        }
        try (PosixMq mq = OpenOptions.readOnly().existing().open(out)) {
            assertThat(mq.attributes().maxMessageSize()).isEqualTo(256); // the defaults of this test
        }
        context.close();
        assertThat(Files.exists(Path.of("/dev/mqueue", in))).isFalse();
        assertThat(Files.exists(Path.of("/dev/mqueue", out))).isFalse();
    }

    @Test
    void aQueueBoundTwiceIsOpenedOnceAndOtherSettingsAreNamed(CapturedOutput output) throws Exception {
        String in = this.app.destination("in");
        String shared = this.app.destination("shared");
        ConfigurableApplicationContext context = this.app.run(Functions.class,
                "spring.cloud.function.definition=uppercase;flaky",
                "spring.cloud.stream.bindings.uppercase-in-0.destination=" + in,
                "spring.cloud.stream.bindings.uppercase-out-0.destination=" + shared,
                "spring.cloud.stream.bindings.flaky-in-0.destination=" + shared,
                "spring.cloud.stream.posixmq.bindings.uppercase-out-0.producer.capacity=4",
                "spring.cloud.stream.posixmq.bindings.flaky-in-0.consumer.capacity=6");
        StreamApp.send(in, "passes", 0);
        assertThat(context.getBean(Functions.class).handled.poll(10, TimeUnit.SECONDS)).isEqualTo("PASSES");
        try (PosixMq mq = OpenOptions.readOnly().existing().open(shared)) {
            assertThat(mq.capacity()).isIn(4L, 6L); // whichever binding started first
        }
        assertThat(output.getAll()).containsOnlyOnce("POSIX message queue /" + shared + " is already open with the "
                + "settings of spring.cloud.stream.posixmq.bindings.");
    }

    @Test
    void convertsJsonToThePojoArgumentAndKeepsThePriority() {
        String in = this.app.destination("in");
        String out = this.app.destination("out");
        this.app.run(Functions.class, "spring.cloud.function.definition=accept",
                "spring.cloud.stream.bindings.accept-in-0.destination=" + in,
                "spring.cloud.stream.bindings.accept-out-0.destination=" + out);
        StreamApp.send(in, "{\"id\":42,\"item\":\"book\",\"qty\":3}", 7);
        StreamApp.send(in, "{\"id\":43,\"item\":\"pen\",\"qty\":1}", 2);
        Message first = StreamApp.receive(out);
        assertThat(first.priority()).isEqualTo(7);
        assertThat(StreamApp.text(first)).isEqualTo("{\"id\":42,\"item\":\"book\",\"qty\":3,\"status\":\"ACCEPTED\"}");
        Message second = StreamApp.receive(out);
        assertThat(second.priority()).isEqualTo(2);
        assertThat(StreamApp.text(second)).contains("\"id\":43");
    }

    @Test
    void theStandardPriorityHeaderBothWays() {
        String in = this.app.destination("in");
        String out = this.app.destination("out");
        this.app.run(Functions.class, "spring.cloud.function.definition=bump",
                "spring.cloud.stream.bindings.bump-in-0.destination=" + in,
                "spring.cloud.stream.bindings.bump-out-0.destination=" + out);
        StreamApp.send(in, "x", 4);
        // the function sees the queue priority in "priority" and sends only "priority" (as from a RabbitMQ binding)
        Message result = StreamApp.receive(out);
        assertThat(result.priority()).isEqualTo(5);
        assertThat(StreamApp.text(result)).isEqualTo("x");
    }

    @Test
    void setsThePriorityFromTheHeaderOrTheProducerDefault() {
        String in = this.app.destination("in");
        String out = this.app.destination("out");
        this.app.run(Functions.class, "spring.cloud.function.definition=urgent",
                "spring.cloud.stream.bindings.urgent-in-0.destination=" + in,
                "spring.cloud.stream.bindings.urgent-out-0.destination=" + out,
                "spring.cloud.stream.posixmq.bindings.urgent-out-0.producer.priority=3");
        StreamApp.send(in, "normal", 1);
        StreamApp.send(in, "urgent", 1);
        // "urgent" gets posixmq_priority 9 from the function, "normal" the producer default 3: urgent is read first
        Message first = StreamApp.receive(out);
        Message second = StreamApp.receive(out);
        assertThat(List.of(first.priority(), second.priority())).containsExactlyInAnyOrder(9, 3);
        assertThat(StreamApp.text(first.priority() == 9 ? first : second)).isEqualTo("URGENT");
        assertThat(StreamApp.text(first.priority() == 3 ? first : second)).isEqualTo("NORMAL");
    }

    @Test
    void retriesThenSendsTheOriginalBytesAndPriorityToTheDeadLetterQueueAndTheErrorHandler() throws Exception {
        String in = this.app.destination("in");
        String dlq = this.app.destination("dlq");
        ConfigurableApplicationContext context = this.app.run(Functions.class,
                "spring.cloud.function.definition=flaky",
                "spring.cloud.stream.bindings.flaky-in-0.destination=" + in,
                "spring.cloud.stream.bindings.flaky-in-0.group=g",
                "spring.cloud.stream.bindings.flaky-in-0.consumer.max-attempts=3",
                "spring.cloud.stream.bindings.flaky-in-0.consumer.back-off-initial-interval=10",
                "spring.cloud.stream.bindings.flaky-in-0.consumer.back-off-max-interval=20",
                "spring.cloud.stream.bindings.flaky-in-0.error-handler-definition=errors",
                "spring.cloud.stream.posixmq.bindings.flaky-in-0.consumer.dead-letter-queue=" + dlq);
        Functions functions = context.getBean(Functions.class);

        StreamApp.send(in, "fail twice", 4);
        assertThat(functions.handled.poll(10, TimeUnit.SECONDS)).isEqualTo("fail twice");
        assertThat(functions.attempts.get("fail twice")).hasValue(3);
        assertThat(StreamApp.poll(dlq)).isEmpty();

        StreamApp.send(in, "fail always", 6);
        Message dead = StreamApp.receive(dlq);
        assertThat(StreamApp.text(dead)).isEqualTo("fail always");
        assertThat(dead.priority()).isEqualTo(6);
        assertThat(functions.attempts.get("fail always")).hasValue(3);
        ErrorMessage error = functions.errors.poll(10, TimeUnit.SECONDS);
        assertThat(error).isNotNull();
        assertThat(error.getPayload()).hasRootCauseMessage("always fails: fail always");
    }

    @Test
    void withoutRetryTheFirstFailureGoesToTheDeadLetterQueue() {
        String in = this.app.destination("in");
        String dlq = this.app.destination("dlq");
        ConfigurableApplicationContext context = this.app.run(Functions.class,
                "spring.cloud.function.definition=flaky",
                "spring.cloud.stream.bindings.flaky-in-0.destination=" + in,
                "spring.cloud.stream.bindings.flaky-in-0.consumer.max-attempts=1",
                "spring.cloud.stream.posixmq.bindings.flaky-in-0.consumer.dead-letter-queue=" + dlq);
        StreamApp.send(in, "fail twice", 5);
        Message dead = StreamApp.receive(dlq);
        assertThat(StreamApp.text(dead)).isEqualTo("fail twice");
        assertThat(dead.priority()).isEqualTo(5);
        assertThat(context.getBean(Functions.class).attempts.get("fail twice")).hasValue(1);
    }

    @Test
    void withoutADeadLetterQueueAFailedMessageIsLoggedAtErrorWithItsBytesAsBase64(CapturedOutput output) {
        String in = this.app.destination("in");
        ConfigurableApplicationContext context = this.app.run(Functions.class,
                "spring.cloud.function.definition=flaky",
                "spring.cloud.stream.bindings.flaky-in-0.destination=" + in,
                "spring.cloud.stream.bindings.flaky-in-0.consumer.max-attempts=2",
                "spring.cloud.stream.bindings.flaky-in-0.consumer.back-off-initial-interval=10");
        StreamApp.send(in, "fail always", 8);
        String lost = "DROPPED a message from queue /" + in + " (priority 8, 11 bytes, base64 "
                + java.util.Base64.getEncoder().encodeToString("fail always".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "): its flow failed 1 time(s) and PosixMqMessageProducer[flaky-in-0, /" + in + "] has no dead-letter "
                + "queue; cause: ";
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> output.getAll().contains(lost));
        assertThat(context.getBean(Functions.class).attempts.get("fail always")).hasValue(2);
    }

    @Test
    void concurrencyReceivesOnThatManyThreads() throws Exception {
        String in = this.app.destination("in");
        ConfigurableApplicationContext context = this.app.run(Functions.class,
                "spring.cloud.function.definition=together",
                "spring.cloud.stream.bindings.together-in-0.destination=" + in,
                "spring.cloud.stream.bindings.together-in-0.consumer.concurrency=3");
        for (int i = 0; i < 3; i++) {
            StreamApp.send(in, "m" + i, 0);
        }
        Functions functions = context.getBean(Functions.class);
        // each message waits at a barrier of 3: they only all pass when 3 threads handle them at once
        for (int i = 0; i < 3; i++) {
            assertThat(functions.handled.poll(10, TimeUnit.SECONDS)).startsWith("m");
        }
        assertThat(functions.threads).hasSize(3).doesNotHaveDuplicates();
    }

    @Test
    void anExistingQueueWithAWiderModeFailsTheBindingUnlessShared() {
        String in = this.app.destination("in");
        OpenOptions.readWrite().createNew().mode(0666).capacity(2).maxMessageSize(64).open(in).close();
        int mode;
        try (PosixMq mq = OpenOptions.readOnly().existing().open(in)) {
            mode = mq.stat().mode();
        }
        assumeThat(mode & 077).as("this process's umask removes the group and other bits").isNotZero();
        assertThatThrownBy(() -> this.app.run(Functions.class, "spring.cloud.function.definition=uppercase",
                "spring.cloud.stream.binding-retry-interval=0",
                "spring.cloud.stream.bindings.uppercase-in-0.destination=" + in,
                "spring.cloud.stream.bindings.uppercase-out-0.destination=" + this.app.destination("out")))
            .hasStackTraceContaining("Invalid spring.cloud.stream.posixmq.bindings.uppercase-in-0.consumer.shared "
                    + "'false': existing queue /" + in + " is owned by uid")
            .hasStackTraceContaining("grants more than the configured mode 0600");
        ConfigurableApplicationContext context = this.app.run(Functions.class,
                "spring.cloud.function.definition=uppercase",
                "spring.cloud.stream.bindings.uppercase-in-0.destination=" + in,
                "spring.cloud.stream.bindings.uppercase-out-0.destination=" + this.app.destination("out"),
                "spring.cloud.stream.posixmq.bindings.uppercase-in-0.consumer.shared=true");
        context.close();
    }

    @Test
    void invalidQueueSettingsFailTheBindingWithThePropertyAndTheFix() {
        String in = this.app.destination("in");
        assertThatThrownBy(() -> this.app.run(Functions.class, "spring.cloud.function.definition=uppercase",
                "spring.cloud.stream.binding-retry-interval=0",
                "spring.cloud.stream.bindings.uppercase-in-0.destination=" + in,
                "spring.cloud.stream.bindings.uppercase-out-0.destination=" + this.app.destination("out"),
                "spring.cloud.stream.posixmq.bindings.uppercase-in-0.consumer.capacity=0"))
            .hasStackTraceContaining("Invalid spring.cloud.stream.posixmq.bindings.uppercase-in-0.consumer.capacity "
                    + "'0': the capacity must be at least 1")
            .hasStackTraceContaining("Set spring.cloud.stream.posixmq.bindings.uppercase-in-0.consumer.capacity "
                    + "between 1 and /proc/sys/fs/mqueue/msg_max");
        assertThatThrownBy(() -> this.app.run(Functions.class, "spring.cloud.function.definition=uppercase",
                "spring.cloud.stream.binding-retry-interval=0",
                "spring.cloud.stream.bindings.uppercase-in-0.destination=" + in,
                "spring.cloud.stream.bindings.uppercase-out-0.destination=" + this.app.destination("out"),
                "spring.cloud.stream.posixmq.bindings.uppercase-in-0.consumer.mode=rw"))
            .hasStackTraceContaining("Invalid spring.cloud.stream.posixmq.bindings.uppercase-in-0.consumer.mode 'rw': "
                    + "not an octal permission mode");
        assertThatThrownBy(() -> this.app.run(Functions.class, "spring.cloud.function.definition=uppercase",
                "spring.cloud.stream.binding-retry-interval=0",
                "spring.cloud.stream.bindings.uppercase-in-0.destination=" + in,
                "spring.cloud.stream.bindings.uppercase-out-0.destination=" + this.app.destination("out"),
                "spring.cloud.stream.posixmq.bindings.uppercase-in-0.consumer.create=false"))
            .hasStackTraceContaining("Invalid spring.cloud.stream.posixmq.bindings.uppercase-in-0.consumer.create "
                    + "'false': queue /" + in + " does not exist and create is false");
        assertThat(Files.exists(Path.of("/dev/mqueue", in))).isFalse();
    }

    @Test
    void aDeadLetterQueueSmallerThanTheQueueFailsTheBinding() {
        String in = this.app.destination("in");
        String dlq = this.app.destination("dlq");
        OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(64).open(dlq).close();
        assertThatThrownBy(() -> this.app.run(Functions.class, "spring.cloud.function.definition=flaky",
                "spring.cloud.stream.binding-retry-interval=0",
                "spring.cloud.stream.bindings.flaky-in-0.destination=" + in,
                "spring.cloud.stream.posixmq.bindings.flaky-in-0.consumer.dead-letter-queue=" + dlq))
            .hasStackTraceContaining("Invalid spring.cloud.stream.posixmq.bindings.flaky-in-0.consumer.dead-letter-queue"
                    + " '" + dlq + "': its max message size 64 is smaller than the 256 bytes of /" + in);
    }

    /** The functions the tests bind. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Functions {

        final BlockingQueue<String> handled = new LinkedBlockingQueue<>();

        final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

        final BlockingQueue<ErrorMessage> errors = new LinkedBlockingQueue<>();

        final List<String> threads = new CopyOnWriteArrayList<>();

        private final CyclicBarrier barrier = new CyclicBarrier(3);

        /** An order as JSON. */
        record Order(long id, String item, int qty, String status) {
        }

        @Bean
        Function<String, String> uppercase() {
            return String::toUpperCase;
        }

        @Bean
        Function<Order, Order> accept() {
            return (order) -> new Order(order.id(), order.item(), order.qty(), "ACCEPTED");
        }

        @Bean
        Function<org.springframework.messaging.Message<String>, org.springframework.messaging.Message<String>> urgent() {
            return (message) -> {
                MessageBuilder<String> result = MessageBuilder.withPayload(message.getPayload().toUpperCase())
                    .setHeader(MessageHeaders.CONTENT_TYPE, "text/plain");
                if (message.getPayload().equals("urgent")) {
                    result.setHeader(PosixMqHeaders.PRIORITY, 9);
                }
                return result.build();
            };
        }

        /** Sends its input with the standard priority header one higher, and no posixmq_priority. */
        @Bean
        Function<org.springframework.messaging.Message<String>, org.springframework.messaging.Message<String>> bump() {
            return (message) -> MessageBuilder.withPayload(message.getPayload())
                .setHeader(MessageHeaders.CONTENT_TYPE, "text/plain")
                .setHeader("priority", (Integer) message.getHeaders().get("priority") + 1)
                .build();
        }

        @Bean
        Consumer<String> flaky() {
            return (text) -> {
                int attempt = this.attempts.computeIfAbsent(text, (key) -> new AtomicInteger()).incrementAndGet();
                if (text.equals("fail always") || (text.equals("fail twice") && attempt <= 2)) {
                    throw new IllegalStateException((text.equals("fail always") ? "always fails: " : "attempt "
                            + attempt + " fails: ") + text);
                }
                this.handled.add(text);
            };
        }

        /** Refuses every message, quoting it (as a careless handler would): a peer's text in the cause. */
        @Bean
        Consumer<String> refuse() {
            return (text) -> {
                throw new IllegalStateException("cannot handle " + text);
            };
        }

        @Bean
        Consumer<ErrorMessage> errors() {
            return this.errors::add;
        }

        @Bean
        Consumer<String> together() {
            return (text) -> {
                this.threads.add(Thread.currentThread().getName());
                try {
                    this.barrier.await(10, TimeUnit.SECONDS);
                }
                catch (Exception ex) {
                    throw new IllegalStateException("fewer than 3 threads handled messages at once", ex);
                }
                this.handled.add(text);
            };
        }
    }
}
