package io.github.posixmq.integration.inbound;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.LogRecord;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.LogLines;
import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.TestQueues;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.integration.channel.DirectChannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Property-based test of the embedded-headers decode in a live adapter (issue 19): thousands of random and mutated
 * frames (valid framing with random JSON headers of random types and names, control headers among them; flipped,
 * truncated and extended frames; huge and negative lengths; random bytes) go through a real queue into an adapter
 * with 3 receivers and a small (capacity 3) dead-letter queue that the test drains. Afterwards every frame is
 * accounted for exactly once (handled, or dead-lettered byte-identical with its priority), each dead-lettered frame
 * caused exactly one WARN/ERROR line without a stack trace or line break, all receivers run, and a valid message sent
 * last arrives.
 *
 * <p>Each frame's priority is its index, which identifies it on both paths. The seed is printed; repeat a run with
 * {@code -Dposixmq.hostile.seed=N}, and size it with {@code -Dposixmq.hostile.frames=N} (default 3000, at most
 * 32767).
 */
class PosixMqEmbeddedFramesPropertyTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final int CONCURRENCY = 3;

    private static final List<String> LISTED = PosixMqEmbeddedHeaders.DEFAULT_HEADER_NAMES;

    private static final List<String> CONTROL = List.of("replyChannel", "errorChannel", "id", "timestamp", "priority",
            "sequenceSize", "sequenceNumber", "history", "routingSlip", "expirationDate", "posixmq_priority");

    private final TestQueues names = new TestQueues();

    private PosixMq orders;

    private PosixMq deadLetters;

    @BeforeEach
    void createQueues() {
        this.orders = OpenOptions.readWrite().create().capacity(10).maxMessageSize(8192).open(this.names.name("frames"));
        this.deadLetters = OpenOptions.readWrite().create().capacity(3).maxMessageSize(8192)
            .open(this.names.name("frames-dlq"));
    }

    @AfterEach
    void removeQueues() {
        this.orders.close();
        this.deadLetters.close();
        this.names.close();
    }

    @Test
    void everyRandomFrameIsAccountedForOnceAndTheReceiversSurvive() throws Exception {
        long seed = Long.getLong("posixmq.hostile.seed", new SecureRandom().nextLong());
        int count = Math.min(Integer.getInteger("posixmq.hostile.frames", 3000), 32767);
        System.out.println("PosixMqEmbeddedFramesPropertyTests: seed " + seed + ", " + count + " frames "
                + "(repeat with -Dposixmq.hostile.seed=" + seed + ")");
        Random random = new Random(seed);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            frames.add(randomFrame(random));
        }
        Map<Integer, Integer> handled = new ConcurrentHashMap<>();
        Map<Integer, byte[]> deadLettered = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicBoolean lastArrived = new AtomicBoolean();
        DirectChannel channel = new DirectChannel();
        channel.subscribe((message) -> {
            int priority = (Integer) message.getHeaders().get(PosixMqHeaders.PRIORITY);
            byte[] payload = (byte[]) message.getPayload();
            if (priority == count) {
                lastArrived.set(Arrays.equals(payload, "last".getBytes(StandardCharsets.UTF_8)));
                return;
            }
            if (payload.length > 0 && payload[0] % 5 == 0) {
                throw new IllegalStateException("the flow refuses frame " + priority);
            }
            if (handled.merge(priority, 1, Integer::sum) > 1) {
                duplicates.incrementAndGet();
            }
        });
        PosixMqMessageProducer producer = new PosixMqMessageProducer(this.orders);
        producer.setEmbeddedHeaders(new PosixMqEmbeddedHeaders());
        producer.setConcurrency(CONCURRENCY);
        producer.setRetry(1, Duration.ZERO, 1, Duration.ZERO);
        producer.setDeadLetterQueue(this.deadLetters);
        producer.setDeadLetterSendTimeout(WAIT);
        producer.setOutputChannel(channel);
        producer.setBeanFactory(new DefaultListableBeanFactory());
        producer.afterPropertiesSet();
        AtomicBoolean draining = new AtomicBoolean(true);
        Thread drain = new Thread(() -> {
            while (draining.get()) {
                this.deadLetters.receive(Duration.ofMillis(50)).ifPresent((dead) -> {
                    if (deadLettered.put(dead.priority(), dead.bytes()) != null) {
                        duplicates.incrementAndGet();
                    }
                });
            }
        }, "dlq-drain");
        try (LogLines log = new LogLines()) {
            drain.start();
            producer.start();
            for (int i = 0; i < count; i++) {
                assertThat(this.orders.send(frames.get(i), i, WAIT)).as("seed %d: frame %d sent", seed, i).isTrue();
            }
            await().atMost(WAIT).until(() -> handled.size() + deadLettered.size() >= count);
            this.orders.send(frame("{\"correlationId\":\"last\"}", "last".getBytes(StandardCharsets.UTF_8)), count);
            await().atMost(WAIT).untilTrue(lastArrived);
            assertThat(producer.getActiveReceivers()).as("seed %d: receivers alive", seed).isEqualTo(CONCURRENCY);
            producer.stop();
            draining.set(false);
            drain.join(WAIT.toMillis());

            assertThat(duplicates).as("seed %d: no frame twice", seed).hasValue(0);
            assertThat(handled.keySet()).as("seed %d: handled and dead-lettered are disjoint", seed)
                .doesNotContainAnyElementsOf(deadLettered.keySet());
            assertThat(handled.size() + deadLettered.size()).as("seed %d: every frame accounted for", seed)
                .isEqualTo(count);
            deadLettered.forEach((id, bytes) -> assertThat(bytes).as("seed %d: frame %d dead-lettered unchanged", seed,
                    id).isEqualTo(frames.get(id)));
            List<LogRecord> lines = log.records().stream()
                .filter((line) -> !line.getMessage().contains("is full; waiting up to"))
                .toList();
            assertThat(lines).as("seed %d: one log line per dead-lettered frame", seed).hasSize(deadLettered.size());
            assertThat(lines).allSatisfy((line) -> {
                assertThat(line.getMessage()).doesNotContain("\n", "\r", "\u2028");
                assertThat(line.getThrown()).isNull();
            });
            System.out.println("PosixMqEmbeddedFramesPropertyTests: seed " + seed + ": " + handled.size()
                    + " handled, " + deadLettered.size() + " dead-lettered");
        }
        finally {
            producer.stop();
            draining.set(false);
            drain.join(WAIT.toMillis());
        }
    }

    // ---------------------------------------------------------------- frames

    private static byte[] randomFrame(Random random) {
        int kind = random.nextInt(10);
        return switch (kind) {
            case 0, 1, 2, 3, 4 -> validFrame(random);
            case 5 -> flip(validFrame(random), random);
            case 6 -> resize(validFrame(random), random);
            case 7 -> hugeLength(random);
            case 8 -> randomBytes(random, random.nextInt(300));
            default -> wrongPayloadLength(validFrame(random), random);
        };
    }

    private static byte[] validFrame(Random random) {
        StringBuilder json = new StringBuilder("{");
        int headers = random.nextInt(6);
        for (int i = 0; i < headers; i++) {
            if (i > 0) {
                json.append(',');
            }
            appendString(json, headerName(random));
            json.append(':');
            appendValue(json, random, 0);
        }
        json.append('}');
        byte[] payload = randomBytes(random, random.nextInt(200));
        return frame(json.toString(), payload);
    }

    private static String headerName(Random random) {
        int pick = random.nextInt(10);
        if (pick < 5) {
            return LISTED.get(random.nextInt(LISTED.size()));
        }
        if (pick < 7) {
            return CONTROL.get(random.nextInt(CONTROL.size()));
        }
        return randomText(random, random.nextInt(20));
    }

    private static void appendValue(StringBuilder json, Random random, int depth) {
        switch (random.nextInt(depth > 3 ? 9 : 12)) {
            case 0, 1, 2 -> appendString(json, randomText(random, random.nextInt(40)));
            case 3 -> json.append(random.nextInt());
            case 4 -> json.append(random.nextLong());
            case 5 -> json.append("9".repeat(19 + random.nextInt(1100)));
            case 6 -> json.append(random.nextDouble() * Math.pow(10, random.nextInt(40)));
            case 7 -> json.append(random.nextBoolean() ? "1e400" : "-1e300000000");
            case 8 -> json.append(List.of("true", "false", "null").get(random.nextInt(3)));
            case 9 -> {
                json.append('[');
                int items = random.nextInt(3);
                for (int i = 0; i < items; i++) {
                    json.append(i > 0 ? "," : "");
                    appendValue(json, random, depth + 1);
                }
                json.append(']');
            }
            case 10 -> {
                json.append("{\"k\":");
                appendValue(json, random, depth + 1);
                json.append('}');
            }
            default -> {
                int nesting = random.nextInt(2000);
                json.append("[".repeat(nesting)).append("]".repeat(nesting));
            }
        }
    }

    /** Text with quotes, backslashes, control characters, line separators and non-ASCII. */
    private static String randomText(Random random, int length) {
        String alphabet = "ab\"\\\n\r\t\u0000\u001b\u2028\u202e\u00e9\u4e2d/{}[]:, 0";
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(random.nextInt(4) == 0 ? (char) ('a' + random.nextInt(26))
                    : alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private static void appendString(StringBuilder json, String text) {
        json.append('"');
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            }
            else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            }
            else {
                json.append(c);
            }
        }
        json.append('"');
    }

    private static byte[] flip(byte[] frame, Random random) {
        byte[] copy = frame.clone();
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++) {
            copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
        }
        return copy;
    }

    private static byte[] resize(byte[] frame, Random random) {
        int length = Math.max(0, Math.min(8192, frame.length + random.nextInt(41) - 20));
        return Arrays.copyOf(frame, length);
    }

    private static byte[] hugeLength(Random random) {
        byte[] bytes = randomBytes(random, 8 + random.nextInt(100));
        int length = List.of(Integer.MAX_VALUE, Integer.MIN_VALUE, -1, 0, 1, bytes.length, random.nextInt())
            .get(random.nextInt(7));
        ByteBuffer.wrap(bytes).putInt(length);
        return bytes;
    }

    private static byte[] wrongPayloadLength(byte[] frame, Random random) {
        ByteBuffer buffer = ByteBuffer.wrap(frame.clone());
        int headers = buffer.getInt(0);
        buffer.putInt(4 + headers, random.nextBoolean() ? Integer.MAX_VALUE : buffer.getInt(4 + headers) + 1);
        return buffer.array();
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** [length][headers JSON][length][payload], capped to the queue's 8192 bytes by dropping headers. */
    static byte[] frame(String json, byte[] payload) {
        byte[] headers = json.getBytes(StandardCharsets.UTF_8);
        if (headers.length + payload.length + 8 > 8192) {
            headers = "{}".getBytes(StandardCharsets.UTF_8);
        }
        return ByteBuffer.allocate(8 + headers.length + payload.length).putInt(headers.length).put(headers)
            .putInt(payload.length).put(payload).array();
    }

}
