package io.github.posixmq.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.posixmq.InFlightJournal;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code posixmq.queues.<key>.inbound.journal}: a message the adapter has in hand sits in the journal until its flow
 * finished; one a crashed predecessor left there is delivered again first, with {@code posixmq_redelivered=true}.
 * (Killing the consumer process itself is {@code JournalKillTest} in core and the order-pipeline end-to-end test.)
 */
@ExtendWith(OutputCaptureExtension.class)
class PosixMqJournalTests {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final TestQueues queues = new TestQueues();

    private final ApplicationContextRunner runner = TestQueues.integrationRunner();

    @TempDir
    Path dir;

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    @Test
    void aMessageACrashedConsumerLeftInFlightIsDeliveredAgainFirstWithTheRedeliveredHeader() {
        String key = this.queues.key("journal");
        String name = "/" + key;
        try (PosixMq queue = OpenOptions.readWrite().createNew().capacity(10).maxMessageSize(256).open(name)) {
            queue.send("in hand".getBytes(StandardCharsets.UTF_8), 5);
            try (InFlightJournal crashed = InFlightJournal.open(this.dir, name, 1, 256)) {
                crashed.slot(0).receive(queue); // received, never finished: what a SIGKILL leaves
            }
            queue.send("new".getBytes(StandardCharsets.UTF_8), 9);
            List<Message<?>> handled = new CopyOnWriteArrayList<>();
            this.runner.withPropertyValues(journaled(key))
                .withBean("journaled", DirectChannel.class, () -> channel(handled::add))
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    await().atMost(WAIT).until(() -> handled.size() == 2);
                    Message<?> first = handled.get(0);
                    assertThat(first.getPayload()).isEqualTo("in hand".getBytes(StandardCharsets.UTF_8));
                    assertThat(first.getHeaders()).containsEntry(PosixMqHeaders.REDELIVERED, true)
                        .containsEntry(PosixMqHeaders.REDELIVERY_COUNT, 1)
                        .containsEntry(PosixMqHeaders.PRIORITY, 5);
                    Message<?> second = handled.get(1);
                    assertThat(second.getPayload()).isEqualTo("new".getBytes(StandardCharsets.UTF_8));
                    assertThat(second.getHeaders()).doesNotContainKey(PosixMqHeaders.REDELIVERED);
                    assertThat(InFlightJournal.read(InFlightJournal.fileOf(this.dir, name))).isEmpty();
                });
        }
    }

    /**
     * What a SIGKILL inside the receive system call leaves, written by hand as the kernel leaves it (layout:
     * InFlightJournal, version 3): slot 0 "receiving" with the priority the kernel stored in the slot header and the
     * bytes it copied, zeros after them; slot 1 with a header no journal writes (someone edited the file).
     */
    @Test
    void aMessageACrashCaughtInsideTheReceiveIsDeliveredWithItsLengthInferredWarnedAndCounted(CapturedOutput output)
            throws Exception {
        String key = this.queues.key("inferred");
        String name = "/" + key;
        Path file;
        try (InFlightJournal crashed = InFlightJournal.open(this.dir, name, 2, 256)) {
            file = crashed.file();
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer slot = ByteBuffer.allocate(24 + 256).order(ByteOrder.LITTLE_ENDIAN);
            slot.putLong(0, 1L << 62).putInt(12, 6).put(24, "order 8".getBytes(StandardCharsets.UTF_8));
            channel.write(slot, 4096);
            slot.clear();
            slot.putLong(0, (1L << 63) | 9999).putInt(12, 0); // longer than the slot
            channel.write(slot, 4096 + 320);
        }
        List<Message<?>> handled = new CopyOnWriteArrayList<>();
        TestQueues.fullStackRunner().withPropertyValues(journaled(key)).withPropertyValues("posixmq.queues." + key
                + ".inbound.concurrency=2")
            .withBean("journaled", DirectChannel.class, () -> channel(handled::add))
            .run((context) -> {
                assertThat(context).hasNotFailed();
                await().atMost(WAIT).until(() -> handled.size() == 1);
                Message<?> message = handled.get(0);
                assertThat(message.getPayload()).isEqualTo("order 8".getBytes(StandardCharsets.UTF_8));
                assertThat(message.getHeaders()).containsEntry(PosixMqHeaders.REDELIVERED, true)
                    .containsEntry(PosixMqHeaders.LENGTH_INFERRED, true)
                    .containsEntry(PosixMqHeaders.REDELIVERY_COUNT, 1)
                    .containsEntry(PosixMqHeaders.PRIORITY, 6);
                assertThat(output.getAll()).contains("Delivering again a message of queue " + name
                        + " (priority 6) with an inferred length of 7 bytes")
                    .contains("DROPPED a message from queue " + name, "slot 1 of the in-flight journal",
                            "holds a state no journal writes");
                MeterRegistry meters = context.getBean(MeterRegistry.class);
                assertThat(meters.get("posixmq.journal.recovered.inferred").tag("queue", name).counter().count())
                    .isEqualTo(1);
                assertThat(meters.get("posixmq.messages.dropped").tag("queue", name).counter().count()).isEqualTo(1);
                await().atMost(WAIT).until(() -> InFlightJournal.read(file).isEmpty());
            });
    }

    @Test
    void aMessageIsInTheJournalWhileItsFlowRunsAndClearedWhenItFinished() throws Exception {
        String key = this.queues.key("inhand");
        String name = "/" + key;
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        this.runner.withPropertyValues(journaled(key))
            .withBean("journaled", DirectChannel.class, () -> channel((message) -> {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }))
            .run((context) -> {
                try (PosixMq queue = OpenOptions.writeOnly().open(name)) {
                    queue.send("order 7".getBytes(StandardCharsets.UTF_8), 3);
                }
                assertThat(entered.await(15, TimeUnit.SECONDS)).isTrue();
                Path file = InFlightJournal.fileOf(this.dir, name);
                assertThat(InFlightJournal.read(file)).singleElement().satisfies((entry) -> {
                    assertThat(entry.bytes()).isEqualTo("order 7".getBytes(StandardCharsets.UTF_8));
                    assertThat(entry.priority()).isEqualTo(3);
                    assertThat(entry.redeliveries()).isZero();
                });
                release.countDown();
                await().atMost(WAIT).until(() -> InFlightJournal.read(file).isEmpty());
            });
    }

    @Test
    void aJournalOnDedicatedThreadsFailsTheStartNamingTheFix() {
        String key = this.queues.key("dedicated");
        this.runner.withPropertyValues(journaled(key)).withPropertyValues("posixmq.dispatch.dedicated-threads=true")
            .withBean("journaled", DirectChannel.class, () -> channel((message) -> { }))
            .run((context) -> assertThat(context).hasFailed().getFailure().rootCause()
                .hasMessageContaining("the in-flight journal needs the shared dispatcher")
                .hasMessageContaining("turn dedicated threads off"));
    }

    private String[] journaled(String key) {
        return TestQueues.smallQueue(key, "inbound.channel=journaled", "inbound.journal.enabled=true",
                "inbound.journal.directory=" + this.dir, "inbound.retry.attempts=1");
    }

    private static DirectChannel channel(MessageHandler handler) {
        DirectChannel channel = new DirectChannel();
        channel.subscribe(handler);
        return channel;
    }
}
