package io.github.posixmq;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A queue or selector that is never closed is closed when collected, with one warning naming it. */
class CleanerTest {

    private final TestQueues queues = new TestQueues();
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @AfterEach
    void cleanUp() {
        Logger.getLogger(PosixMq.class.getName()).removeHandler(capture);
        Logger.getLogger(PosixMqSelector.class.getName()).removeHandler(capture);
        queues.close();
    }

    @Test
    void aQueueThatIsNeverClosedIsClosedWhenCollectedAndNamedInOneWarning() {
        Logger.getLogger(PosixMq.class.getName()).addHandler(capture);
        String name = queues.name("forgotten");
        int fd = openAndForget(name);
        assertThat(linkOf(fd)).isEqualTo(name);

        await().atMost(Duration.ofSeconds(60)).until(() -> {
            System.gc();
            return !name.equals(linkOf(fd));
        });

        assertThat(records).filteredOn(r -> r.getMessage().contains(name)).singleElement()
                .satisfies(r -> assertThat(r.getLevel()).isEqualTo(Level.WARNING))
                .satisfies(r -> assertThat(r.getMessage()).contains("without close()"));
        try (PosixMq again = PosixMq.open(name)) {
            assertThat(again.currentMessages()).as("closing is all it did: the queue and its message remain")
                    .isEqualTo(1);
        }
    }

    @Test
    void aClosedQueueIsNotReportedWhenCollected() {
        Logger.getLogger(PosixMq.class.getName()).addHandler(capture);
        String name = queues.name("closed");
        int fd = openAndClose(name);
        assertThat(linkOf(fd)).isNotEqualTo(name);
        // a second queue that is forgotten is reported, which proves the cleaner ran meanwhile for collected queues
        String forgotten = queues.name("forgotten2");
        openAndForget(forgotten);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            System.gc();
            return records.stream().anyMatch(r -> r.getMessage().contains(forgotten));
        });
        assertThat(records).noneMatch(r -> r.getMessage().contains(name + " "));
    }

    @Test
    void aSelectorThatIsNeverClosedIsClosedWhenCollected() {
        Logger.getLogger(PosixMqSelector.class.getName()).addHandler(capture);
        long before = epollDescriptors();
        PosixMqSelector.open(); // and forgotten
        assertThat(epollDescriptors()).isEqualTo(before + 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            System.gc();
            return epollDescriptors() == before;
        });
        assertThat(records).filteredOn(r -> r.getMessage().contains("PosixMqSelector")).singleElement()
                .satisfies(r -> assertThat(r.getLevel()).isEqualTo(Level.WARNING));
    }

    private static int openAndForget(String name) {
        PosixMq mq = OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(16).open(name);
        mq.send(new byte[] {1}, 0);
        return mq.fileDescriptor();
    }

    private static int openAndClose(String name) {
        try (PosixMq mq = OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(16).open(name)) {
            return mq.fileDescriptor();
        }
    }

    private static String linkOf(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        }
        catch (IOException ex) {
            return "(closed)";
        }
    }

    private static long epollDescriptors() {
        return Host.openFiles().values().stream().filter(link -> link.contains("eventpoll")).count();
    }
}
