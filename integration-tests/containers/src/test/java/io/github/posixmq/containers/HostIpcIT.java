package io.github.posixmq.containers;

import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueNotFoundException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code --ipc=host}: the test JVM and a container share the host's IPC namespace, so this JVM's queues (opened
 * through posixmq-core) and the container's C program exchange messages both ways.
 */
@DockerTest
class HostIpcIT {

    private static final int MESSAGES = 100;

    private static GenericContainer<?> container;

    @BeforeAll
    static void start() throws Exception {
        container = Containers.tools("host-ipc", Containers.HOST);
        container.start();
        // --ipc=host means the engine's kernel: with Docker Desktop or a remote engine that is not this JVM's
        String hostBoot;
        try (FileInputStream in = new FileInputStream("/proc/sys/kernel/random/boot_id")) {
            hostBoot = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        String engineBoot = Containers.run(container, "cat", "/proc/sys/kernel/random/boot_id").trim();
        assertThat(engineBoot).as("the Docker engine must run on this JVM's kernel for --ipc=host").isEqualTo(hostBoot);
    }

    @AfterAll
    static void stop() {
        if (container != null) {
            container.stop();
        }
    }

    @Test
    void containerEchoesEveryMessageOfTheHostBackWithItsPriority() throws Exception {
        String requests = Containers.uniqueQueueName("requests");
        String replies = Containers.uniqueQueueName("replies");
        OpenOptions small = OpenOptions.readWrite().createNew().capacity(10).maxMessageSize(128);
        try (PosixMq out = small.open(requests); PosixMq in = small.open(replies)) {
            // more messages than the queues hold: the two sides must really take turns
            CompletableFuture<ExecResult> echo = CompletableFuture.supplyAsync(
                    () -> Containers.exec(container, "mqtool", "echo", requests, replies, "" + MESSAGES, "20"));
            Map<String, Integer> sent = new HashMap<>();
            Map<String, Integer> received = new HashMap<>();
            for (int i = 0; i < MESSAGES; i++) {
                String body = "order-" + i;
                int priority = (i * 7) % 32;
                sent.put(body, priority);
                while (!out.send(body.getBytes(StandardCharsets.UTF_8), priority, Duration.ofMillis(50))) {
                    takeReplies(in, received); // both queues full: make room
                }
            }
            while (received.size() < MESSAGES) {
                Optional<Message> reply = in.receive(Duration.ofSeconds(20));
                assertThat(reply).as("reply %d of %d", received.size() + 1, MESSAGES).isPresent();
                record(reply.get(), received);
            }
            assertThat(received).isEqualTo(sent);
            ExecResult result = echo.get(20, TimeUnit.SECONDS);
            assertThat(result.getExitCode()).as(result.getStderr()).isZero();
            assertThat(result.getStdout()).contains("echoed " + MESSAGES);
            assertThat(in.tryReceive()).as("nothing but the replies").isEmpty();
        }
        finally {
            PosixMq.unlinkIfExists(requests);
            PosixMq.unlinkIfExists(replies);
        }
    }

    @Test
    void queueCreatedInTheContainerIsOpenedOnTheHost() {
        String name = Containers.uniqueQueueName("from-container");
        try {
            Containers.run(container, "mqtool", "create", name, "5", "64", "0644");
            Containers.run(container, "mqtool", "send", name, "9", "hello from the container");
            try (PosixMq queue = OpenOptions.readOnly().open(name)) {
                assertThat(queue.capacity()).isEqualTo(5);
                assertThat(queue.maxMessageSize()).isEqualTo(64);
                Message message = queue.tryReceive().orElseThrow();
                assertThat(message.priority()).isEqualTo(9);
                assertThat(message.utf8()).isEqualTo("hello from the container");
            }
        }
        finally {
            // created by the container's root: only root (or the container) may unlink it
            Containers.exec(container, "mqtool", "unlink", name);
        }
        assertThatThrownBy(() -> PosixMq.open(name)).isInstanceOf(QueueNotFoundException.class);
    }

    private static void takeReplies(PosixMq in, Map<String, Integer> received) {
        Optional<Message> reply;
        while ((reply = in.tryReceive()).isPresent()) {
            record(reply.get(), received);
        }
    }

    private static void record(Message reply, Map<String, Integer> received) {
        Integer previous = received.put(reply.utf8(), reply.priority());
        assertThat(previous).as("duplicate reply %s", reply.utf8()).isNull();
    }
}
