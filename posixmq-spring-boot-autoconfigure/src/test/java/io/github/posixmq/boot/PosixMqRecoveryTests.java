package io.github.posixmq.boot;

import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.runtime.PosixMqRecovery;
import io.github.posixmq.integration.runtime.PosixMqConfigurationException;
import io.github.posixmq.integration.template.PosixMqTemplate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueNotFoundException;
import io.github.posixmq.integration.metrics.PosixMqQueueMetrics;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A queue whose name is removed (mq_unlink) while the application runs: reported (WARN, health DOWN, gauges NaN),
 * recreated or reopened, and every user of the registry follows, without losing a message.
 */
@ExtendWith(OutputCaptureExtension.class)
class PosixMqRecoveryTests {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final TestQueues queues = new TestQueues();

    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    private final ApplicationContextRunner runner = TestQueues.fullStackRunner();

    @AfterEach
    void removeQueues() {
        this.executor.shutdownNow();
        this.queues.close();
    }

    @Test
    void recreatesARemovedQueueByItselfAndAdaptersHealthAndGaugesFollow(CapturedOutput output) throws Exception {
        String orders = this.queues.key("orders");
        String shipping = this.queues.key("shipping");
        this.runner
            .withPropertyValues(TestQueues.smallQueue(orders, "inbound.channel=ordersIn", "inbound.payload-type=string",
                    "inbound.concurrency=2"))
            .withPropertyValues(TestQueues.smallQueue(shipping, "outbound.channel=shippingOut"))
            .withPropertyValues("posixmq.recovery.check-interval=100ms")
            .run((context) -> {
                PosixMqQueues registry = context.getBean(PosixMqQueues.class);
                BlockingQueue<org.springframework.messaging.Message<?>> received = collect(context, "ordersIn");
                MessageChannel shippingOut = context.getBean("shippingOut", MessageChannel.class);
                Gauge ordersGauge = gauge(context, orders);
                Gauge shippingGauge = gauge(context, shipping);
                sendByName("/" + orders, "before", 1);
                assertThat(next(received).getPayload()).isEqualTo("before");
                // nothing in this application receives from shipping: these three wait in the queue
                for (int priority : new int[] { 1, 5, 9 }) {
                    shippingOut.send(text("waiting " + priority, priority));
                }
                PosixMq removedOrders = registry.get(orders);
                PosixMq removedShipping = registry.get(shipping);

                PosixMq.unlink("/" + orders);
                PosixMq.unlink("/" + shipping);
                // sent right after the removal: into the removed queue, or the new one if recovery was quicker
                shippingOut.send(text("during", 3));

                await().atMost(WAIT).until(() -> output.getOut().contains(back(orders, "recreated it"))
                        && output.getOut().contains(back(shipping, "recreated it")));
                assertThat(output.getOut()).contains("WARN").contains("POSIX message queue /" + orders
                        + " (posixmq.queues." + orders + ") was removed (mq_unlink) while this application used it: "
                        + "other processes can no longer reach it. Recreating it now (capacity 10, max message size "
                        + "256, mode 0600); the messages in the removed queue will be moved to the new one.");
                assertThat(removedOrders.isClosed()).isTrue();
                assertThat(removedShipping.isClosed()).isTrue();
                assertThat(health(context, orders).getStatus()).isEqualTo(Status.UP);
                assertThat(health(context, shipping).getStatus()).isEqualTo(Status.UP);
                assertThat(ordersGauge.value()).isZero();

                // the inbound adapter (both threads) receives what other processes send to the recreated queue
                ExternalProcess.run("send", "/" + orders, "7", "from another process");
                org.springframework.messaging.Message<?> fromOutside = next(received);
                assertThat(fromOutside.getPayload()).isEqualTo("from another process");
                assertThat(fromOutside.getHeaders()).containsEntry(PosixMqHeaders.PRIORITY, 7)
                    .containsEntry(PosixMqHeaders.QUEUE, "/" + orders);
                sendByName("/" + orders, "by name", 2);
                assertThat(next(received).getPayload()).isEqualTo("by name");
                PosixMqMessageProducer inbound = context.getBean(PosixMqMessageProducer.class);
                assertThat(inbound.getActiveReceivers()).isEqualTo(2);
                assertThat(inbound.getQueue()).isSameAs(registry.get(orders));

                // everything sent to shipping is in the recreated queue, highest priority first: nothing was lost
                try (PosixMq byName = OpenOptions.readOnly().existing().open("/" + shipping)) {
                    await().atMost(WAIT).until(() -> shippingGauge.value() == 4);
                    assertThat(drain(byName, 4)).containsExactly("9:waiting 9", "5:waiting 5", "3:during",
                            "1:waiting 1");
                    shippingOut.send(text("after", 6));
                    assertThat(byName.receive(WAIT).map(PosixMqRecoveryTests::describe)).contains("6:after");
                }
                assertThat(shippingGauge.value()).isZero();
                // one WARN per removal, however many checks ran since
                assertThat(count(output.getOut(), "(posixmq.queues." + orders + ") was removed")).isOne();
                assertThat(count(output.getOut(), "(posixmq.queues." + shipping + ") was removed")).isOne();
            });
    }

