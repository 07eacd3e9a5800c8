package io.github.posixmq.boot;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.posixmq.InFlightJournal;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
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
