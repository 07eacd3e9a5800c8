package io.github.posixmq;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.github.posixmq.internal.Bindings;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The budget message reads queue names from /dev/mqueue as bytes, whatever the locale (the build runs it under LANG=C). */
class QueueBudgetTest {

    @TempDir
    Path dir;

    @Test
    void aDirectoryEntrysNameIsItsBytesNotTheLocalesDecoding() throws IOException {
        // nb-café, made from its bytes (a path from a String would be encoded with the locale's charset)
        Files.createFile(Path.of(URI.create(dir.toUri() + "nb-caf%C3%A9%25x")));
        try (Stream<Path> entries = Files.list(dir)) {
            Path entry = entries.findFirst().orElseThrow();
            assertThat(QueueBudget.fileName(entry))
                    .isEqualTo(("/nb-caf\u00e9%x\0").getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void queuesThisProcessHoldsAfterTheirNamesWereRemovedAreCountedToo() {
        try (TestQueues queues = new TestQueues()) {
            String name = queues.name("removed-caf\u00e9");
            long whileHeld;
            try (PosixMq held = OpenOptions.readWrite().createNew().capacity(3).maxMessageSize(100).open(name)) {
                PosixMq.unlink(name);
                assertThat(held.isUnlinked()).as("told from the descriptor's link, whatever the locale").isTrue();
                QueueBudget budget = QueueBudget.read(Bindings.instance());
                Assumptions.assumeTrue(budget != null, "/dev/mqueue is mounted here");
                assertThat(budget.removedHeld()).isPositive();
                assertThat(budget.removedBytes()).isGreaterThanOrEqualTo(Errors.queueBytes(3, 100));
                assertThat(budget.describe()).contains(" this process still holds open after ", " removed (mq_unlink) ");
                whileHeld = budget.removedBytes();
            }
            QueueBudget after = QueueBudget.read(Bindings.instance());
            assertThat(after.removedBytes()).as("closed: no longer charged")
                    .isLessThanOrEqualTo(whileHeld - Errors.queueBytes(3, 100));
        }
    }

    @Test
    void aQueueWithANonAsciiNameIsNotUnlinkedWhileItsNameExists() {
        try (TestQueues queues = new TestQueues();
                PosixMq mq = OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(16)
                        .open(queues.name("nb-caf\u00e9"))) {
            assertThat(mq.isUnlinked()).isFalse();
        }
    }
}
