package io.github.posixmq.integration.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.TestQueues;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * A removed queue stays open while the application runs: a producer that opened it before the removal keeps sending
 * into it long after recovery switched to the recreated queue, and every such message reaches the new queue exactly
 * once, forwarded as room frees up (not only at recovery checks).
 */
class PosixMqRemovedQueueTests {

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    @Test
    void messagesSentIntoTheRemovedQueueLongAfterTheSwitchAreMoved() throws Exception {
        String key = this.queues.name("late").substring(1);
        PosixMqSettings settings = PosixMqSettings.builder()
            .queue(PosixMqQueueSettings.builder(key).capacity(5L).maxMessageSize(64L).build())
            .recoveryCheckInterval(Duration.ofMillis(1)) // the old grace: one interval
            .build();
        try (PosixMqQueues registry = new PosixMqQueues(settings);
                PosixMq producer = OpenOptions.writeOnly().existing().open("/" + key)) {
            PosixMqRecovery recovery = new PosixMqRecovery(registry); // checked by hand below, never started
            PosixMq before = registry.get(key);
            PosixMq.unlink("/" + key);
            recovery.check();
            assertThat(registry.get(key)).as("switched to the recreated queue").isNotSameAs(before);
            // many checks, well after one check interval, while the removed queue is empty
            long start = System.nanoTime();
            int checks = 0;
            while (checks < 20 || System.nanoTime() - start < Duration.ofMillis(20).toNanos()) {
                recovery.check();
                checks++;
            }
            // a producer that opened the queue before its removal sends 20 messages into the removed queue (capacity
            // 5): the forwarder moves each to the new queue as it has room, with no further check
            Thread sender = new Thread(() -> {
                for (int i = 0; i < 20; i++) {
                    producer.send(("late " + i).getBytes(StandardCharsets.UTF_8), i % 3);
                }
            });
            sender.start();
            PosixMq current = registry.get(key);
            List<String> received = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Optional<Message> message = current.receive(Duration.ofSeconds(15));
                assertThat(message).as("message %s of 20", i + 1).isPresent();
                received.add(message.get().priority() + ":" + message.get().utf8());
            }
            sender.join(Duration.ofSeconds(15).toMillis());
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                expected.add((i % 3) + ":late " + i);
            }
            assertThat(received).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(current.tryReceive()).as("each exactly once").isEmpty();
            recovery.stop();
        }
    }
}
