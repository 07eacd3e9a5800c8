package io.github.posixmq.buildcheck;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The leftover-queue check against the real /dev/mqueue, with real queues created and removed by this test. */
class LeftoverQueuesTest {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private static final String BUILD = "2026-12-01T22:00:00Z";

    @TempDir
    Path tempDir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private String name = "";

    @BeforeEach
    void needsMountedMqueue() throws IOException {
        Assumptions.assumeTrue(LeftoverQueues.isMounted(LeftoverQueues.MQUEUE), "/dev/mqueue is not mounted");
        this.name = "/build-check-test-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    }

    @AfterEach
    void removeQueue() {
        PosixMq.unlinkIfExists(this.name);
    }

    private boolean compare(Path snapshot, long uid) {
        this.out.reset();
        this.err.reset();
        return LeftoverQueues.compare(LeftoverQueues.MQUEUE, snapshot, BUILD, uid,
                new PrintStream(this.out, true, StandardCharsets.UTF_8), new PrintStream(this.err, true, StandardCharsets.UTF_8));
    }

    private void create(String queue) {
        try (PosixMq mq = OpenOptions.readOnly().createNew().capacity(1).maxMessageSize(16).open(queue)) {
            assertThat(mq.capacity()).isEqualTo(1);
        }
    }

    @Test
    void aQueueCreatedAfterTheSnapshotFailsTheCheckUntilItIsRemoved() {
        Path snapshot = this.tempDir.resolve("snapshot.txt");
        LeftoverQueues.snapshot(LeftoverQueues.MQUEUE, snapshot, BUILD);
        long uid = LeftoverQueues.currentUid();
        assertThat(compare(snapshot, uid)).as(this.err.toString(StandardCharsets.UTF_8)).isTrue();

        this.name += "-it's\n\u001b[8m😀";
        create(this.name);
        assertThat(compare(snapshot, uid)).isFalse();
        String report = this.err.toString(StandardCharsets.UTF_8);
        String word = "$'/dev/mqueue" + this.name.substring(0, this.name.indexOf('\''))
                + "\\x27s\\x0a\\x1b[8m\\xf0\\x9f\\x98\\x80'";
        assertThat(report).startsWith(LeftoverQueues.PREFIX + "FAILED: this build (uid " + uid + ") left 1 queue in")
                .contains("\n  " + word + "\n", "Remove them with: rm -- " + word)
                .doesNotContain("\u001b");

        PosixMq.unlink(this.name);
        assertThat(compare(snapshot, uid)).isTrue();
        assertThat(this.out.toString(StandardCharsets.UTF_8))
                .isEqualTo(LeftoverQueues.PREFIX + "no queue of this build (uid " + uid + ") left in /dev/mqueue\n");
    }

    @Test
    void queuesOfOtherUsersAndQueuesThatWereThereBeforeDoNotCount() {
        Path empty = this.tempDir.resolve("snapshot.txt");
        create(this.name);
        LeftoverQueues.snapshot(LeftoverQueues.MQUEUE, empty, BUILD);
        assertThat(compare(empty, LeftoverQueues.currentUid())).as("there before").isTrue();

        Path before = this.tempDir.resolve("before.txt");
        PosixMq.unlink(this.name);
        LeftoverQueues.snapshot(LeftoverQueues.MQUEUE, before, BUILD);
        create(this.name);
        assertThat(compare(before, LeftoverQueues.currentUid() + 1)).as("another user's").isTrue();
        assertThat(compare(before, LeftoverQueues.currentUid())).as("this user's").isFalse();
    }

    @Test
    void withoutMqueueItSaysSoInOneLineAndPasses() throws IOException {
        Path plainDir = Files.createDirectory(this.tempDir.resolve("mqueue"));
        Path snapshot = this.tempDir.resolve("snapshot.txt");
        LeftoverQueues.snapshot(plainDir, snapshot, BUILD);
        this.out.reset();
        boolean passed = LeftoverQueues.compare(plainDir, snapshot, BUILD, 0, new PrintStream(this.out, true, StandardCharsets.UTF_8),
                new PrintStream(this.err, true, StandardCharsets.UTF_8));
        assertThat(passed).isTrue();
        assertThat(this.out.toString(StandardCharsets.UTF_8)).hasLineCount(1)
                .startsWith(LeftoverQueues.PREFIX + "skipped: " + plainDir + " is not mounted")
                .contains("mount -t mqueue none /dev/mqueue");

        // mounted now, but not when the build started
        assertThat(compare(snapshot, 0)).isTrue();
        assertThat(this.out.toString(StandardCharsets.UTF_8)).hasLineCount(1).contains("was not mounted when this build started");
    }

    @Test
    void aSnapshotOfAnotherBuildIsNotUsed() {
        Path snapshot = this.tempDir.resolve("snapshot.txt");
        LeftoverQueues.snapshot(LeftoverQueues.MQUEUE, snapshot, "2026-12-01T21:00:00Z");
        create(this.name);
        assertThat(compare(snapshot, LeftoverQueues.currentUid())).isTrue();
        assertThat(this.out.toString(StandardCharsets.UTF_8)).hasLineCount(1)
                .contains("is from another build (build 2026-12-01T21:00:00Z, this is build " + BUILD + ")");
    }

    @Test
    void shellWordsQuoteWhatTheShellWouldInterpret() {
        assertThat(LeftoverQueues.shellWord("/dev/mqueue/a b")).isEqualTo("'/dev/mqueue/a b'");
        assertThat(LeftoverQueues.shellWord("/dev/mqueue/a'b")).isEqualTo("'/dev/mqueue/a'\\''b'");
        assertThat(LeftoverQueues.shellWord("/dev/mqueue/a\\b\t")).isEqualTo("$'/dev/mqueue/a\\x5cb\\x09'");
    }
}
