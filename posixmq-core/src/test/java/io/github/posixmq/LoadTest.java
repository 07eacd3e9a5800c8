package io.github.posixmq;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Several producer processes and several consumer threads on one queue: nothing is lost, nothing is duplicated,
 * every payload arrives intact (CRC32 plus a recomputed payload), and priorities are respected. A million messages
 * with {@code -Psoak} or {@code -Dposixmq.soak=true}; {@code -Dposixmq.load.messages=N} sets the count directly.
 */
class LoadTest {

    private static final boolean SOAK = Boolean.getBoolean("posixmq.soak");
    private static final long STREAM_MESSAGES = Long.getLong("posixmq.load.messages", SOAK ? 1_000_000 : 50_000);
    private static final int ROUNDS = Integer.getInteger("posixmq.load.rounds", SOAK ? 5_000 : 150);
    private static final int PRODUCERS = 3;
    private static final int CONSUMERS = 4;
    private static final int MAX_PAYLOAD = 200;
    /** Fail when no message arrives for this long (a lost message or a hung process), instead of hanging. */
    private static final Duration STALL = Duration.ofSeconds(30);

    private final TestQueues queues = new TestQueues();
    private final List<Process> producers = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

    @AfterEach
    void stopChildrenAndRemoveQueues() {
        producers.forEach(Process::destroyForcibly);
        queues.close();
    }

    @Test
    void producerProcessesAndConsumerThreadsLoseNothingDuplicateNothingAndKeepPriorityOrder(@TempDir Path tmp) {
        assertTimeoutPreemptively(SOAK ? Duration.ofMinutes(60) : Duration.ofMinutes(3), () -> run(tmp));
    }

    private void run(Path tmp) throws Exception {
        long capacity = Math.min(10, SystemLimits.read().msgMax());
        int perRound = (int) (capacity / PRODUCERS);
        long streamPerProducer = (STREAM_MESSAGES + PRODUCERS - 1) / PRODUCERS;
        LoadMessages.Ledger ledger = new LoadMessages.Ledger(PRODUCERS, (long) ROUNDS * perRound + streamPerProducer);

        String dataName = queues.name("load");
        String ackName = queues.name("ack");
        int maxSize = LoadMessages.maxMessageSize(MAX_PAYLOAD);
        try (PosixMq data = OpenOptions.readWrite().createNew().capacity(capacity).maxMessageSize(maxSize).open(dataName);
                PosixMq acks = OpenOptions.readOnly().createNew().capacity(PRODUCERS).maxMessageSize(64).open(ackName)) {
            List<PosixMq> controls = new ArrayList<>();
            try {
                for (int id = 0; id < PRODUCERS; id++) {
                    String controlName = queues.name("control" + id);
                    controls.add(OpenOptions.writeOnly().createNew().capacity(2).maxMessageSize(64).open(controlName));
                    producers.add(new ProcessBuilder(ChildJvm.command(tmp, LoadProducerMain.class, dataName,
                            controlName, ackName, String.valueOf(id), String.valueOf(MAX_PAYLOAD)))
                            .redirectOutput(tmp.resolve("producer" + id + ".out").toFile())
                            .redirectError(tmp.resolve("producer" + id + ".err").toFile()).start());
                }
                long started = System.nanoTime();
                drainRounds(data, acks, controls, perRound, ledger, tmp);
                long afterRounds = System.nanoTime();
                stream(data, dataName, acks, controls, streamPerProducer, ledger, tmp);
                long finished = System.nanoTime();
                for (PosixMq control : controls) {
                    control.send("exit".getBytes(StandardCharsets.UTF_8), 0);
                }
                for (int id = 0; id < PRODUCERS; id++) {
                    assertThat(producers.get(id).waitFor()).as("producer %d: %s", id, childOutput(tmp, id)).isZero();
                }
                System.out.printf("LoadTest: %d producer processes, %d consumer threads: %d rounds of %d messages in "
                        + "%d ms, %d streamed messages in %d ms%n", PRODUCERS, CONSUMERS, ROUNDS, perRound * PRODUCERS,
                        (afterRounds - started) / 1_000_000, streamPerProducer * PRODUCERS,
                        (finished - afterRounds) / 1_000_000);
            }
            finally {
                controls.forEach(PosixMq::close);
            }
            assertThat(errors).as("errors seen by consumers").isEmpty();
            assertThat(data.currentMessages()).as("messages left in the queue").isZero();
            assertThat(ledger.count()).as("messages received; missing: %s", ledger.missing(20))
                    .isEqualTo(ledger.expected());
        }
    }

