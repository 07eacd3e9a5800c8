package io.github.posixmq;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A consumer process killed with SIGKILL mid-stream loses at most the messages it had in hand (one per receiving
 * thread); everything still in the kernel queue goes to the next consumer, in order, and nothing arrives twice. The
 * producer sends at one priority, so the queue is strictly FIFO: the killed consumer took a prefix of the stream and
 * the next consumer must receive exactly the rest, without a gap.
 */
class ConsumerKillTest {

    private static final boolean SOAK = Boolean.getBoolean("posixmq.soak");
    /** The consumer is killed once it has printed this many ids (while the producer is still sending). */
    private static final int KILL_AFTER = SOAK ? 100_000 : 5_000;
    /** Messages the producer sends after the kill, for the next consumer. */
    private static final int TAIL = SOAK ? 100_000 : 5_000;
    private static final int CONCURRENCY = 3;
    private static final int MAX_PAYLOAD = 100;
    private static final int FIFO = LoadMessages.FIFO_PRODUCER;

    private final TestQueues queues = new TestQueues();
    private Process consumer;

    @AfterEach
    void stopChildAndRemoveQueues() {
        if (consumer != null) {
            consumer.destroyForcibly();
        }
        queues.close();
    }

    @Test
    void killedConsumerLosesAtMostWhatItHeldAndTheNextConsumerGetsTheRest(@TempDir Path tmp) {
        assertTimeoutPreemptively(Duration.ofMinutes(SOAK ? 20 : 3), () -> run(tmp));
    }

    private void run(Path tmp) throws Exception {
        String name = queues.name("kill");
        try (PosixMq producer = OpenOptions.writeOnly().createNew().capacity(10)
                .maxMessageSize(LoadMessages.maxMessageSize(MAX_PAYLOAD)).open(name);
                PosixMq next = OpenOptions.readOnly().open(name)) {
            Path output = tmp.resolve("consumer.out");
            consumer = new ProcessBuilder(ChildJvm.command(tmp, KillableConsumerMain.class, name,
                    String.valueOf(CONCURRENCY), String.valueOf(MAX_PAYLOAD), "100"))
                    .redirectOutput(output.toFile()).redirectError(tmp.resolve("consumer.err").toFile()).start();

            // the producer sends until TAIL messages after the kill, so the kill always lands mid-stream
            AtomicBoolean killed = new AtomicBoolean();
            AtomicLong sent = new AtomicLong();
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                long end = Long.MAX_VALUE;
                for (long seq = 0; seq < end; seq++) {
                    if (end == Long.MAX_VALUE && killed.get()) {
                        end = seq + TAIL;
                    }
                    producer.send(LoadMessages.encode(FIFO, seq, MAX_PAYLOAD), 0);
                    sent.set(seq + 1);
                }
            });
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                    .failFast("the consumer process died", () -> !consumer.isAlive())
                    .until(() -> ChildJvm.completeLines(output).size() >= KILL_AFTER);
            consumer.destroyForcibly();
            assertThat(consumer.waitFor()).as("killed by SIGKILL; stderr: %s",
                    ChildJvm.readOrNone(tmp.resolve("consumer.err"))).isEqualTo(128 + 9);
            killed.set(true);

            List<String> killedLines = ChildJvm.completeLines(output);
            assertThat(killedLines).as("the killed consumer saw no corrupt message")
                    .noneMatch(line -> line.startsWith("CORRUPT"));
            Set<Long> first = new HashSet<>();
            for (String line : killedLines) {
                if (!line.equals("READY")) {
                    assertThat(first.add(Long.parseLong(line))).as("%s printed twice", line).isTrue();
                }
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(producer.currentMessages())
                    .as("with no consumer the producer fills the queue").isEqualTo(producer.capacity()));

            List<Long> second = new ArrayList<>();
            ByteBuffer buffer = ByteBuffer.allocateDirect((int) next.maxMessageSize());
            while (!sending.isDone() || next.currentMessages() > 0) {
                buffer.clear();
                int priority = next.receive(buffer, Duration.ofMillis(100));
                if (priority != PosixMq.NO_MESSAGE) {
                    second.add(LoadMessages.verify(buffer, buffer.position(), priority, MAX_PAYLOAD).seq());
                }
            }
            sending.get();

            long total = sent.get();
            assertThat(second).as("the next consumer received something").isNotEmpty();
            long resumedAt = second.get(0);
            List<Long> rest = new ArrayList<>();
            for (long seq = resumedAt; seq < total; seq++) {
                rest.add(seq);
            }
            assertThat(second).as("the next consumer receives everything after the killed consumer's share, in order")
                    .isEqualTo(rest);
            assertThat(first).as("the killed consumer only took messages before the next consumer's first")
                    .allMatch(seq -> seq < resumedAt);
            List<Long> lost = new ArrayList<>();
            for (long seq = 0; seq < resumedAt; seq++) {
                if (!first.contains(seq)) {
                    lost.add(seq);
                }
            }
            System.out.printf("ConsumerKillTest: %d sent, killed consumer processed %d, next consumer %d, lost in hand "
                    + "%s%n", total, first.size(), second.size(), lost);
            assertThat(lost).as("only messages the killed consumer had in hand may be lost")
                    .hasSizeLessThanOrEqualTo(CONCURRENCY);
        }
    }
}
