package io.github.posixmq.boot;

import io.github.posixmq.boot.adapters.PosixMqChannelAdapterRegistrar;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.messaging.SubscribableChannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

/**
 * Issue 19 row 7: a shutdown (what SIGTERM runs: the context closes, every SmartLifecycle stops in its phase) while
 * the inbound adapter waits for room in a full dead-letter queue ends at once, well inside Spring's 30 s shutdown
 * phase, whatever the dead-letter send timeout, and the message in hand is not lost: it is back in its source queue
 * with its priority, counted once, never DROPPED.
 */
@ExtendWith(OutputCaptureExtension.class)
class PosixMqShutdownWhileBlockedTests {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final TestQueues queues = new TestQueues();

    private final ApplicationContextRunner runner = TestQueues.fullStackRunner();

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    @Test
    void closingTheContextWhileBlockedOnAFullDeadLetterQueuePutsTheMessageBackWithItsPriority(CapturedOutput output) {
        String key = this.queues.key("stopblk");
        String dlq = this.queues.key("stopblkdlq");
        AtomicInteger attempts = new AtomicInteger();
        // liveness bound only: before the fix this close took the whole 120 s dead-letter send timeout
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> this.runner
            .withPropertyValues(TestQueues.properties(key, "capacity=2", "max-message-size=64", "inbound.channel=blk",
                    "inbound.dead-letter-queue=" + dlq, "inbound.retry.attempts=1",
                    "inbound.dead-letter-send-timeout=120s"))
            .withPropertyValues(TestQueues.properties(dlq, "capacity=1", "max-message-size=64"))
            .run(context -> {
                context.getBean("blk", SubscribableChannel.class).subscribe((message) -> {
                    attempts.incrementAndGet();
                    throw new IllegalStateException("the output is gone");
                });
                context.getBean(PosixMqQueues.class).get(dlq).send(new byte[] { 9 }, 0); // the dead-letter queue is full
                PosixMqMessageProducer adapter = context.getBean(
                        PosixMqChannelAdapterRegistrar.inboundAdapterBeanName(key), PosixMqMessageProducer.class);
                try (PosixMq mq = OpenOptions.writeOnly().existing().open("/" + key)) {
                    mq.send(new byte[] { 5, 6 }, 7);
                }
                await().atMost(WAIT).until(adapter::isBlockedOnDeadLetterQueue);
            })); // the runner closes the context here, while the adapter is blocked
        assertThat(attempts).as("the flow ran once").hasValue(1);
        try (PosixMq source = OpenOptions.readWrite().existing().open("/" + key);
                PosixMq deadLetters = OpenOptions.readWrite().existing().open("/" + dlq)) {
            assertThat(source.tryReceive()).as("back in its queue with its priority").contains(new Message(7,
                    new byte[] { 5, 6 }));
            assertThat(source.tryReceive()).as("once").isEmpty();
            assertThat(deadLetters.tryReceive()).contains(new Message(0, new byte[] { 9 }));
            assertThat(deadLetters.tryReceive()).isEmpty();
        }
        assertThat(output.getAll()).doesNotContain("DROPPED")
            .contains("the failed message in hand (priority 7, 2 bytes) went back to /" + key + " with its priority");
    }
}
