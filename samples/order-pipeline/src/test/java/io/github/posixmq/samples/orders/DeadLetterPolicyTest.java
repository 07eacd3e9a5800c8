package io.github.posixmq.samples.orders;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's policy when nobody reads {@code /orders.processed}: each send waits up to the send timeout, then the
 * order goes to the dead-letter queue with its bytes and priority; when that is full too, the application stops
 * taking orders (the inbound thread waits for room, up to the dead-letter send timeout), so orders stay in
 * {@code /orders}. Nothing is dropped.
 */
@SpringBootTest(properties = {"posixmq.queues.processed.outbound.send-timeout=50ms",
        "posixmq.queues.processed.capacity=2", "posixmq.queues.dead-letter.capacity=2"})
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class DeadLetterPolicyTest {

    private static final String PREFIX = "/order-pipeline-dlq-test-" + ProcessHandle.current().pid() + "-";

    private static final List<String> KEYS = List.of("orders", "processed", "rejected", "dead-letter");

    /** One priority for all, so the queues keep the orders in sequence. */
    private static final int PRIORITY = 3;

    @DynamicPropertySource
    static void queues(DynamicPropertyRegistry registry) {
        for (String key : KEYS) {
            registry.add("posixmq.queues." + key + ".name", () -> PREFIX + key);
            registry.add("posixmq.queues." + key + ".max-message-size", () -> 256);
            registry.add("posixmq.queues." + key + ".remove-on-shutdown", () -> true);
        }
        registry.add("posixmq.queues.orders.capacity", () -> 10);
        registry.add("posixmq.queues.rejected.capacity", () -> 10);
    }

    @AfterAll
    static void removeQueues() {
        KEYS.forEach(key -> PosixMq.unlinkIfExists(PREFIX + key));
    }

    @Autowired
    PosixMqQueues queues;

    @Autowired
    MeterRegistry meters;

    private static byte[] order(int id) {
        return ("{\"id\":" + id + ",\"qty\":1}").getBytes(StandardCharsets.UTF_8);
    }

    private long depth(String key) {
        return this.queues.get(key).currentMessages();
    }

    @Test
    void unreadOutputFillsThenDeadLettersThenHoldsBackTheInput(CapturedOutput output) {
        try (PosixMq orders = OpenOptions.writeOnly().open(PREFIX + "orders")) {
            for (int id = 1; id <= 6; id++) {
                orders.send(order(id), PRIORITY);
            }
        }
        // 1 and 2 fill /processed; 3 and 4 time out into the dead-letter queue; 5 waits for dead-letter room; 6 stays
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(depth("processed")).isEqualTo(2);
            assertThat(depth("dead-letter")).isEqualTo(2);
            assertThat(depth("orders")).isEqualTo(1);
            assertThat(this.meters.get("posixmq.send").tag("queue", PREFIX + "processed").tag("result", "failure")
                    .timer().count()).isEqualTo(3);
        });

        List<Message> deadLetters = new ArrayList<>();
        try (PosixMq deadLetter = OpenOptions.readOnly().open(PREFIX + "dead-letter")) {
            for (int i = 0; i < 4; i++) {
                deadLetters.add(deadLetter.receive(Duration.ofSeconds(30)).orElseThrow());
            }
        }
        // the original bytes and priority of every order that could not be delivered
        assertThat(deadLetters).containsExactly(new Message(PRIORITY, order(3)), new Message(PRIORITY, order(4)),
                new Message(PRIORITY, order(5)), new Message(PRIORITY, order(6)));
        try (PosixMq processed = OpenOptions.readOnly().open(PREFIX + "processed")) {
            assertThat(processed.drainStream().map(Message::utf8)).containsExactly(
                    "{\"id\":1,\"qty\":1,\"status\":\"ACCEPTED\"}", "{\"id\":2,\"qty\":1,\"status\":\"ACCEPTED\"}");
        }
        assertThat(depth("orders")).isZero();
        assertThat(output.getOut()).contains("An order with priority 3 went to the dead-letter queue: queue "
                + PREFIX + "processed stayed full (2 messages)");
    }
}
