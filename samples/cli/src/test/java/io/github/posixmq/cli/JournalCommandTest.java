package io.github.posixmq.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.github.posixmq.InFlightJournal;
import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code posixmq-cli journal list|replay} on a journal a consumer left with a message in flight. */
class JournalCommandTest {

    private final String name = "/posixmq-cli-journal-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    @TempDir
    Path dir;

    @AfterEach
    void removeQueue() {
        PosixMq.unlinkIfExists(this.name);
    }

    @Test
    void listShowsWhatAConsumerLeftInFlightAndReplaySendsItBackOnceTheConsumerIsGone() {
        try (PosixMq queue = OpenOptions.readWrite().createNew().capacity(3).maxMessageSize(64).open(this.name)) {
            queue.send("order\n42".getBytes(StandardCharsets.UTF_8), 5);
            Path file;
            try (InFlightJournal journal = InFlightJournal.open(this.dir, this.name, 2, 64)) {
                file = journal.file();
                journal.slot(1).receive(queue);
                assertThat(queue.currentMessages()).isZero();

                Result held = cli("journal", "replay", file.toString());
                assertThat(held.code).as("refused while the consumer holds the journal").isEqualTo(PosixMqCli.FAILURE);
                assertThat(held.err).contains("is in use by another consumer of " + this.name);
            }
            Result list = cli("journal", "list", this.dir.toString());
            assertThat(list.code).isZero();
            assertThat(list.out).contains("REDELIVERED").contains(file.toString())
                .contains("order\\n42").doesNotContain("order\n42");
            assertThat(list.out.lines().toList().get(1).split(" +")).containsSubsequence("1", "5", "8", "0",
                    "recorded");

            Result replay = cli("journal", "replay", file.toString());
            assertThat(replay.code).as(replay.err).isZero();
            assertThat(replay.out).contains("replayed 1 message to " + this.name);
            Optional<Message> back = queue.tryReceive();
            assertThat(back).hasValueSatisfying((message) -> {
                assertThat(message.priority()).isEqualTo(5);
                assertThat(message.utf8()).isEqualTo("order\n42");
            });
            assertThat(InFlightJournal.read(file)).as("cleared after the send").isEmpty();
            assertThat(cli("journal", "replay", file.toString()).out).contains("replayed 0 messages");
        }
    }

    /**
     * A consumer killed inside the receive system call leaves its slot as the kernel wrote it: state "receiving", the
     * priority the kernel stored in the slot header, the bytes it copied, zeros after them. Written here by hand, as
     * the kernel leaves it (layout: InFlightJournal, version 3).
     */
    @Test
    void listShowsAndReplaySendsAMessageWhoseLengthWasInferred() throws Exception {
        try (PosixMq queue = OpenOptions.readWrite().createNew().capacity(3).maxMessageSize(64).open(this.name)) {
            Path file;
            try (InFlightJournal journal = InFlightJournal.open(this.dir, this.name, 2, 64)) {
                file = journal.file();
            }
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                    java.nio.file.StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer slot = java.nio.ByteBuffer.allocate(24 + 64).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                slot.putLong(0, 1L << 62).putInt(12, 4).put(24, "order 7\0".getBytes(StandardCharsets.UTF_8));
                channel.write(slot, 4096);
            }
            Result list = cli("journal", "list", file.toString());
            assertThat(list.code).as(list.err).isZero();
            assertThat(list.out).contains("LENGTH");
            assertThat(list.out.lines().toList().get(1).split(" +")).containsSubsequence("0", "4", "7", "0",
                    "inferred", "order");

            Result replay = cli("journal", "replay", file.toString());
            assertThat(replay.code).as(replay.err).isZero();
            assertThat(replay.out).contains("replayed 1 message to " + this.name, "1 with an inferred length");
            assertThat(queue.tryReceive()).hasValueSatisfying((message) -> {
                assertThat(message.priority()).isEqualTo(4);
                assertThat(message.utf8()).as("the trailing zero byte is lost").isEqualTo("order 7");
            });
            assertThat(InFlightJournal.read(file)).isEmpty();
        }
    }

    @Test
    void aFileThatIsNotAJournalIsRefusedWithASentence() throws Exception {
        Path file = this.dir.resolve("x" + InFlightJournal.SUFFIX);
        java.nio.file.Files.write(file, new byte[4096]);
        Result list = cli("journal", "list", file.toString());
        assertThat(list.code).isEqualTo(PosixMqCli.FAILURE);
        assertThat(list.err).contains("is not a posixmq journal");
        assertThat(cli("journal", "frob").code).isEqualTo(PosixMqCli.USAGE);
    }

    private Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PosixMqCli cli = new PosixMqCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]),
                Path.of("/dev/mqueue"));
        int code = cli.run(List.of(args));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Result(int code, String out, String err) {
    }
}
