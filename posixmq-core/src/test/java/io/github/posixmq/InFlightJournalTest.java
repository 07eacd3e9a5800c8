package io.github.posixmq;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link InFlightJournal}: receive into a slot, done, what a reopened journal finds, and its refusals. */
class InFlightJournalTest {

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        queues.close();
    }

    @Test
    void aSlotReceivedIntoAndNotDoneIsFoundInFlightByTheNextOpenWithItsBytesAndPriority(@TempDir Path dir) {
        String name = queues.name("journal");
        try (PosixMq queue = OpenOptions.readWrite().createNew().capacity(4).maxMessageSize(64).open(name)) {
            queue.send("first".getBytes(StandardCharsets.UTF_8), 7);
            queue.send("second".getBytes(StandardCharsets.UTF_8), 3);
            try (InFlightJournal journal = InFlightJournal.open(dir, name, 2, 64)) {
                assertThat(journal.inFlight()).isEmpty();
                InFlightJournal.Slot slot = journal.slot(0);
                assertThat(slot.tryReceive(queue)).isEqualTo(7);
                assertThat(slot.isInFlight()).isTrue();
                assertThat(slot.bytes()).asString(StandardCharsets.UTF_8).isEqualTo("first");
                slot.done();
                assertThat(slot.isInFlight()).isFalse();
                assertThat(journal.slot(1).receive(queue)).isEqualTo(3);
                assertThat(journal.slot(0).tryReceive(queue)).isEqualTo(PosixMq.NO_MESSAGE);
                assertThat(journal.slot(0).isInFlight()).isFalse();
            }
            List<InFlightJournal.InFlight> left = InFlightJournal.read(InFlightJournal.fileOf(dir, name));
            assertThat(left).singleElement().satisfies((entry) -> {
                assertThat(entry.slot()).isEqualTo(1);
                assertThat(entry.priority()).isEqualTo(3);
                assertThat(entry.bytes()).asString(StandardCharsets.UTF_8).isEqualTo("second");
            });
            try (InFlightJournal journal = InFlightJournal.open(dir, name, 2, 64)) {
                assertThat(journal.inFlight()).singleElement().satisfies((slot) -> {
                    assertThat(slot.priority()).isEqualTo(3);
                    assertThat(slot.bytes()).asString(StandardCharsets.UTF_8).isEqualTo("second");
                    assertThat(slot.redeliveries()).isEqualTo(1);
                });
            }
            try (InFlightJournal journal = InFlightJournal.open(dir, name, 2, 64)) {
                InFlightJournal.Slot slot = journal.inFlight().get(0);
                assertThat(slot.redeliveries()).as("each open while in flight is one more redelivery").isEqualTo(2);
                slot.done();
            }
            try (InFlightJournal journal = InFlightJournal.open(dir, name, 2, 64)) {
                assertThat(journal.inFlight()).isEmpty();
            }
        }
    }

    @Test
    void aMessageReceivedButNotYetMarkedWhenTheHolderDiedIsDetectedNotLostSilently(@TempDir Path dir) {
        String name = queues.name("journal-window");
        try (PosixMq queue = OpenOptions.readWrite().createNew().capacity(4).maxMessageSize(64).open(name)) {
            queue.send("caught in the window".getBytes(StandardCharsets.UTF_8), 6);
            try (InFlightJournal journal = InFlightJournal.open(dir, name, 2, 64)) {
                // slot 0: received, then the process "dies" before markInFlight; slot 1: prepared, nothing came
                java.nio.ByteBuffer buffer = journal.slot(0).prepareReceive();
                assertThat(queue.tryReceive(buffer)).isEqualTo(6);
                assertThat(journal.slot(1).tryReceive(queue)).isEqualTo(PosixMq.NO_MESSAGE);
            }
            try (InFlightJournal journal = InFlightJournal.open(dir, name, 2, 64)) {
                assertThat(journal.inFlight()).isEmpty();
                assertThat(journal.lostInWindow()).singleElement().satisfies((slot) -> {
                    assertThat(slot.index()).isZero();
                    assertThat(new String(slot.windowBytes(), StandardCharsets.UTF_8))
                        .startsWith("caught in the window");
                    slot.done();
                });
            }
            try (InFlightJournal journal = InFlightJournal.open(dir, name, 2, 64)) {
                assertThat(journal.lostInWindow()).isEmpty();
            }
        }
    }

    @Test
    void aSecondHolderIsRefusedWithASentence(@TempDir Path dir) {
        String name = queues.name("journal-lock");
        try (InFlightJournal journal = InFlightJournal.open(dir, name, 1, 16)) {
            assertThatThrownBy(() -> InFlightJournal.open(dir, name, 1, 16))
                .isInstanceOf(InFlightJournal.JournalException.class)
                .hasMessageContaining("is in use by another consumer of " + name)
                .hasMessageContaining("its own journal directory");
        }
    }

    @Test
    void aJournalOfAnotherQueueOrWithOtherUsersAccessIsRefused(@TempDir Path dir) throws Exception {
        String name = queues.name("journal-a");
        Path file;
        try (InFlightJournal journal = InFlightJournal.open(dir, name, 1, 16)) {
            file = journal.file();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        Path other = InFlightJournal.fileOf(dir, name + "-b");
        Files.copy(file, other);
        assertThatThrownBy(() -> InFlightJournal.open(dir, name + "-b", 1, 16))
            .hasMessageContaining("belongs to queue " + name + ", not " + name + "-b");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThatThrownBy(() -> InFlightJournal.open(dir, name, 1, 16))
            .hasMessageContaining("which lets other users read or change messages; chmod 600 it");
    }

    @Test
    void aChangedGeometryKeepsWhatIsInFlightUntilItIsDone(@TempDir Path dir) {
        String name = queues.name("journal-geometry");
        try (PosixMq queue = OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(32).open(name)) {
            queue.send(new byte[] { 1, 2, 3 }, 1);
            try (InFlightJournal journal = InFlightJournal.open(dir, name, 1, 32)) {
                journal.slot(0).receive(queue);
            }
            try (InFlightJournal journal = InFlightJournal.open(dir, name, 4, 128)) {
                assertThat(journal.slotCount()).as("opened as it was, to redeliver first").isEqualTo(1);
                assertThat(journal.inFlight()).singleElement().satisfies((slot) -> {
                    assertThat(slot.bytes()).containsExactly(1, 2, 3);
                    slot.done();
                });
            }
            try (InFlightJournal journal = InFlightJournal.open(dir, name, 4, 128)) {
                assertThat(journal.slotCount()).isEqualTo(4);
                assertThat(journal.slotSize()).isEqualTo(128);
            }
        }
    }

    @Test
    void namesBecomeSafeFileNames() {
        assertThat(InFlightJournal.fileOf(Path.of("/j"), "/orders.in-1")).hasToString("/j/orders.in-1.journal");
        assertThat(InFlightJournal.fileOf(Path.of("/j"), "/.hidden café")).hasToString(
                "/j/%2Ehidden%20caf%C3%A9.journal");
    }
}
