package io.github.posixmq.stream.binder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.posixmq.InFlightJournal;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqHeaders;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code spring.cloud.stream.posixmq.bindings.<name>.consumer.journal}: what a crashed consumer left in flight is
 * delivered to the function first, with {@code posixmq_redelivered=true}, then new messages.
 */
class PosixMqBinderJournalTests {

    private final StreamApp app = new StreamApp();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        this.app.close();
    }

    @Test
    void aMessageACrashedConsumerLeftInFlightReachesTheFunctionFirstMarkedRedelivered() throws Exception {
        String in = this.app.destination("in");
        try (PosixMq queue = OpenOptions.readWrite().createNew().capacity(10).maxMessageSize(256).open("/" + in)) {
            queue.send("in hand".getBytes(StandardCharsets.UTF_8), 2);
            try (InFlightJournal crashed = InFlightJournal.open(this.dir, "/" + in, 1, 256)) {
                crashed.slot(0).receive(queue);
            }
            queue.send("new".getBytes(StandardCharsets.UTF_8), 9);
        }
        ConfigurableApplicationContext context = this.app.run(Journaled.class,
                "spring.cloud.function.definition=journaled",
                "spring.cloud.stream.bindings.journaled-in-0.destination=" + in,
                "spring.cloud.stream.posixmq.bindings.journaled-in-0.consumer.journal.enabled=true",
                "spring.cloud.stream.posixmq.bindings.journaled-in-0.consumer.journal.directory=" + this.dir);
        BlockingQueue<Message<String>> handled = context.getBean(Journaled.class).handled;
        Message<String> first = handled.poll(15, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(first.getPayload()).isEqualTo("in hand");
        assertThat(first.getHeaders()).containsEntry(PosixMqHeaders.REDELIVERED, true)
            .containsEntry(PosixMqHeaders.PRIORITY, 2);
        Message<String> second = handled.poll(15, TimeUnit.SECONDS);
        assertThat(second).isNotNull();
        assertThat(second.getPayload()).isEqualTo("new");
        assertThat(second.getHeaders()).doesNotContainKey(PosixMqHeaders.REDELIVERED);
        // the slot is marked done once the flow returned, just after the function handed the message over
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                    () -> assertThat(InFlightJournal.read(InFlightJournal.fileOf(this.dir, "/" + in))).isEmpty());
    }

    /** A consumer function that records what it got. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Journaled {

        final BlockingQueue<Message<String>> handled = new LinkedBlockingQueue<>();

        @Bean
        Consumer<Message<String>> journaled() {
            return this.handled::add;
        }
    }
}
