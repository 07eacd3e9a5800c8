package io.github.posixmq;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Many threads send and receive on one shared {@link PosixMq} while another thread closes it: every thread ends
 * (blocked ones with {@link QueueClosedException}), and no call touches the descriptor number after close. To catch
 * a stale call, decoy descriptors are opened right after {@code close()}, so they get the freed numbers: a stale
 * send would put a message into the decoy queue, a stale receive would take its sentinel.
 */
class CloseRaceTest {

    private static final int REPETITIONS = Integer.getInteger("posixmq.closerace.repetitions",
            Boolean.getBoolean("posixmq.soak") ? 5_000 : 300);
    private static final int SENDERS = 3;
    private static final int RECEIVERS = 3;
    private static final int DECOYS = 4;
    private static final byte[] SENTINEL = "sentinel".getBytes(StandardCharsets.UTF_8);

    private final TestQueues queues = new TestQueues();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();

    @AfterEach
    void removeQueues() {
        queues.close();
    }

    @Test
    void closeWhileManyThreadsSendAndReceiveEndsThemAllAndNeverReusesTheDescriptor() {
        assertTimeoutPreemptively(Duration.ofMinutes(Boolean.getBoolean("posixmq.soak") ? 30 : 3), this::race);
    }

    private void race() throws Exception {
        String name = queues.name("race");
        String decoyName = queues.name("decoy");
        SplittableRandom random = new SplittableRandom(42);
        try (PosixMq keeper = OpenOptions.readWrite().createNew().capacity(4).maxMessageSize(32).open(name);
                PosixMq decoy = OpenOptions.readWrite().createNew().capacity(4).maxMessageSize(32).open(decoyName)) {
            decoy.send(SENTINEL, 1);
            repetition(name, decoyName, decoy, random.split(), 0);
            Map<Integer, String> baseline = Host.openFiles();
            for (int i = 1; i < REPETITIONS; i++) {
                repetition(name, decoyName, decoy, random.split(), i);
            }
            assertThat(Host.openFiles()).as("descriptors after %d repetitions", REPETITIONS).isEqualTo(baseline);
            assertThat(keeper.currentMessages()).as("messages sent (%d) minus received (%d): none lost or doubled "
                    + "by a close", sent.get(), received.get()).isEqualTo(sent.get() - received.get());
        }
    }

    private void repetition(String name, String decoyName, PosixMq decoy, SplittableRandom random, int index)
            throws InterruptedException {
        PosixMq shared = OpenOptions.readWrite().open(name);
        int closeAfter = random.nextInt(200);
        AtomicInteger operations = new AtomicInteger();
        CountDownLatch readyToClose = new CountDownLatch(1);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < SENDERS + RECEIVERS + 1; t++) {
            int role = t;
            long seed = random.nextLong();
            Thread worker = new Thread(() -> work(shared, role, seed, operations, closeAfter, readyToClose, failures,
                    sent, received),
                    "race-" + index + "-" + t);
            worker.start();
            workers.add(worker);
        }
        assertThat(readyToClose.await(30, TimeUnit.SECONDS)).as("repetition %d: %d operations", index, closeAfter)
                .isTrue();
        shared.close();
        List<PosixMq> decoys = new ArrayList<>();
        try {
            for (int d = 0; d < DECOYS; d++) {
                decoys.add(OpenOptions.readWrite().open(decoyName));
            }
            for (Thread worker : workers) {
                worker.join(10_000);
                assertThat(worker.isAlive()).as("repetition %d: %s still running after close", index, worker.getName())
                        .isFalse();
            }
        }
        finally {
            decoys.forEach(PosixMq::close);
        }
        assertThat(failures).as("repetition %d", index).isEmpty();
        assertThat(decoy.currentMessages()).as("repetition %d: a call after close reached the decoy queue", index)
                .isEqualTo(1);
        Message sentinel = decoy.receive();
        assertThat(sentinel.bytes()).as("repetition %d: decoy message", index).isEqualTo(SENTINEL);
        decoy.send(SENTINEL, 1);
    }

    private static void count(boolean happened, AtomicLong counter) {
        if (happened) {
            counter.incrementAndGet();
        }
    }

    /** Roles: senders block when full, receivers block when empty, the last one mixes every other call. */
    private static void work(PosixMq mq, int role, long seed, AtomicInteger operations, int closeAfter,
            CountDownLatch readyToClose, ConcurrentLinkedQueue<String> failures, AtomicLong sent, AtomicLong received) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer buffer = ByteBuffer.allocateDirect(32);
        try {
            while (true) {
                if (role < SENDERS) {
                    mq.send(new byte[] {(byte) role}, random.nextInt(4));
                    sent.incrementAndGet();
                }
                else if (role < SENDERS + RECEIVERS) {
                    buffer.clear();
                    mq.receive(buffer);
                    received.incrementAndGet();
                }
                else {
                    switch (random.nextInt(6)) {
                        case 0 -> mq.attributes();
                        case 1 -> count(mq.trySend(new byte[] {9}, 0), sent);
                        case 2 -> count(mq.tryReceive().isPresent(), received);
                        case 3 -> count(mq.receive(Duration.ofMillis(1)).isPresent(), received);
                        case 4 -> mq.duplicate().close();
                        default -> mq.isCloseOnExec();
                    }
                }
                if (operations.incrementAndGet() >= closeAfter) {
                    readyToClose.countDown();
                }
            }
        }
        catch (QueueClosedException ex) {
            readyToClose.countDown();
            if (!ex.getMessage().contains(mq.name())) {
                failures.add(Thread.currentThread().getName() + ": " + ex.getMessage());
            }
        }
        catch (RuntimeException | Error ex) {
            failures.add(Thread.currentThread().getName() + ": " + ex);
        }
    }
}
