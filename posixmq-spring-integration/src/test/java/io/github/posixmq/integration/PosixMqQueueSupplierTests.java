package io.github.posixmq.integration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueClosedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link PosixMqQueueSupplier#send}: a send waiting for room on a descriptor that is closed because the supplier
 * switched to another one (what recovery does) goes on on the new descriptor; a closed descriptor with no other one is
 * the caller's {@link QueueClosedException}.
 */
class PosixMqQueueSupplierTests {

    private static final OpenOptions ONE_MESSAGE = OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(64);

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    @Test
    void aSendWaitingOnADescriptorClosedByASwitchGoesOnOnTheNewOne() throws Exception {
        PosixMq old = this.queues.open("old", ONE_MESSAGE);
        PosixMq current = this.queues.open("current", ONE_MESSAGE);
        old.send("filler".getBytes(StandardCharsets.UTF_8), 0);
        AtomicReference<PosixMq> inUse = new AtomicReference<>(old);
        PosixMqQueueSupplier supplier = supplier(inUse, old.name());
        CompletableFuture<Boolean> sent = CompletableFuture.supplyAsync(
                () -> supplier.send("order".getBytes(StandardCharsets.UTF_8), 7, Duration.ofSeconds(30)));
        await().until(() -> Thread.getAllStackTraces().keySet().stream()
            .anyMatch(PosixMqQueueSupplierTests::isWaitingInSend));
        inUse.set(current);
        old.close();
        assertThat(sent.get(20, TimeUnit.SECONDS)).isTrue();
        Message received = current.tryReceive().orElseThrow();
        assertThat(received.utf8()).isEqualTo("order");
        assertThat(received.priority()).isEqualTo(7);
    }

    @Test
    void aSendWithoutWaitingOnADescriptorClosedByASwitchGoesToTheNewOne() {
        PosixMq old = this.queues.open("old", ONE_MESSAGE);
        PosixMq current = this.queues.open("current", ONE_MESSAGE);
        old.close();
        PosixMqQueueSupplier stale = supplier(new AtomicReference<>(old), old.name());
        assertThatThrownBy(() -> stale.send(new byte[1], 0, Duration.ZERO)).isInstanceOf(QueueClosedException.class);
        AtomicReference<PosixMq> switching = new AtomicReference<>(old);
        PosixMqQueueSupplier switched = new PosixMqQueueSupplier() {
            @Override
            public PosixMq get() {
                // the closed descriptor first, the new one when asked again after the failure
                return switching.getAndSet(current);
            }

            @Override
            public String queueName() {
                return old.name();
            }
        };
        assertThat(switched.send("now".getBytes(StandardCharsets.UTF_8), 4, Duration.ZERO)).isTrue();
        Message received = current.tryReceive().orElseThrow();
        assertThat(received.utf8()).isEqualTo("now");
        assertThat(received.priority()).isEqualTo(4);
    }

    @Test
    void aDescriptorClosedWithoutASwitchIsTheCallersQueueClosedException() {
        PosixMq queue = this.queues.open("closed", ONE_MESSAGE);
        PosixMqQueueSupplier supplier = supplier(new AtomicReference<>(queue), queue.name());
        queue.close();
        assertThatThrownBy(() -> supplier.send(new byte[1], 0, Duration.ofSeconds(1)))
            .isInstanceOf(QueueClosedException.class);
        assertThatThrownBy(() -> supplier.send(new byte[1], 0, Duration.ZERO))
            .isInstanceOf(QueueClosedException.class);
    }

    private static boolean isWaitingInSend(Thread thread) {
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals(PosixMq.class.getName()) && frame.getMethodName().equals("doSend")) {
                return true;
            }
        }
        return false;
    }

    private static PosixMqQueueSupplier supplier(AtomicReference<PosixMq> inUse, String name) {
        return new PosixMqQueueSupplier() {
            @Override
            public PosixMq get() {
                return inUse.get();
            }

            @Override
            public String queueName() {
                return name;
            }
        };
    }
}