    @Test
    void waitsForAnotherProgramToCreateTheQueueWhenCreateIsFalse(CapturedOutput output) {
        String name = this.queues.name("orders");
        OpenOptions.readWrite().createNew().capacity(10).maxMessageSize(256).open(name).close();
        this.runner
            .withPropertyValues(TestQueues.smallQueue("orders", "name=" + name, "create=false",
                    "inbound.channel=ordersIn", "inbound.payload-type=string", "outbound.channel=ordersOut"))
            .withPropertyValues("posixmq.recovery.check-interval=50ms")
            .run((context) -> {
                PosixMqQueues registry = context.getBean(PosixMqQueues.class);
                BlockingQueue<org.springframework.messaging.Message<?>> received = collect(context, "ordersIn");
                MessageChannel ordersOut = context.getBean("ordersOut", MessageChannel.class);
                Gauge gauge = gauge(context, "orders");
                ordersOut.send(text("before", 1));
                assertThat(next(received).getPayload()).isEqualTo("before");

                PosixMq.unlink(name);
                await().atMost(WAIT).until(() -> registry.detachedReason("orders").isPresent());
                assertThat(output.getOut()).contains("POSIX message queue " + name + " (posixmq.queues.orders) was "
                        + "removed (mq_unlink) while this application used it: other processes can no longer reach it. "
                        + "Waiting for another program to create it again (posixmq.queues.orders.create is false), "
                        + "checking every 50ms; until then this application keeps sending to and receiving from the "
                        + "removed queue");
                Health down = health(context, "orders");
                assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                assertThat((String) down.getDetails().get("error")).contains("queue " + name + " was removed "
                        + "(mq_unlink) while this application held it open, so no other process can reach the queue "
                        + "this application uses; waiting for another program to create it again");
                assertThat(gauge.value()).isNaN();
                // meanwhile the application keeps working on the removed queue
                ordersOut.send(text("while removed", 2));
                assertThat(next(received).getPayload()).isEqualTo("while removed");
                // and it stays DOWN: with create=false the registry never creates the queue
                await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> registry.detachedReason("orders")
                    .isPresent() && health(context, "orders").getStatus().equals(Status.DOWN) && !exists(name));

                try (PosixMq recreated = OpenOptions.readWrite().createNew().capacity(10).maxMessageSize(256)
                    .open(name)) {
                    await().atMost(WAIT).until(() -> output.getOut().contains("POSIX message queue " + name
                            + " (posixmq.queues.orders) is back: opened the queue that now has that name and switched "
                            + "to it"));
                    assertThat(health(context, "orders").getStatus()).isEqualTo(Status.UP);
                    assertThat(gauge.value()).isZero();
                    recreated.send("from the new queue".getBytes(StandardCharsets.UTF_8), 4);
                    org.springframework.messaging.Message<?> message = next(received);
                    assertThat(message.getPayload()).isEqualTo("from the new queue");
                    assertThat(message.getHeaders()).containsEntry(PosixMqHeaders.PRIORITY, 4);
                    ordersOut.send(text("after", 5));
                    assertThat(next(received).getPayload()).isEqualTo("after");
                }
                assertThat(count(output.getOut(), "(posixmq.queues.orders) was removed")).isOne();
            });
    }

    @Test
    void stepByStepABlockedSendAndABlockedReceiveFollowTheSwitchAndNothingIsLost(CapturedOutput output)
            throws Exception {
        String full = this.queues.key("full");
        String idle = this.queues.key("idle");
        this.runner.withPropertyValues(TestQueues.properties(full, "capacity=2", "max-message-size=64"))
            .withPropertyValues(TestQueues.smallQueue(idle))
            // no automatic check during this test: it calls check() itself
            .withPropertyValues("posixmq.recovery.check-interval=1h")
            .run((context) -> {
                PosixMqQueues registry = context.getBean(PosixMqQueues.class);
                PosixMqRecovery recovery = context.getBean(PosixMqRecovery.class);
                PosixMqTemplate template = context.getBean(PosixMqTemplate.class);
                template.setSendTimeout(WAIT);
                template.send(full, "a", 1);
                template.send(full, "b", 5);
                AtomicReference<Thread> sender = new AtomicReference<>();
                CompletableFuture<Void> blockedSend = CompletableFuture.runAsync(() -> {
                    sender.set(Thread.currentThread());
                    template.send(full, "c", 3);
                }, this.executor);
                AtomicReference<Thread> receiver = new AtomicReference<>();
                CompletableFuture<Optional<String>> blockedReceive = CompletableFuture.supplyAsync(() -> {
                    receiver.set(Thread.currentThread());
                    return template.receiveString(idle, WAIT);
                }, this.executor);
                await().atMost(WAIT).until(() -> isIn(sender.get(), "waitFor") && isIn(receiver.get(), "waitFor"));

                PosixMq.unlink("/" + full);
                PosixMq.unlink("/" + idle);
                // the probe sees it before the next check does
                Health down = health(context, full);
                assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                assertThat((String) down.getDetails().get("error")).contains("queue /" + full + " was removed "
                        + "(mq_unlink) while this application held it open: no other process can "
                        + "reach the removed queue this application uses; the next recovery check (every 3600s) "
                        + "recreates it and switches to it");
                assertThat(gauge(context, full).value()).isNaN();

                recovery.check();
                assertThat(output.getOut()).contains("(posixmq.queues." + full + ") was removed (mq_unlink)")
                    .contains(back(full, "recreated it"))
                    .contains(back(idle, "recreated it"));
                assertThat(registry.detachedReason(full)).isEmpty();

                // the send blocked on the removed queue was retried on the new one; the two messages of the removed
                // queue were moved (those that did not fit at once follow at a later check): all three arrive
                List<String> arrived = new ArrayList<>();
                try (PosixMq byName = OpenOptions.readOnly().existing().open("/" + full)) {
                    await().atMost(WAIT).until(() -> {
                        recovery.check();
                        byName.tryReceive().map(PosixMqRecoveryTests::describe).ifPresent(arrived::add);
                        return arrived.size() == 3;
                    });
                }
                assertThat(arrived).containsExactlyInAnyOrder("1:a", "5:b", "3:c");
                blockedSend.get(WAIT.toSeconds(), TimeUnit.SECONDS);

                // the receive blocked on the removed queue now waits on the new one
                sendByName("/" + idle, "hello", 2);
                assertThat(blockedReceive.get(WAIT.toSeconds(), TimeUnit.SECONDS)).contains("hello");

                assertThat(health(context, full).getStatus()).isEqualTo(Status.UP);
                assertThat(gauge(context, full).value()).isZero();
                recovery.check();
                assertThat(count(output.getOut(), "(posixmq.queues." + full + ") was removed")).isOne();
            });
    }

    @Test
    void withoutRecoveryTheRemovedQueueStaysInUse() {
        String key = this.queues.key("off");
        this.runner.withPropertyValues(TestQueues.smallQueue(key))
            .withPropertyValues("posixmq.recovery.enabled=false")
            .run((context) -> {
                PosixMqQueues registry = context.getBean(PosixMqQueues.class);
                PosixMqRecovery recovery = context.getBean(PosixMqRecovery.class);
                assertThat(registry.isRecoveryEnabled()).isFalse();
                PosixMq held = registry.get(key);
                PosixMq.unlink("/" + key);
                recovery.check();
                assertThat(registry.get(key)).isSameAs(held);
                assertThat(held.isClosed()).isFalse();
                assertThat(registry.detachedReason(key)).isEmpty();
                assertThatExceptionOfType(QueueNotFoundException.class)
                    .isThrownBy(() -> OpenOptions.readOnly().existing().open("/" + key));
                assertThat((String) health(context, key).getDetails().get("error"))
                    .contains("posixmq.recovery.enabled is false: restart the application");
            });
    }

    @Test
    void rejectsACheckIntervalThatIsNotPositive() {
        String key = this.queues.key("bad");
        this.runner.withPropertyValues(TestQueues.smallQueue(key))
            .withPropertyValues("posixmq.recovery.check-interval=0s")
            .run((context) -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(PosixMqConfigurationException.class)
                    .hasMessageContaining("posixmq.recovery.check-interval")
                    .hasMessageContaining("must be positive");
            });
    }

    // ---------------------------------------------------------------- helpers

    private static String back(String key, String what) {
        return "(posixmq.queues." + key + ") is back: " + what + " and switched to it";
    }

    private static org.springframework.messaging.Message<String> text(String payload, int priority) {
        return MessageBuilder.withPayload(payload).setHeader(PosixMqHeaders.PRIORITY, priority).build();
    }

    /** Sends through a descriptor of our own, opened by name (existing queues only), as another program would. */
    private static void sendByName(String name, String text, int priority) {
        try (PosixMq mq = OpenOptions.writeOnly().existing().open(name)) {
            mq.send(text.getBytes(StandardCharsets.UTF_8), priority);
        }
    }

    private static boolean exists(String name) {
        try (PosixMq mq = OpenOptions.readOnly().existing().open(name)) {
            return !mq.isClosed();
        }
        catch (QueueNotFoundException ex) {
            return false;
        }
    }

    private static List<String> drain(PosixMq mq, int count) {
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            mq.receive(WAIT).map(PosixMqRecoveryTests::describe).ifPresent(messages::add);
        }
        return messages;
    }

    private static String describe(Message message) {
        return message.priority() + ":" + message.utf8();
    }

    /** Whether {@code thread} is inside a method named {@code method} now (blocked in it). */
    private static boolean isIn(Thread thread, String method) {
        return thread != null
                && Arrays.stream(thread.getStackTrace()).anyMatch((frame) -> frame.getMethodName().equals(method));
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }

    private static Health health(ApplicationContext context, String key) {
        CompositeHealthContributor posixmq = context.getBean("posixmqHealthContributor",
                CompositeHealthContributor.class);
        return ((HealthIndicator) posixmq.getContributor(key)).health();
    }

    private static Gauge gauge(ApplicationContext context, String key) {
        return context.getBean(MeterRegistry.class).get(PosixMqQueueMetrics.MESSAGES).tag("key", key).gauge();
    }

    private static BlockingQueue<org.springframework.messaging.Message<?>> collect(ApplicationContext context,
            String channel) {
        BlockingQueue<org.springframework.messaging.Message<?>> received = new LinkedBlockingQueue<>();
        context.getBean(channel, SubscribableChannel.class).subscribe(received::add);
        return received;
    }

    private static org.springframework.messaging.Message<?> next(
            BlockingQueue<org.springframework.messaging.Message<?>> received) throws InterruptedException {
        org.springframework.messaging.Message<?> message = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(message).as("a message within %s", WAIT).isNotNull();
        return message;
    }
}
