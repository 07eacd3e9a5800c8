package io.github.posixmq.boot;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code remove-on-shutdown} of a queue that still holds messages removes it, and says how many went with it. */
@ExtendWith(OutputCaptureExtension.class)
class PosixMqRemoveOnShutdownTests {

    private final TestQueues queues = new TestQueues();

    private final ApplicationContextRunner runner = TestQueues.integrationRunner();

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    @Test
    void aQueueRemovedWithMessagesInItIsAWarnNamingHowMany(CapturedOutput output) {
        String key = this.queues.key("leftovers");
        this.runner.withPropertyValues(TestQueues.smallQueue(key)).run((context) -> {
            try (PosixMq queue = OpenOptions.writeOnly().open("/" + key)) {
                queue.send("one".getBytes(StandardCharsets.UTF_8), 1);
                queue.send("two".getBytes(StandardCharsets.UTF_8), 1);
            }
        });
        assertThat(Files.exists(Path.of("/dev/mqueue", key))).isFalse();
        assertThat(output.getAll()).contains("Removed POSIX message queue /" + key, "with 2 message(s) still in it");
    }

    @Test
    void anEmptyQueueIsRemovedQuietly(CapturedOutput output) {
        String key = this.queues.key("empty");
        this.runner.withPropertyValues(TestQueues.smallQueue(key)).run((context) -> {
        });
        assertThat(output.getAll()).doesNotContain("Removed POSIX message queue /" + key);
    }
}
