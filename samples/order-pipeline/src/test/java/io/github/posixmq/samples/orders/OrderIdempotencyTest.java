package io.github.posixmq.samples.orders;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.github.posixmq.InFlightJournal;
import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's idempotent receiver: an order left in flight by a killed instance is delivered again at start; when
 * its key was recorded (its output was sent before the kill) it is not sent again, else it is.
 */
@ExtendWith(OutputCaptureExtension.class)
class OrderIdempotencyTest {

    private static final String PREFIX = "/order-pipeline-idem-test-" + ProcessHandle.current().pid() + "-";

    private static final List<String> KEYS = List.of("orders", "processed", "rejected", "dead-letter");

    private static final Path DIR = Path.of("target/idempotency-test-" + ProcessHandle.current().pid())
        .toAbsolutePath();

    @AfterAll
    static void removeQueues() {
        KEYS.forEach((key) -> PosixMq.unlinkIfExists(PREFIX + key));
    }

    @Test
    void aRedeliveredOrderWhoseOutputWasSentIsNotSentAgainAndOneWhoseOutputWasNotIs(CapturedOutput output) {
        byte[] sent = order(7);
        byte[] notSent = order(8);
        try (PosixMq orders = OpenOptions.readWrite().createNew().capacity(10).maxMessageSize(1024)
                .open(PREFIX + "orders")) {
            // instance 1 received order 7, sent its output and recorded its key, then was killed before its slot
            // was cleared; instance 2 received order 8 and was killed before sending anything
            try (ProcessedOrders store = new ProcessedOrders(DIR.resolve("processed-orders"))) {
                store.put("id:7", "processed");
            }
            crashWith(orders, sent, 4);
            String first = run(output);
            await().atMost(Duration.ofSeconds(20)).until(() -> output.getAll().contains("was already processed"));
            assertThat(receive(PREFIX + "processed")).as("order 7's output is not sent again").isEmpty();
            stop(first);
            crashWith(orders, notSent, 5);
        }
        String second = run(output);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiveNow(PREFIX + "processed").isPresent());
        stop(second);
    }

    private static void crashWith(PosixMq orders, byte[] order, int priority) {
        orders.send(order, priority);
        try (InFlightJournal journal = InFlightJournal.open(DIR, PREFIX + "orders", 1, 1024)) {
            journal.slot(0).receive(orders);
        }
    }

    private static ConfigurableApplicationContext context;

    private static String run(CapturedOutput output) {
        String[] args = KEYS.stream().flatMap((key) -> java.util.stream.Stream.of(
                "--posixmq.queues." + key + ".name=" + PREFIX + key, "--posixmq.queues." + key + ".capacity=10",
                "--posixmq.queues." + key + ".max-message-size=1024")).toArray(String[]::new);
        String[] all = java.util.Arrays.copyOf(args, args.length + 3);
        all[args.length] = "--posixmq.queues.orders.inbound.journal.directory=" + DIR;
        all[args.length + 1] = "--server.port=0";
        all[args.length + 2] = "--spring.main.banner-mode=off";
        context = SpringApplication.run(OrderPipelineApplication.class, all);
        return context.getId();
    }

    private static void stop(String id) {
        context.close();
    }

    private static Optional<Message> receive(String name) {
        try (PosixMq queue = OpenOptions.readOnly().open(name)) {
            return queue.receive(Duration.ofMillis(500));
        }
    }

    private static Optional<Message> receiveNow(String name) {
        try (PosixMq queue = OpenOptions.readOnly().open(name)) {
            return queue.tryReceive();
        }
    }

    private static byte[] order(int id) {
        return ("{\"id\":" + id + ",\"item\":\"book\",\"qty\":1}").getBytes(StandardCharsets.UTF_8);
    }
}
