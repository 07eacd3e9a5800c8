package io.github.posixmq.samples.orders;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole application over real kernel queues, declared by its own application.yml with test names and sizes. */
@SpringBootTest
@DirtiesContext
class OrderPipelineApplicationTest {

    private static final String PREFIX = "/order-pipeline-test-" + ProcessHandle.current().pid() + "-";

    private static final AtomicInteger IDS = new AtomicInteger();

    @DynamicPropertySource
    static void queues(DynamicPropertyRegistry registry) {
        for (String key : List.of("orders", "processed", "rejected", "dead-letter")) {
            registry.add("posixmq.queues." + key + ".name", () -> PREFIX + key);
            registry.add("posixmq.queues." + key + ".capacity", () -> 10);
            registry.add("posixmq.queues." + key + ".max-message-size", () -> 1024);
            registry.add("posixmq.queues." + key + ".remove-on-shutdown", () -> true);
        }
    }

    @AfterAll
    static void removeQueues() {
        for (String key : List.of("orders", "processed", "rejected", "dead-letter")) {
            PosixMq.unlinkIfExists(PREFIX + key);
        }
    }

    @Autowired
    PosixMqQueues queues;

    @Autowired
    MeterRegistry meters;

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Message receive(String name) {
        try (PosixMq mq = OpenOptions.readOnly().open(name)) {
            return mq.receive(Duration.ofSeconds(30)).orElseThrow(() -> new AssertionError("nothing on " + name));
        }
    }

    @Test
    void theQueuesAreDeclaredByApplicationYmlAndCreatedOnStart() {
        assertThat(this.queues.keys()).containsExactly("orders", "processed", "rejected", "dead-letter");
        assertThat(this.queues.queueName("orders")).isEqualTo(PREFIX + "orders");
        for (String key : this.queues.keys()) {
            try (PosixMq mq = OpenOptions.readOnly().open(PREFIX + key)) {
                assertThat(mq.capacity()).isEqualTo(10);
                assertThat(mq.maxMessageSize()).isEqualTo(1024);
            }
        }
    }

    @Test
    void ordersFromAnotherDescriptorAreRoutedWithTheirPriority() {
        int id = IDS.incrementAndGet();
        String valid = "{\"id\":" + id + ",\"item\":\"book\",\"qty\":3}";
        String zero = "{\"id\":" + id + ",\"item\":\"pen\",\"qty\":0}";
        String missing = "{\"item\":\"lamp #" + id + "\"}";
        byte[] garbage = {'#', (byte) ('0' + id % 10), ' ', (byte) 0xff, (byte) 0xc3, 0, '}'};
        try (PosixMq orders = OpenOptions.writeOnly().open(PREFIX + "orders")) {
            orders.send(utf8(valid), 7);
            orders.send(utf8(zero), 2);
            orders.send(utf8(missing), 0);
            orders.send(garbage, 31);
        }

        assertThat(receive(PREFIX + "processed"))
                .isEqualTo(new Message(7, utf8("{\"id\":" + id + ",\"item\":\"book\",\"qty\":3,\"status\":\"ACCEPTED\"}")));
        List<Message> rejected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rejected.add(receive(PREFIX + "rejected"));
        }
        assertThat(rejected).containsExactlyInAnyOrder(new Message(2, utf8(zero)), new Message(0, utf8(missing)),
                new Message(31, garbage));
        assertThat(this.queues.get("processed").currentMessages()).isZero();
        assertThat(this.queues.get("dead-letter").currentMessages()).isZero();
    }

    @Test
    void adversarialOrdersAreRoutedAndNeverReachTheDeadLetterQueue() {
        byte[] nines = utf8("{\"id\":18,\"qty\":" + "9".repeat(900) + "}"); // a BigInteger: threw in the handler before
        byte[] precise = utf8("{\"id\":19, \"qty\":1.00000000000000000001,\"status\":\"NEW\" }");
        byte[] deep = utf8("{\"id\":20,\"qty\":1,\"x\":" + "[".repeat(400) + "]".repeat(400) + "}");
        byte[] overlong = {'{', '"', 'i', 'd', '"', ':', '2', '1', ',', '"', 'q', 't', 'y', '"', ':', '1', ',', '"', 'n',
                '"', ':', '"', (byte) 0xc0, (byte) 0xaf, '"', '}'};
        byte[] aboveUnicode = {'{', '"', 'i', 'd', '"', ':', '2', '2', ',', '"', 'q', 't', 'y', '"', ':', '1', ',', '"',
                (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"', ':', '0', '}'};
        try (PosixMq orders = OpenOptions.writeOnly().open(PREFIX + "orders")) {
            orders.send(nines, 6);
            orders.send(precise, 6);
            orders.send(deep, 6);
            orders.send(overlong, 5);
            orders.send(aboveUnicode, 5);
        }
        assertThat(receive(PREFIX + "processed")).isEqualTo(new Message(6, utf8("{\"id\":18,\"qty\":" + "9".repeat(900)
                + ",\"status\":\"ACCEPTED\"}")));
        assertThat(receive(PREFIX + "processed"))
                .isEqualTo(new Message(6, utf8("{\"id\":19, \"qty\":1.00000000000000000001,\"status\":\"ACCEPTED\" }")));
        assertThat(receive(PREFIX + "processed")).isEqualTo(new Message(6, utf8("{\"id\":20,\"qty\":1,\"x\":"
                + "[".repeat(400) + "]".repeat(400) + ",\"status\":\"ACCEPTED\"}")));
        assertThat(receive(PREFIX + "rejected")).isEqualTo(new Message(5, overlong));
        assertThat(receive(PREFIX + "rejected")).isEqualTo(new Message(5, aboveUnicode));
        assertThat(this.queues.get("dead-letter").currentMessages()).isZero();
    }

    @Test
    void anOrderTooLargeOnceAcceptedGoesToTheDeadLetterQueueUnchanged() {
        String head = "{\"id\":9,\"qty\":1,\"pad\":\"";
        // fits the 1024-byte queues, but not with ,"status":"ACCEPTED" (20 bytes) added
        byte[] order = utf8(head + "x".repeat(1010 - head.length() - 2) + "\"}");
        assertThat(order).hasSize(1010);
        try (PosixMq orders = OpenOptions.writeOnly().open(PREFIX + "orders")) {
            orders.send(order, 4);
        }
        assertThat(receive(PREFIX + "dead-letter")).isEqualTo(new Message(4, order));
        assertThat(this.queues.get("processed").currentMessages()).isZero();
    }

    @Test
    void everyQueueHasItsGauges() {
        for (String key : this.queues.keys()) {
            assertThat(this.meters.get("posixmq.queue.capacity").tag("queue", PREFIX + key).gauge().value())
                    .as(key).isEqualTo(10.0);
            assertThat(this.meters.get("posixmq.queue.messages").tag("queue", PREFIX + key).gauge().value())
                    .as(key).isGreaterThanOrEqualTo(0.0);
        }
    }
}