    /**
     * While the consumer is stopped each producer sends a few messages; then the queue is drained: it must hold all
     * of them and yield them in non-increasing priority order, FIFO within a priority for each producer.
     */
    private void drainRounds(PosixMq data, PosixMq acks, List<PosixMq> controls, int perRound,
            LoadMessages.Ledger ledger, Path tmp) {
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) data.maxMessageSize());
        for (int round = 0; round < ROUNDS; round++) {
            command(controls, "send " + perRound);
            awaitAcks(acks, ledger, tmp);
            assertThat(data.currentMessages()).as("round %d: every message sent is in the queue", round)
                    .isEqualTo((long) perRound * PRODUCERS);
            List<LoadMessages.Decoded> batch = new ArrayList<>();
            int priority;
            while (true) {
                buffer.clear();
                priority = data.tryReceive(buffer);
                if (priority == PosixMq.NO_MESSAGE) {
                    break;
                }
                LoadMessages.Decoded message = LoadMessages.verify(buffer, buffer.position(), priority, MAX_PAYLOAD);
                assertThat(ledger.record(message)).as("duplicate %s", message.id()).isTrue();
                batch.add(message);
            }
            assertThat(batch).as("round %d", round).hasSize(perRound * PRODUCERS);
            for (int i = 1; i < batch.size(); i++) {
                LoadMessages.Decoded before = batch.get(i - 1);
                LoadMessages.Decoded after = batch.get(i);
                assertThat(after.priority()).as("round %d: %s", round, batch).isLessThanOrEqualTo(before.priority());
            }
            Map<String, Long> lastSeqByProducerAndPriority = new HashMap<>();
            for (LoadMessages.Decoded message : batch) {
                Long last = lastSeqByProducerAndPriority.put(message.producer() + "/" + message.priority(), message.seq());
                if (last != null) {
                    assertThat(message.seq()).as("round %d: FIFO within a priority: %s", round, batch)
                            .isGreaterThan(last);
                }
            }
        }
    }

    /** Producers stream their messages while consumer threads, some sharing one descriptor, receive them. */
    private void stream(PosixMq shared, String dataName, PosixMq acks, List<PosixMq> controls, long perProducer,
            LoadMessages.Ledger ledger, Path tmp) throws InterruptedException {
        AtomicBoolean producersDone = new AtomicBoolean();
        List<Thread> consumers = new ArrayList<>();
        for (int i = 0; i < CONSUMERS; i++) {
            int variant = i;
            Thread consumer = new Thread(() -> consume(variant, shared, dataName, ledger, producersDone),
                    "load-consumer-" + i);
            consumer.start();
            consumers.add(consumer);
        }
        command(controls, "send " + perProducer);
        awaitAcks(acks, ledger, tmp);
        producersDone.set(true);
        for (Thread consumer : consumers) {
            consumer.join(STALL.toMillis());
            assertThat(consumer.isAlive()).as("%s still running after the producers finished", consumer.getName())
                    .isFalse();
        }
    }

    /**
     * One consumer thread. Variants: 0 and 2 share the test's descriptor, 1 and 3 open their own; they use direct,
     * heap and {@link Message} receives. Besides the ledger, each thread checks what one receiver can see: after it
     * received message j of a producer, any earlier message i of that producer it receives later was already queued
     * when j was taken, so its priority must be strictly lower.
     */
    private void consume(int variant, PosixMq shared, String dataName, LoadMessages.Ledger ledger,
            AtomicBoolean producersDone) {
        long[][] maxSeqAtLevel = new long[PRODUCERS][LoadMessages.LEVELS];
        for (long[] levels : maxSeqAtLevel) {
            Arrays.fill(levels, -1);
        }
        PosixMq own = variant % 2 == 1 ? OpenOptions.readOnly().open(dataName) : null;
        PosixMq mq = own != null ? own : shared;
        ByteBuffer buffer = variant == 1 ? ByteBuffer.allocate((int) mq.maxMessageSize())
                : ByteBuffer.allocateDirect((int) mq.maxMessageSize());
        try {
            while (ledger.count() < ledger.expected()) {
                LoadMessages.Decoded message;
                if (variant == 2) {
                    Optional<Message> received = mq.receive(Duration.ofMillis(100));
                    if (received.isEmpty()) {
                        if (producersDone.get()) {
                            return;
                        }
                        continue;
                    }
                    message = LoadMessages.verify(received.get().bytes(), received.get().priority(), MAX_PAYLOAD);
                }
                else {
                    buffer.clear();
                    int priority = mq.receive(buffer, Duration.ofMillis(100));
                    if (priority == PosixMq.NO_MESSAGE) {
                        if (producersDone.get()) {
                            return;
                        }
                        continue;
                    }
                    message = LoadMessages.verify(buffer, buffer.position(), priority, MAX_PAYLOAD);
                }
                if (!ledger.record(message)) {
                    error("duplicate " + message.id());
                }
                long[] levels = maxSeqAtLevel[message.producer()];
                int level = LoadMessages.level(message.priority());
                for (int lower = 0; lower <= level; lower++) {
                    if (levels[lower] > message.seq()) {
                        error("consumer " + variant + " received " + message.id() + " (priority " + message.priority()
                                + ") after the later " + message.producer() + ":" + levels[lower]
                                + " of priority <= " + message.priority());
                    }
                }
                levels[level] = Math.max(levels[level], message.seq());
            }
        }
        catch (RuntimeException ex) {
            error("consumer " + variant + " failed: " + ex);
        }
        finally {
            if (own != null) {
                own.close();
            }
        }
    }

    private void error(String error) {
        if (errors.size() < 20) {
            errors.add(error);
        }
    }

    private static void command(List<PosixMq> controls, String command) {
        for (PosixMq control : controls) {
            control.send(command.getBytes(StandardCharsets.UTF_8), 0);
        }
    }

    /** Waits for one ack per producer, failing when nothing has been received for {@link #STALL} or a child died. */
    private void awaitAcks(PosixMq acks, LoadMessages.Ledger ledger, Path tmp) {
        int received = 0;
        long lastCount = ledger.count();
        long lastProgress = System.nanoTime();
        while (received < PRODUCERS) {
            if (acks.receive(Duration.ofMillis(200)).isPresent()) {
                received++;
                continue;
            }
            for (int id = 0; id < PRODUCERS; id++) {
                if (!producers.get(id).isAlive()) {
                    fail("producer %d died: %s", id, childOutput(tmp, id));
                }
            }
            if (ledger.count() != lastCount) {
                lastCount = ledger.count();
                lastProgress = System.nanoTime();
            }
            else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                fail("no message for %s with %d of %d received; missing: %s; consumer errors: %s", STALL,
                        ledger.count(), ledger.expected(), ledger.missing(20), errors);
            }
        }
    }

    private static String childOutput(Path tmp, int id) {
        try {
            return Files.readString(tmp.resolve("producer" + id + ".out")) + Files.readString(tmp.resolve("producer" + id + ".err"));
        }
        catch (IOException ex) {
            return "(no output: " + ex + ")";
        }
    }
}
