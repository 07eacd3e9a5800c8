package io.github.posixmq.samples.orders.stream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stream sample end to end: on POSIX queues fed by the C order-producer, the same application on RabbitMQ fed by
 * {@link RabbitOrderCheck}, on Apache Kafka (an embedded KRaft broker) fed by {@link KafkaOrderCheck}, and the no-code bridge carrying the C producer's orders through RabbitMQ and back. The
 * RabbitMQ tests need the broker at 127.0.0.1:5672 (guest/guest); without it they are skipped, unless
 * POSIXMQ_REQUIRE_RABBITMQ=true (CI), where they fail.
 */
class OrderPipelineStreamTests {

    private static final int ORDERS = 300;

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private static Path producer;

    private final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    private final List<String> names = new ArrayList<>();

    private final List<String> rabbitQueues = new ArrayList<>();

    private final List<String> rabbitExchanges = new ArrayList<>();

    private @Nullable EmbeddedKafkaKraftBroker kafka;

    /** Builds the C producer with its Makefile, as a user would. */
    @BeforeAll
    static void buildProducer() throws Exception {
        Path source = Path.of(System.getProperty("native-producer.dir", "../native-producer"));
        Path out = Path.of(System.getProperty("native-producer.out", "target/native")).toAbsolutePath();
        Process make = new ProcessBuilder("make", "-C", source.toString(), "OUT=" + out).redirectErrorStream(true)
            .start();
        String output = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(make.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(make.exitValue()).as("make of the C producer:\n%s", output).isZero();
        producer = out.resolve("order-producer");
        assertThat(producer).isExecutable();
    }

    @AfterEach
    void stopAndClean() throws Exception {
        for (int i = this.apps.size() - 1; i >= 0; i--) {
            this.apps.get(i).close();
        }
        if (this.kafka != null) {
            this.kafka.destroy();
        }
        this.names.forEach(PosixMq::unlinkIfExists);
        if (!this.rabbitQueues.isEmpty() && rabbitAnswers()) {
            try (Connection connection = new ConnectionFactory().newConnection();
                    Channel channel = connection.createChannel()) {
                for (String queue : this.rabbitQueues) {
                    channel.queueDelete(queue);
                }
                for (String exchange : this.rabbitExchanges) {
                    channel.exchangeDelete(exchange);
                }
            }
        }
    }

    @Test
    void onPosixQueuesEveryOrderOfTheCProducerComesBackOnceWithItsPriority() throws Exception {
        String name = uniqueName();
        start(name);
        assertProducerGetsEveryOrderBack(name);
        try (PosixMq deadLetter = OpenOptions.readOnly().existing().open(name + ".dead-letter")) {
            assertThat(deadLetter.currentMessages()).isZero();
        }
    }

    @Test
    void onRabbitMqTheSameApplicationKeepsTheRulesAndThePriorities() throws Exception {
        requireRabbitMq();
        String name = uniqueName();
        rabbitTopology(name);
        start(name, "--spring.profiles.active=rabbit");
        OrderTally.Result result = RabbitOrderCheck.run("127.0.0.1", name, ORDERS, 60_000);
        assertThat(result.ok()).as("%s", result).isTrue();
        assertThat(result.processed()).isEqualTo(ORDERS - ORDERS / 7);
        assertThat(result.rejected()).isEqualTo(ORDERS / 7);
    }

    /**
     * The kafka profile against a real Kafka broker (KRaft) started in this JVM: the same rules, every order back once,
     * in the order sent, with its priority carried in the record header {@code priority}.
     */
    @Test
    void onKafkaTheSameApplicationKeepsTheRulesAndTheOrderWithThePriorityInAHeader() throws Exception {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        this.kafka = broker;
        broker.afterPropertiesSet();
        String name = uniqueName();
        start(name, "--spring.profiles.active=kafka",
                "--spring.cloud.stream.kafka.binder.brokers=" + broker.getBrokersAsString());
        OrderTally.Result result = KafkaOrderCheck.run(broker.getBrokersAsString(), name, ORDERS, 120_000);
        assertThat(result.ok()).as("%s", result).isTrue();
        assertThat(result.processed()).isEqualTo(ORDERS - ORDERS / 7);
        assertThat(result.rejected()).isEqualTo(ORDERS / 7);
    }

    @Test
    void theBridgeCarriesLocalOrdersThroughRabbitMqAndBackWithTheirPriorities() throws Exception {
        requireRabbitMq();
        String name = uniqueName();
        rabbitTopology(name);
        this.rabbitQueues.add(name + ".processed.bridge");
        this.rabbitQueues.add(name + ".rejected.bridge");
        start(name, "--spring.profiles.active=rabbit");
        start(name, "--spring.profiles.active=bridge");
        assertProducerGetsEveryOrderBack(name);
    }

    private void assertProducerGetsEveryOrderBack(String name) throws Exception {
        Process process = new ProcessBuilder(producer.toString(), "-n", Integer.toString(ORDERS), "-i", "7", "-w",
                "60", "/" + name, "/" + name + ".processed", "/" + name + ".rejected")
            .redirectErrorStream(true)
            .start();
        String transcript = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("order-producer:\n%s", transcript).isZero();
        assertThat(transcript).contains("sent " + ORDERS + " orders (" + ORDERS / 7 + " invalid)",
                "0 wrong, 0 missing, 0 duplicated");
    }

    private static String uniqueName() {
        return "stream-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    }

    /** Starts the application on destinations {@code name}, {@code name.processed}, ... with small queues. */
    private void start(String name, String... args) {
        this.names.add("/" + name);
        this.names.add("/" + name + ".processed");
        this.names.add("/" + name + ".rejected");
        this.names.add("/" + name + ".dead-letter");
        List<String> all = new ArrayList<>(List.of("--orders.name=" + name,
                "--spring.cloud.stream.posixmq.default.consumer.capacity=10",
                "--spring.cloud.stream.posixmq.default.consumer.max-message-size=1024",
                "--spring.cloud.stream.posixmq.default.consumer.remove-on-shutdown=true",
                "--spring.cloud.stream.posixmq.default.producer.capacity=10",
                "--spring.cloud.stream.posixmq.default.producer.max-message-size=1024",
                "--spring.cloud.stream.posixmq.default.producer.remove-on-shutdown=true",
                "--spring.main.banner-mode=off"));
        all.addAll(List.of(args));
        this.apps.add(SpringApplication.run(OrderPipelineStreamApplication.class, all.toArray(String[]::new)));
    }

    /** The exchanges and queues the RabbitMQ profiles declare for {@code name}, deleted after the test. */
    private void rabbitTopology(String name) {
        this.rabbitQueues.addAll(List.of(name + ".pipeline", name + ".pipeline.dlq", name + ".processed.checker",
                name + ".rejected.checker"));
        this.rabbitExchanges.addAll(List.of(name, name + ".processed", name + ".rejected"));
    }

    private static void requireRabbitMq() {
        if (rabbitAnswers()) {
            return;
        }
        String message = "no RabbitMQ broker answers on 127.0.0.1:5672 (start it with .ci/rabbitmq start)";
        if (Boolean.parseBoolean(System.getenv("POSIXMQ_REQUIRE_RABBITMQ"))) {
            throw new AssertionError(message + "; POSIXMQ_REQUIRE_RABBITMQ=true");
        }
        Assumptions.abort(message);
    }

    private static boolean rabbitAnswers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 5672), (int) Duration.ofSeconds(2).toMillis());
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }
}
