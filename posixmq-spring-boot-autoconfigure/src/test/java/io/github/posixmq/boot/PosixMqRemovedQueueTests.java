package io.github.posixmq.boot;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A removed queue stays open while the application runs: a producer that opened it before the removal keeps sending
 * into it long after recovery switched to the recreated queue, and every such message reaches the new queue.
 */
class PosixMqRemovedQueueTests {

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    @Test
    void messagesSentIntoTheRemovedQueueLongAfterTheSwitchAreMoved() {
        String key = this.queues.key("late");
        PosixMqProperties properties = new PosixMqProperties();
        PosixMqProperties.Queue queue = new PosixMqProperties.Queue();
        queue.setCapacity(5L);
        queue.setMaxMessageSize(DataSize.ofBytes(64));
        properties.getQueues().put(key, queue);
        properties.getRecovery().setCheckInterval(Duration.ofMillis(1)); // the old grace: one interval
        try (PosixMqQueues registry = new PosixMqQueues(properties);
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
            for (int i = 0; i < 3; i++) {
                producer.send(("late " + i).getBytes(StandardCharsets.UTF_8), i);
            }
            recovery.check();
            PosixMq current = registry.get(key);
            assertThat(current.tryReceive()).contains(new Message(2, "late 2".getBytes(StandardCharsets.UTF_8)));
            assertThat(current.tryReceive()).contains(new Message(1, "late 1".getBytes(StandardCharsets.UTF_8)));
            assertThat(current.tryReceive()).contains(new Message(0, "late 0".getBytes(StandardCharsets.UTF_8)));
            recovery.stop();
        }
    }
}
