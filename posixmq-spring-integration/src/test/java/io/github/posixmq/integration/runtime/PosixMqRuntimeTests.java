package io.github.posixmq.integration.runtime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueStat;
import io.github.posixmq.integration.OtherUser;
import io.github.posixmq.integration.TestQueues;
import io.github.posixmq.integration.dsl.PosixMqs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.dsl.IntegrationFlow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * A Spring application without Spring Boot declares one {@link PosixMqRuntime} bean and gets the queues opened with
 * the ownership check, and recovery of a queue whose name is removed ({@code mq_unlink}).
 */
class PosixMqRuntimeTests {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    private static PosixMqRuntime runtime(String key, String name) {
        return new PosixMqRuntime(PosixMqSettings.builder()
            .queue(PosixMqQueueSettings.builder(key).name(name).capacity(3L).maxMessageSize(64L).build())
            .recoveryCheckInterval(Duration.ofMillis(20))
            .build());
    }

    private static AnnotationConfigApplicationContext context(String key, String name) {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.registerBean("posixMqRuntime", PosixMqRuntime.class, () -> runtime(key, name));
        context.refresh();
        return context;
    }

    @Test
    void theDocumentedFlowReceivesThroughTheRuntime() throws Exception {
        String orders = this.queues.name("docflow");
        String deadLetters = this.queues.name("docflow-dlq");
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
            context.register(IntegrationConfiguration.class);
            // the snippet of docs/spring-integration.md, "The queue runtime as one bean"
            context.registerBean("posixMqRuntime", PosixMqRuntime.class, () -> new PosixMqRuntime(PosixMqSettings
                .builder()
                .queue(PosixMqQueueSettings.builder("orders").name(orders).capacity(10L).maxMessageSize(1024L).build())
                .queue(PosixMqQueueSettings.builder("orders-dlq").name(deadLetters).capacity(10L).maxMessageSize(1024L)
                    .build())
                .build()));
            context.registerBean("orders", IntegrationFlow.class, () -> IntegrationFlow
                .from(PosixMqs.inboundChannelAdapter(context.getBean(PosixMqRuntime.class), "orders")
                    .stringPayload()
                    .deadLetterQueue("orders-dlq"))
                .handle(String.class, (payload, headers) -> {
                    received.add(payload);
                    return null;
                })
                .get());
            context.refresh();
            try (PosixMq mq = OpenOptions.writeOnly().existing().open(orders)) {
                mq.send("order 1".getBytes(StandardCharsets.UTF_8), 1);
            }
            assertThat(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("order 1");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableIntegration
    static class IntegrationConfiguration {
    }

    @Test
    void theBeanOpensNothingUntilItIsInitialized() {
        String name = this.queues.name("lazy");
        PosixMqRuntime runtime = runtime("lazy", name);
        assertThat(Files.exists(Path.of("/dev/mqueue", name.substring(1)))).isFalse();
        assertThat(runtime.queues().info("lazy").name()).isEqualTo(name);
        runtime.afterPropertiesSet();
        try {
            assertThat(Files.exists(Path.of("/dev/mqueue", name.substring(1)))).isTrue();
        }
        finally {
            runtime.destroy();
        }
        assertThat(Files.exists(Path.of("/dev/mqueue", name.substring(1))))
            .as("a runtime that never started removes the queues it created").isFalse();
    }

    @Test
    void aQueueWhoseNameIsRemovedIsRecreatedAndItsMessagesMoved() {
        String name = this.queues.name("recover");
        try (AnnotationConfigApplicationContext context = context("orders", name)) {
            PosixMqRuntime runtime = context.getBean(PosixMqRuntime.class);
            PosixMq before = runtime.get("orders");
            before.send("kept".getBytes(StandardCharsets.UTF_8), 4);
            PosixMq.unlink(name);
            await().atMost(WAIT).until(() -> runtime.get("orders") != before);
            try (PosixMq byName = OpenOptions.readWrite().existing().open(name)) {
                assertThat(byName.receive(WAIT)).contains(new Message(4, "kept".getBytes(StandardCharsets.UTF_8)));
                byName.send("new".getBytes(StandardCharsets.UTF_8), 1);
            }
            assertThat(runtime.resolve("orders").get().tryReceive())
                .contains(new Message(1, "new".getBytes(StandardCharsets.UTF_8)));
            assertThat(runtime.queues().detachedReason("orders")).isEmpty();
        }
    }

    @Test
    void aQueueOfAnotherUserIsRefused() throws Exception {
        StringBuilder why = new StringBuilder();
        Optional<OtherUser> other = OtherUser.create(why);
        assumeThat(other).as(why.toString()).isPresent();
        String name = this.queues.name("squatted");
        try (OtherUser user = other.get()) {
            user.createQueue(name, 0666, 3, 64);
            assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> context("orders", name))
                .havingRootCause()
                .isInstanceOf(PosixMqConfigurationException.class)
                .withMessageContaining("owned by uid 65534")
                .withMessageContaining("posixmq.queues.orders.shared");
        }
        assertThat(Files.exists(Path.of("/dev/mqueue", name.substring(1))))
            .as("another user's queue is never removed").isTrue();
    }

    @Test
    void anOwnQueueWithAWiderModeIsRefused() {
        String name = this.queues.name("wide");
        OpenOptions.readWrite().createNew().mode(0666).capacity(3).maxMessageSize(64).open(name).close();
        QueueStat stat;
        try (PosixMq mq = PosixMq.open(name)) {
            stat = mq.stat();
        }
        assumeThat(stat.mode() & 077).as("the umask removes the group and other bits").isNotZero();
        assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> context("orders", name))
            .havingRootCause()
            .isInstanceOf(PosixMqConfigurationException.class)
            .withMessageContaining("grants more than the configured mode 0600");
    }
}
