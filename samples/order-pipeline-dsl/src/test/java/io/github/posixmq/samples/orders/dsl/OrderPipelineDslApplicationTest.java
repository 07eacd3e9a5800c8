package io.github.posixmq.samples.orders.dsl;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The DSL flow over real kernel queues with test names: the same routing as the order-pipeline sample. */
@SpringBootTest(properties = "spring.main.keep-alive=false")
@DirtiesContext
class OrderPipelineDslApplicationTest {

    private static final String PREFIX = "/order-pipeline-dsl-test-" + ProcessHandle.current().pid() + "-";

    private static final List<String> KEYS = List.of("orders", "processed", "rejected", "dead-letter");

    @DynamicPropertySource
    static void queues(DynamicPropertyRegistry registry) {
        for (String key : KEYS) {
            registry.add("posixmq.queues." + key + ".name", () -> PREFIX + key);
            registry.add("posixmq.queues." + key + ".capacity", () -> 10);
            registry.add("posixmq.queues." + key + ".max-message-size", () -> 512);
            registry.add("posixmq.queues." + key + ".remove-on-shutdown", () -> true);
        }
    }

    @AfterAll
    static void removeQueues() {
        KEYS.forEach(key -> PosixMq.unlinkIfExists(PREFIX + key));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Message receive(PosixMq queue) {
        return queue.receive(Duration.ofSeconds(30)).orElseThrow(() -> new AssertionError("nothing on " + queue.name()));
    }

    @Test
    void ordersAreRoutedByTheFlowWithTheirPriority() {
        byte[] garbage = {'n', 'o', 't', ' ', (byte) 0xff, 0};
        try (PosixMq orders = OpenOptions.writeOnly().open(PREFIX + "orders");
                PosixMq processed = OpenOptions.readOnly().open(PREFIX + "processed");
                PosixMq rejected = OpenOptions.readOnly().open(PREFIX + "rejected")) {
            orders.send(utf8("{\"id\":1,\"item\":\"book\",\"qty\":3}"), 5);
            orders.send(utf8("{\"id\":2,\"qty\":-1}"), 4);
            orders.send(garbage, 9);
            orders.send(utf8("{\"id\":3,\"qty\":1}"), 0);

            assertThat(receive(processed)).isEqualTo(new Message(5,
                    utf8("{\"id\":1,\"item\":\"book\",\"qty\":3,\"status\":\"ACCEPTED\"}")));
            assertThat(receive(processed))
                    .isEqualTo(new Message(0, utf8("{\"id\":3,\"qty\":1,\"status\":\"ACCEPTED\"}")));
            List<Message> rejectedOrders = new ArrayList<>(List.of(receive(rejected), receive(rejected)));
            assertThat(rejectedOrders).containsExactlyInAnyOrder(new Message(4, utf8("{\"id\":2,\"qty\":-1}")),
                    new Message(9, garbage));
        }
    }
}
