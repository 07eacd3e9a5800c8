package io.github.posixmq;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Notification callbacks are let go on unregister, close and delivery: register/unregister cycles retain nothing. */
class NotificationReleaseTest {

    private static final int CYCLES = 100_000;
    /** Each callback holds this much, so that a leak of the callbacks is a leak of CYCLES times it. */
    private static final int PAYLOAD = 512;

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        queues.close();
    }

    @Test
    void registerUnregisterCyclesLeaveTheCallbackCountAndTheRetainedHeapFlat() {
        String name = queues.name("cycles");
        try (PosixMq mq = OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(16).open(name);
                PosixMq other = OpenOptions.readWrite().open(name)) {
            int baseline = Notifications.registeredCount();
            cycle(mq, 1_000); // warm up
            long heapBefore = retainedHeap();
            cycle(mq, CYCLES);
            long heapAfter = retainedHeap();

            assertThat(Notifications.registeredCount()).as("callbacks still held after %d cycles", CYCLES)
                    .isEqualTo(baseline);
            assertThat(heapAfter - heapBefore).as("retained heap growth after %d cycles (a leak would be about %d MB)",
                    CYCLES, (long) CYCLES * PAYLOAD >> 20).isLessThan(8L << 20);
            // the kernel registration went away too: another descriptor of this process may register now
            other.registerNotification(() -> { });
            other.unregisterNotification();
        }
    }

    @Test
    void theCallbackIsReleasedWhenItFiresAndWhenTheQueueIsClosed() throws Exception {
        String name = queues.name("release");
        int baseline = Notifications.registeredCount();
        try (PosixMq sender = OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(16).open(name)) {
            PosixMq mq = OpenOptions.readOnly().open(name);
            CountDownLatch fired = new CountDownLatch(1);
            Runnable onMessage = fired::countDown;
            WeakReference<Runnable> firedCallback = new WeakReference<>(onMessage);
            mq.registerNotification(onMessage);
            onMessage = null;
            assertThat(Notifications.registeredCount()).isEqualTo(baseline + 1);
            sender.send(new byte[] {1}, 0);
            assertThat(fired.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Notifications.registeredCount()).as("released on delivery").isEqualTo(baseline);
            awaitCollected(firedCallback);

            String reason = "the queue was closed";
            Runnable never = () -> { throw new AssertionError(reason); }; // capturing: a new object, not a constant
            WeakReference<Runnable> closedCallback = new WeakReference<>(never);
            mq.tryReceive();
            mq.registerNotification(never);
            never = null;
            mq.close();
            assertThat(Notifications.registeredCount()).as("released on close").isEqualTo(baseline);
            awaitCollected(closedCallback);
            assertThatThrownBy(() -> mq.registerNotification(() -> { })).isInstanceOf(QueueClosedException.class);
        }
    }

    private static void cycle(PosixMq mq, int cycles) {
        for (int i = 0; i < cycles; i++) {
            byte[] payload = new byte[PAYLOAD];
            mq.registerNotification(() -> payload[0]++);
            mq.unregisterNotification();
        }
    }

    private static void awaitCollected(WeakReference<?> reference) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return reference.get() == null;
        });
    }

    /** Heap in use after full collections: what is still reachable. */
    private static long retainedHeap() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
