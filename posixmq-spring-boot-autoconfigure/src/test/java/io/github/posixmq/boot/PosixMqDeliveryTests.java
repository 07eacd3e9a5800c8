package io.github.posixmq.boot;

import io.github.posixmq.boot.adapters.PosixMqChannelAdapterRegistrar;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.template.PosixMqTemplate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.boot.metrics.PosixMqMeterListener;
import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.messaging.SubscribableChannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Delivery: a failed flow is retried with back-off, then dead-lettered; without a dead-letter queue a WARN at start-up
 * and, for each dropped message, an ERROR with priority and bytes plus a counter; a full dead-letter queue makes the
 * health OUT_OF_SERVICE while the adapter waits, and the wait ends at the dead-letter send timeout (a stop meanwhile:
 * PosixMqShutdownWhileBlockedTests).
 */
@ExtendWith(OutputCaptureExtension.class)
class PosixMqDeliveryTests {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final TestQueues queues = new TestQueues();

    private final ApplicationContextRunner runner = TestQueues.fullStackRunner();

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    @Test
    void aFlowThatFailsTwiceIsRetriedAndSucceedsOnTheThirdAttempt() {
        String key = this.queues.key("retry");
        String dlq = this.queues.key("retrydlq");
        this.runner.withPropertyValues(TestQueues.smallQueue(key, "inbound.channel=flaky", "inbound.dead-letter-queue="
                + dlq, "inbound.retry.attempts=3", "inbound.retry.initial-interval=10ms"))
            .withPropertyValues(TestQueues.smallQueue(dlq))
            .run(context -> {
                AtomicInteger calls = new AtomicInteger();
                AtomicInteger handled = new AtomicInteger();
                context.getBean("flaky", SubscribableChannel.class).subscribe((message) -> {
                    if (calls.incrementAndGet() < 3) {
                        throw new IllegalStateException("not yet");
                    }
                    handled.incrementAndGet();
                });
                send("/" + key, "order".getBytes(StandardCharsets.UTF_8), 4);
                await().atMost(WAIT).until(() -> handled.get() == 1);
                assertThat(calls).hasValue(3);
                assertThat(context.getBean(PosixMqQueues.class).get(dlq).currentMessages()).isZero();
            });
    }

    @Test
    void aFlowThatAlwaysFailsIsTriedAttemptsTimesThenDeadLettered() {
        String key = this.queues.key("always");
        String dlq = this.queues.key("alwaysdlq");
        this.runner.withPropertyValues(TestQueues.smallQueue(key, "inbound.channel=broken", "inbound.dead-letter-queue="
                + dlq, "inbound.retry.attempts=4", "inbound.retry.initial-interval=1ms", "inbound.retry.multiplier=3",
                "inbound.retry.max-interval=20ms"))
            .withPropertyValues(TestQueues.smallQueue(dlq))
            .run(context -> {
                AtomicInteger calls = new AtomicInteger();
                context.getBean("broken", SubscribableChannel.class).subscribe((message) -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("always");
                });
                byte[] original = { 1, 2, 3 };
                send("/" + key, original, 6);
                assertThat(context.getBean(PosixMqTemplate.class).receive(dlq, WAIT)).contains(new Message(6, original));
                assertThat(calls).hasValue(4);
            });
    }

    @Test
    void withoutADeadLetterQueueAWarningAtStartUpAndEachDropIsAnErrorWithTheBytesAndCounted(CapturedOutput output) {
        String key = this.queues.key("nodlq");
        this.runner.withPropertyValues(TestQueues.smallQueue(key, "inbound.channel=drops", "inbound.retry.attempts=2",
                "inbound.retry.initial-interval=1ms"))
            .run(context -> {
                assertThat(output).contains("has no dead-letter queue: a message whose flow fails 2 time(s) is DROPPED");
                context.getBean("drops", SubscribableChannel.class).subscribe((message) -> {
                    throw new IllegalStateException("refused");
                });
                send("/" + key, "hello".getBytes(StandardCharsets.UTF_8), 7);
                MeterRegistry meters = context.getBean(MeterRegistry.class);
                await().atMost(WAIT).until(() -> meters.find(PosixMqMeterListener.DROPPED).counter() != null
                        && meters.find(PosixMqMeterListener.DROPPED).counter().count() == 1);
                assertThat(meters.get(PosixMqMeterListener.DROPPED).tag("queue", "/" + key).counter().count())
                    .isEqualTo(1);
                assertThat(output).contains("DROPPED a message from queue /" + key + " (priority 7, 5 bytes, base64 "
                        + "aGVsbG8=): its flow failed 2 time(s)");
            });
    }

    @Test
    void aFullDeadLetterQueueMakesTheHealthOutOfServiceUntilTheDeadLetterTimeoutDropsTheMessageLoudly(
            CapturedOutput output) {
        String key = this.queues.key("full");
        String dlq = this.queues.key("fulldlq");
        this.runner.withPropertyValues(TestQueues.properties(key, "capacity=2", "max-message-size=64",
                "remove-on-shutdown=true", "inbound.channel=fails", "inbound.dead-letter-queue=" + dlq,
                "inbound.retry.attempts=1", "inbound.dead-letter-send-timeout=1s"))
            .withPropertyValues(TestQueues.properties(dlq, "capacity=1", "max-message-size=64", "remove-on-shutdown=true"))
            .run(context -> {
                context.getBean("fails", SubscribableChannel.class).subscribe((message) -> {
                    throw new IllegalStateException("fails");
                });
                PosixMqQueues registry = context.getBean(PosixMqQueues.class);
                registry.get(dlq).send(new byte[] { 9 }, 0); // the dead-letter queue is full
                PosixMqMessageProducer adapter = context.getBean(
                        PosixMqChannelAdapterRegistrar.inboundAdapterBeanName(key), PosixMqMessageProducer.class);
                send("/" + key, new byte[] { 5 }, 2);
                await().atMost(WAIT).until(adapter::isBlockedOnDeadLetterQueue);
                HealthIndicator health = health(context, key);
                assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
                assertThat(health.health().getDetails()).containsKey("blockedOnDeadLetterQueue");
                await().atMost(WAIT).until(() -> output.getAll().contains("DROPPED a message from queue /" + key
                        + " (priority 2, 1 bytes, base64 BQ==): dead-letter queue /" + dlq + " stayed full for PT1S"));
                await().atMost(WAIT).until(() -> !adapter.isBlockedOnDeadLetterQueue());
                assertThat(health.health().getStatus()).isEqualTo(Status.UP);
                assertThat(adapter.getActiveReceivers()).as("the adapter goes on").isEqualTo(1);
            });
    }

    private static HealthIndicator health(ApplicationContext context, String key) {
        CompositeHealthContributor contributor = context.getBean("posixmqHealthContributor",
                CompositeHealthContributor.class);
        return (HealthIndicator) contributor.getContributor(key);
    }

    private static void send(String name, byte[] bytes, int priority) {
        try (PosixMq mq = OpenOptions.writeOnly().existing().open(name)) {
            mq.send(bytes, priority);
        }
    }
}
