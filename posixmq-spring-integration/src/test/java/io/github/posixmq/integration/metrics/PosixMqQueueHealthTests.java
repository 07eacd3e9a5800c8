package io.github.posixmq.integration.metrics;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.TestQueues;
import io.github.posixmq.integration.runtime.PosixMqQueueSettings;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.runtime.PosixMqSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The health of a queue of a registry without Spring Boot, on a real queue (capacity 4, messages up to 64 bytes). */
class PosixMqQueueHealthTests {

    private final TestQueues names = new TestQueues();

    @AfterEach
    void removeQueues() {
        this.names.close();
    }

    private PosixMqQueues registry(String key) {
        return new PosixMqQueues(PosixMqSettings.builder()
            .queue(PosixMqQueueSettings.builder(key).capacity(4L).maxMessageSize(64L).build())
            .build());
    }

    private String key(String hint) {
        return this.names.name(hint).substring(1);
    }

    @Test
    void aReadableQueueIsUpWithItsAttributesAndOutOfServiceAtTheFullThreshold() {
        String key = key("health");
        try (PosixMqQueues queues = registry(key)) {
            PosixMqQueueHealth health = new PosixMqQueueHealth(queues, key, 0.5);
            PosixMqQueueHealth.Result up = health.check();
            assertThat(up.status()).isEqualTo(PosixMqQueueHealth.Status.UP);
            assertThat(up.details()).containsExactly(Map.entry("queue", "/" + key),
                    Map.entry("currentMessages", 0L), Map.entry("capacity", 4L),
                    Map.entry("maxMessageSize", 64L), Map.entry("fullThreshold", 0.5));
            PosixMq queue = queues.get(key);
            queue.send("one".getBytes(StandardCharsets.UTF_8), 0);
            assertThat(health.check().status()).isEqualTo(PosixMqQueueHealth.Status.UP);
            queue.send("two".getBytes(StandardCharsets.UTF_8), 0);
            PosixMqQueueHealth.Result full = health.check();
            assertThat(full.status()).isEqualTo(PosixMqQueueHealth.Status.OUT_OF_SERVICE);
            assertThat(full.details()).containsEntry("currentMessages", 2L);
        }
    }

    @Test
    void missingReceiversMakeItDownAndAWaitOnTheDeadLetterQueueOutOfService() {
        String key = key("receivers");
        try (PosixMqQueues queues = registry(key)) {
            PosixMqQueueHealth.Result missing = new PosixMqQueueHealth(queues, key, null, () -> false, () -> 1).check();
            assertThat(missing.status()).isEqualTo(PosixMqQueueHealth.Status.DOWN);
            assertThat(missing.details()).containsEntry("queue", "/" + key).containsKey("missingReceivers");
            PosixMqQueueHealth.Result blocked = new PosixMqQueueHealth(queues, key, null, () -> true, () -> 0).check();
            assertThat(blocked.status()).isEqualTo(PosixMqQueueHealth.Status.OUT_OF_SERVICE);
            assertThat(blocked.details()).containsKey("blockedOnDeadLetterQueue").doesNotContainKey("fullThreshold");
        }
    }

    @Test
    void aRemovedQueueIsDownWithTheErrorAsSpringBootWritesIt() {
        String key = key("removed");
        try (PosixMqQueues queues = registry(key)) {
            PosixMq.unlink("/" + key);
            PosixMqQueueHealth.Result down = new PosixMqQueueHealth(queues, key, null).check();
            assertThat(down.status()).isEqualTo(PosixMqQueueHealth.Status.DOWN);
            assertThat(down.details().keySet()).containsExactly("error", "queue");
            assertThat((String) down.details().get("error"))
                .startsWith("io.github.posixmq.QueueNotFoundException: queue /" + key + " was removed (mq_unlink)");
        }
    }

    @Test
    void aFullThresholdOutsideZeroToOneIsRefused() {
        String key = key("threshold");
        try (PosixMqQueues queues = registry(key)) {
            assertThatIllegalArgumentException().isThrownBy(() -> new PosixMqQueueHealth(queues, key, 1.5))
                .withMessageContaining("fullThreshold must be greater than 0 and at most 1, got 1.5");
            assertThatIllegalArgumentException().isThrownBy(() -> new PosixMqQueueHealth(queues, key, 0.0));
        }
    }
}
