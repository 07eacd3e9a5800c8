package io.github.posixmq.integration.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.TestQueues;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Removed queues are forwarded on a bounded shared executor and let go once drained and no longer held open: a
 * script that keeps removing a queue grows neither threads nor descriptors without bound.
 */
class RemovedQueueMoverTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    private PosixMqQueues registry(String name) {
        return new PosixMqQueues(PosixMqSettings.builder()
            .queue(PosixMqQueueSettings.builder("q").name(name).capacity(5L).maxMessageSize(64L).build())
            .build());
    }

    private static long forwardingThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter((thread) -> thread.getName().startsWith("posixmq-forward-"))
            .count();
    }

    @Test
    void aQueueRemovedAgainAndAgainNeverGrowsThreadsNorHeldQueuesWithoutBound() {
        String name = this.queues.name("churn");
        try (PosixMqQueues registry = registry(name)) {
            PosixMqRecovery recovery = new PosixMqRecovery(registry); // checked by hand, never started
            int threadsBefore = Thread.activeCount();
            for (int i = 0; i < 40; i++) {
                registry.get("q").send(("m" + i).getBytes(StandardCharsets.UTF_8), 1);
                PosixMq.unlink(name);
                recovery.check();
                assertThat(forwardingThreads()).as("forwarding threads after %s removals", i + 1)
                    .isLessThanOrEqualTo(RemovedQueueMover.FORWARD_THREADS);
                assertThat(recovery.heldRemovedQueues()).as("removed queues held after %s removals", i + 1)
                    .isLessThanOrEqualTo(RemovedQueueMover.MAX_HELD);
                // the message in the removed queue reaches the recreated one
                assertThat(registry.get("q").receive(WAIT).map(Message::utf8)).contains("m" + i);
            }
            assertThat(Thread.activeCount() - threadsBefore).as("threads grown by 40 removals")
                .isLessThanOrEqualTo(RemovedQueueMover.FORWARD_THREADS);
            await().atMost(WAIT).until(() -> recovery.heldRemovedQueues() == 0);
            recovery.stop();
        }
    }

    @Test
    void aRemovedQueueStillHeldByAProducerIsForwardedUntilTheProducerClosesIt() {
        String name = this.queues.name("held");
        try (PosixMqQueues registry = registry(name)) {
            PosixMqRecovery recovery = new PosixMqRecovery(registry);
            PosixMq producer = OpenOptions.writeOnly().existing().open(name);
            PosixMq.unlink(name);
            recovery.check();
            assertThat(recovery.heldRemovedQueues()).isOne();
            for (int i = 0; i < 12; i++) {
                producer.send(("late " + i).getBytes(StandardCharsets.UTF_8), 2);
                assertThat(registry.get("q").receive(WAIT).map(Message::utf8)).contains("late " + i);
            }
            assertThat(recovery.heldRemovedQueues()).as("held while the producer has it open").isOne();
            producer.close();
            await().atMost(WAIT).until(() -> recovery.heldRemovedQueues() == 0);
            recovery.stop();
        }
    }
}
