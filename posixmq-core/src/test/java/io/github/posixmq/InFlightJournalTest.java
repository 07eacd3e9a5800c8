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

    /**
     * What a SIGKILL during the receive system call leaves: the kernel dequeued the message, wrote its priority into
     * the slot header and copied its bytes into the slot, and the process died before the store that records the
     * length. The test plays that with the real kernel: {@code prepareReceive}, then the receive the slot makes,
     * without the store.
     */
    private static long receiveAndDie(InFlightJournal.Slot slot, PosixMq queue, int slotSize) {
        slot.prepareReceive();
        return queue.receiveToAddress(slot.payloadAddress(), slotSize, slot.priorityAddress(), 0);
    }

    @Test
    void aMessageTheKernelCopiedBeforeTheCrashIsDeliveredAgainWithItsLengthInferred(@TempDir Path dir) {
        String name = queues.name("journal-window");
        try (PosixMq queue = OpenOptions.readWrite().createNew().capacity(4).maxMessageSize(64).open(name)) {
            queue.send("a longer message, received and done first".getBytes(StandardCharsets.UTF_8), 7);
            queue.send("caught".getBytes(StandardCharsets.UTF_8), 6);
            try (InFlightJournal journal = InFlightJournal.open(dir, name, 2, 64)) {
                InFlightJournal.Slot slot = journal.slot(0);
                assertThat(slot.tryReceive(queue)).isEqualTo(7);
                slot.done();
                assertThat(receiveAndDie(slot, queue, 64)).isEqualTo(6);
                assertThat(slot.isInFlight()).isFalse();
                // slot 1: prepared, the queue was empty: nothing was dequeued into it
                assertThat(journal.slot(1).tryReceive(queue)).isEqualTo(PosixMq.NO_MESSAGE);
            }
            assertThat(InFlightJournal.read(InFlightJournal.fileOf(dir, name))).singleElement().satisfies((entry) -> {
                assertThat(entry.slot()).isZero();
                assertThat(entry.priority()).isEqualTo(6);
                assertThat(entry.bytes()).asString(StandardCharsets.UTF_8).isEqualTo("caught");
                assertThat(entry.lengthInferred()).isTrue();
            });
            try (InFlightJournal journal = InFlightJournal.open(dir, name, 2, 64)) {
                assertThat(journal.corrupt()).isEmpty();
                assertThat(journal.inFlight()).singleElement().satisfies((slot) -> {
                    assertThat(slot.index()).isZero();
                    assertThat(slot.priority()).isEqualTo(6);
                    assertThat(slot.bytes()).as("the longer message before it was zeroed")
                        .asString(StandardCharsets.UTF_8).isEqualTo("caught");
                    assertThat(slot.lengthInferred()).isTrue();
                    assertThat(slot.redeliveries()).isEqualTo(1);
                    slot.done();
                });
                InFlightJournal.Slot slot = journal.slot(0);
                queue.send(new byte[] { 9 }, 2);
                assertThat(slot.tryReceive(queue)).isEqualTo(2);
                assertThat(slot.lengthInferred()).as("a normal receive is not inferred").isFalse();
                slot.done();
            }
            try (InFlightJournal journal = InFlightJournal.open(dir, name, 2, 64)) {
                assertThat(journal.inFlight()).isEmpty();
            }
        }
    }

    @Test
    void theWindowRecoversZeroByteMessagesTrimsTrailingZerosAndKeepsFullSizeMessages(@TempDir Path dir) {
        String name = queues.name("journal-zeros");
        byte[] full = new byte[64];
        java.util.Arrays.fill(full, (byte) 0x5a);
        byte[] fullEndingInZeros = full.clone();
        fullEndingInZeros[62] = 0;
        fullEndingInZeros[63] = 0;
        try (PosixMq queue = OpenOptions.readWrite().createNew().capacity(4).maxMessageSize(64).open(name)) {
            queue.send(new byte[0], PosixMq.MQ_PRIO_MAX - 1);
            queue.send(fullEndingInZeros, 3);
            queue.send(full, 2);
            queue.send(new byte[] { 'a', 'b', 0, 0 }, 1);
            try (InFlightJournal journal = InFlightJournal.open(dir, name, 4, 64)) {
                for (int i = 0; i < 4; i++) {
                    receiveAndDie(journal.slot(i), queue, 64);
                }
            }
            try (InFlightJournal journal = InFlightJournal.open(dir, name, 4, 64)) {
                List<InFlightJournal.Slot> left = journal.inFlight();
                assertThat(left).hasSize(4).allSatisfy((slot) -> assertThat(slot.lengthInferred()).isTrue());
                assertThat(left.get(0).priority()).as("the highest priority, not the sentinel")
                    .isEqualTo(PosixMq.MQ_PRIO_MAX - 1);
                assertThat(left.get(0).bytes()).as("a zero-length message: the priority proves it").isEmpty();
                assertThat(left.get(1).bytes()).as("its trailing zeros are lost").hasSize(62)
                    .isEqualTo(java.util.Arrays.copyOf(fullEndingInZeros, 62));
                assertThat(left.get(2).bytes()).as("exactly the slot size").isEqualTo(full);
                assertThat(left.get(3).bytes()).containsExactly('a', 'b');
                left.forEach(InFlightJournal.Slot::done);
            }
        }
    }

    @Test
    void aSlotWhoseHeaderNoJournalWritesIsReportedCorruptNotDelivered(@TempDir Path dir) throws Exception {
        String name = queues.name("journal-edited");
        Path file;
        try (InFlightJournal journal = InFlightJournal.open(dir, name, 3, 16)) {
            file = journal.file();
        }
        int stride = JournalHeader.stride(16);
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer slot = java.nio.ByteBuffer.allocate(InFlightJournal.SLOT_HEADER + 4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            // slot 0: receiving with a "priority" no message can have; slot 1: in flight, longer than the slot;
            // slot 2: in flight with a priority of MQ_PRIO_MAX
            slot.putLong(0, 1L << 62).putInt(12, PosixMq.MQ_PRIO_MAX).put(InFlightJournal.SLOT_HEADER, (byte) 1);
            channel.write(slot.clear(), JournalHeader.SIZE);
            slot.putLong(0, (1L << 63) | 17).putInt(12, 0);
            channel.write(slot.clear(), JournalHeader.SIZE + stride);
            slot.putLong(0, (1L << 63) | ((long) PosixMq.MQ_PRIO_MAX << 32) | 1);
            channel.write(slot.clear(), JournalHeader.SIZE + 2L * stride);
        }
        assertThat(InFlightJournal.read(file)).isEmpty();
        try (InFlightJournal journal = InFlightJournal.open(dir, name, 3, 16)) {
            assertThat(journal.inFlight()).isEmpty();
            assertThat(journal.corrupt()).extracting(InFlightJournal.Slot::index).containsExactly(0, 1, 2);
            assertThat(journal.corrupt().get(0).rawBytes()).hasSize(16).startsWith(1);
            journal.corrupt().forEach(InFlightJournal.Slot::done);
        }
        try (InFlightJournal journal = InFlightJournal.open(dir, name, 3, 16)) {
            assertThat(journal.corrupt()).isEmpty();
        }
    }

    @Test
    void aTruncatedJournalOrOneOfAnotherVersionIsRefusedWithASentence(@TempDir Path dir) throws Exception {
        String name = queues.name("journal-truncated");
        Path file;
        try (InFlightJournal journal = InFlightJournal.open(dir, name, 2, 64)) {
            file = journal.file();
        }
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(JournalHeader.SIZE + 10);
        }
        assertThatThrownBy(() -> InFlightJournal.open(dir, name, 2, 64)).hasMessageContaining("is truncated or corrupt");
        assertThatThrownBy(() -> InFlightJournal.read(file)).hasMessageContaining("is truncated or corrupt");
        assertThatThrownBy(() -> InFlightJournal.openExisting(file)).hasMessageContaining("is truncated or corrupt");
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, 2), 8);
        }
        assertThatThrownBy(() -> InFlightJournal.open(dir, name, 2, 64))
            .hasMessageContaining("is of version 2, not " + JournalHeader.VERSION);
        Files.write(file, new byte[100]);
        assertThatThrownBy(() -> InFlightJournal.read(file)).hasMessageContaining("is not a posixmq journal");
    }

    @Test
    void aJournalFileOfAnotherUserIsRefused(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.getAttribute(Path.of("/proc/self"), "unix:uid")
            .equals(0), "only root can give a file to another user");
        String name = queues.name("journal-owner");
        Path file;
        try (InFlightJournal journal = InFlightJournal.open(dir, name, 1, 16)) {
            file = journal.file();
        }
        Files.setAttribute(file, "unix:uid", 65534);
        assertThatThrownBy(() -> InFlightJournal.open(dir, name, 1, 16))
            .hasMessageContaining("is owned by uid 65534, not by this user");
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
