package io.github.posixmq.integration.runtime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueStat;
import io.github.posixmq.integration.TestQueues;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

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
