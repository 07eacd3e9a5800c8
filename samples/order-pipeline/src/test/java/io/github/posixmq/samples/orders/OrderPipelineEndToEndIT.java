package io.github.posixmq.samples.orders;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueNotFoundException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * End to end, as a user runs it: the packaged {@code order-pipeline.jar} started with {@code java -jar}, fed by the
 * C producer (a separate, non-JVM process) as fast as it can send, then scraped over HTTP. Runs after
 * {@code package} (failsafe); the queues have unique names and are removed on shutdown, and in any case afterwards.
 */
class OrderPipelineEndToEndIT {

    private static final int ORDERS = 5000;

    private static final int INVALID_EVERY = 7;

    private static final String PREFIX = "/order-pipeline-e2e-" + ProcessHandle.current().pid() + "-";

    private static final Map<String, String> QUEUES = Map.of("orders", PREFIX + "orders", "processed",
            PREFIX + "processed", "rejected", PREFIX + "rejected", "dead-letter", PREFIX + "dead-letter");

    private static final Pattern PORT = Pattern.compile("started on port\\D*(\\d+)");

    private static final Pattern VALID_ORDER = Pattern.compile("\\{\"id\":\\d+,\"item\":\"[^\"]*\",\"qty\":[1-9]\\d*}");

    private static Path producer;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Process app;

    private Path appLog;

    /** Builds the C producer with its Makefile, as a user would. */
    @BeforeAll
    static void buildProducer() throws Exception {
        Path source = Path.of(System.getProperty("native-producer.dir", "../native-producer"));
        Path out = Path.of(System.getProperty("native-producer.out", "target/native")).toAbsolutePath();
        Result make = run(List.of("make", "-C", source.toString(), "OUT=" + out), Duration.ofMinutes(2));
        assertThat(make.code).as("make of the C producer:\n%s", make.err).isZero();
        producer = out.resolve("order-producer");
        assertThat(producer).isExecutable();
    }

    @AfterEach
    void stopAppAndRemoveQueues() throws Exception {
        if (this.app != null && this.app.isAlive()) {
            this.app.destroy();
            if (!this.app.waitFor(60, TimeUnit.SECONDS)) {
                this.app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        QUEUES.values().forEach(PosixMq::unlinkIfExists);
    }

    @Test
    void ordersFromTheCProducerArriveOnceOnTheRightQueueWithTheirPriority() throws Exception {
        runOrders(false);
    }

    /**
     * The same jar started with the bean definitions Spring AOT generated at build time ({@code process-aot}); with
     * {@code spring.aot.enabled} Spring Boot refuses to start when the generated initializer is missing.
     */
    @Test
    void withSpringAotTheSameOrdersArriveTheSameWay() throws Exception {
        runOrders(true, false);
    }

    /**
     * Issue 12's scenario: {@code /orders} is removed (mq_unlink) while the C producer sends 2000 orders/s on the
     * descriptor it opened before; recovery recreates the queue, switches, and keeps forwarding what the producer
     * still sends into the removed queue: every order comes back exactly once and the producer finishes.
     */
    @Test
    void ordersSentIntoARemovedQueueByTheCProducerArriveExactlyOnce() throws Exception {
        runOrders(false, true);
    }

    private void runOrders(boolean aot) throws Exception {
        runOrders(aot, false);
    }

    private void runOrders(boolean aot, boolean unlinkMidway) throws Exception {
        int port = startApp(aot);
        assertThat(get(port, "/actuator/health")).contains("\"status\":\"UP\"");

        List<String> command = new ArrayList<>(List.of(producer.toString(), "-n", Integer.toString(ORDERS), "-i",
                Integer.toString(INVALID_EVERY), "-w", "60", "-vv"));
        if (unlinkMidway) {
            command.addAll(List.of("-r", "2000"));
        }
        command.addAll(List.of(QUEUES.get("orders"), QUEUES.get("processed"), QUEUES.get("rejected")));
        CompletableFuture<Result> running = CompletableFuture.supplyAsync(() -> {
            try {
                return run(command, Duration.ofMinutes(5));
            }
            catch (Exception ex) {
                throw new CompletionException(ex);
            }
        });
        if (unlinkMidway) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                    assertThat(sample(get(port, "/actuator/prometheus"), "posixmq_receive_seconds_count",
                            QUEUES.get("orders"))).isGreaterThan(ORDERS / 10));
            PosixMq.unlink(QUEUES.get("orders"));
        }
        Result result = running.get(6, TimeUnit.MINUTES);
        assertThat(result.code).as("order-producer failed:\n%s\napplication log:\n%s", result.err, appLog()).isZero();
        String transcript = new String(result.out, StandardCharsets.UTF_8);
        System.out.println(transcript.substring(transcript.lastIndexOf("\nsent ") + 1));

        // check the producer's transcript independently: every order sent comes back exactly once
        List<Line> sent = new ArrayList<>();
        Map<String, List<Line>> back = new HashMap<>();
        for (Line line : Line.parse(result.out)) {
            if (line.kind.equals("order")) {
                sent.add(line);
            }
            else if (line.kind.equals("processed") || line.kind.equals("rejected")) {
                back.computeIfAbsent(orderRef(line.bytes), (ref) -> new ArrayList<>()).add(line);
            }
        }
        assertThat(sent).hasSize(ORDERS);
        assertThat(back).hasSize(ORDERS);
        int accepted = 0;
        for (Line order : sent) {
            List<Line> results = back.get(orderRef(order.bytes));
            assertThat(results).as("results of %s", order).hasSize(1);
            Line out = results.get(0);
            assertThat(out.priority).as("priority of %s", order).isEqualTo(order.priority);
            String text = new String(order.bytes, StandardCharsets.UTF_8);
            if (VALID_ORDER.matcher(text).matches()) {
                accepted++;
                assertThat(out.kind).as("%s", order).isEqualTo("processed");
                assertThat(new String(out.bytes, StandardCharsets.UTF_8))
                        .isEqualTo(text.substring(0, text.length() - 1) + ",\"status\":\"ACCEPTED\"}");
            }
            else {
                assertThat(out.kind).as("%s", order).isEqualTo("rejected");
                assertThat(out.bytes).as("%s", order).isEqualTo(order.bytes);
            }
        }
        assertThat(accepted).isEqualTo(ORDERS - ORDERS / INVALID_EVERY);
        assertThat(transcript).contains("sent " + ORDERS + " orders (" + ORDERS / INVALID_EVERY + " invalid)",
                accepted + " processed", ORDERS / INVALID_EVERY + " rejected", "0 wrong, 0 missing, 0 duplicated");

        String prometheus = get(port, "/actuator/prometheus");
        for (String name : QUEUES.values()) {
            assertThat(sample(prometheus, "posixmq_queue_capacity_messages", name)).isEqualTo(10.0);
            assertThat(sample(prometheus, "posixmq_queue_message_size_max_bytes", name)).isEqualTo(1024.0);
            assertThat(sample(prometheus, "posixmq_queue_messages", name)).isZero();
        }
        assertThat(sample(prometheus, "posixmq_receive_seconds_count", QUEUES.get("orders"))).isEqualTo(ORDERS);
        assertThat(sample(prometheus, "posixmq_send_seconds_count", QUEUES.get("processed"))).isEqualTo(accepted);
        assertThat(sample(prometheus, "posixmq_send_seconds_count", QUEUES.get("rejected")))
                .isEqualTo(ORDERS - accepted);

        // the dashboard's queries on a real Prometheus: PrometheusIT
        assertThat(prometheus).contains("key=\"dead-letter\"", "result=\"success\"");

        String health = get(port, "/actuator/health");
        assertThat(health).contains("\"status\":\"UP\"", "\"posixmq\"", QUEUES.get("orders"));
        assertThat(get(port, "/actuator/posixmq")).contains(QUEUES.get("processed"), QUEUES.get("rejected"));

        // Ctrl-C: a clean stop that removes the queues (remove-on-shutdown: true in the sample's application.yml)
        this.app.destroy();
        assertThat(this.app.waitFor(60, TimeUnit.SECONDS)).as("the application stopped").isTrue();
        if (unlinkMidway) {
            assertThat(appLog()).contains("was removed (mq_unlink)", "is back").doesNotContain("LOST", "ERROR",
                    "DROPPED", "Exception");
        }
        else {
            assertThat(appLog()).doesNotContain("LOST", "ERROR", "WARN", "Exception");
        }
        for (String name : QUEUES.values()) {
            assertThatExceptionOfType(QueueNotFoundException.class).as(name)
                    .isThrownBy(() -> OpenOptions.readOnly().open(name).close());
        }
    }

    /**
     * Issue 21: the sample is killed with SIGKILL {@code e2e.crash.kills} (20) times while the C producer sends
     * {@code e2e.crash.orders} (200,000) orders and checks what comes back. With the in-flight journal (on in the
     * sample's application.yml) the order in hand at each kill is delivered again at the next start (one the kill
     * caught inside the receive system call with its length inferred: JSON never ends in a zero byte, so exactly),
     * and the idempotent receiver keeps its output from being sent twice: no order is missing, and an order comes
     * back twice only when a kill fell between its output send and the store of its key (at most one per kill; docs
     * name it).
     */
    @Test
    void killedWithSigkillTwentyTimesNoOrderIsLostOrSentTwice() throws Exception {
        int orders = Integer.getInteger("e2e.crash.orders", 200_000);
        int kills = Integer.getInteger("e2e.crash.kills", 20);
        List<String> args = List.of("--posixmq.queues.orders.inbound.journal.directory="
                + logs().resolve("journal-" + ProcessHandle.current().pid() + "-crash"));
        startApp(false, "-crash-0", args);
        Path transcript = logs().resolve("crash-producer-" + ProcessHandle.current().pid() + ".out");
        Path errors = logs().resolve("crash-producer-" + ProcessHandle.current().pid() + ".err");
        List<String> command = List.of(producer.toString(), "-n", Integer.toString(orders), "-i",
                Integer.toString(INVALID_EVERY), "-w", "300", "-vv", QUEUES.get("orders"), QUEUES.get("processed"),
                QUEUES.get("rejected"));
        Process sending = new ProcessBuilder(command).redirectOutput(transcript.toFile())
                .redirectError(errors.toFile()).start();
        try {
            ResultCounter results = new ResultCounter(transcript);
            int redelivered = 0;
            int inferred = 0;
            for (int kill = 1; kill <= kills; kill++) {
                long threshold = (long) orders * kill / (kills + 1);
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20))
                        .failFast("the producer ended early: " + Files.readString(errors), () -> !sending.isAlive())
                        .until(() -> results.count() >= threshold);
                this.app.destroyForcibly();
                assertThat(this.app.waitFor(60, TimeUnit.SECONDS)).isTrue();
                redelivered += appLog().split("Redelivering ", -1).length - 1;
                inferred += appLog().split("with an inferred length of", -1).length - 1;
                assertThat(appLog()).as("nothing dropped (start %d)", kill - 1).doesNotContain("DROPPED");
                startApp(false, "-crash-" + kill, args);
            }
            assertThat(sending.waitFor(10, TimeUnit.MINUTES)).as("the producer finished").isTrue();
            String summary = Files.readString(transcript, StandardCharsets.ISO_8859_1);
            summary = summary.substring(summary.lastIndexOf("\nsent ") + 1);
            inferred += appLog().split("with an inferred length of", -1).length - 1;
            System.out.printf("order-pipeline killed %d times: %d restarts redelivered an order in hand, %d of them "
                    + "caught inside the receive system call (length inferred); %s%n", kills, redelivered, inferred,
                    summary.strip());
            Matcher counts = Pattern.compile("(\\d+) wrong, (\\d+) missing, (\\d+) duplicated").matcher(summary);
            assertThat(counts.find()).as("the producer's summary: %s%s", summary, Files.readString(errors)).isTrue();
            assertThat(summary).contains("sent " + orders + " orders");
            assertThat(Integer.parseInt(counts.group(1))).as("wrong results: %s", summary).isZero();
            // at-least-once, a kill inside the receive system call included (the journal infers the length)
            assertThat(Integer.parseInt(counts.group(2))).as("missing orders (at-least-once; %d redelivered with an "
                    + "inferred length): %s", inferred, summary).isZero();
            assertThat(appLog()).as("nothing dropped").doesNotContain("DROPPED");
            // the idempotent receiver's residual window (output sent, key not yet stored) can still double an order
            assertThat(Integer.parseInt(counts.group(3))).as("duplicated orders: %s", summary)
                    .isLessThanOrEqualTo(kills);
        }
        finally {
            sending.destroyForcibly();
        }
    }

    /** Counts the result lines ({@code processed ...}, {@code rejected ...}) the producer has written so far. */
    private static final class ResultCounter {

        private final Path transcript;

        private long position;

        private long count;

        private final byte[] head = new byte[9];

        private int headLength;

        ResultCounter(Path transcript) {
            this.transcript = transcript;
        }

        long count() throws IOException {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(this.transcript)) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(1 << 16);
                while (channel.read(buffer, this.position) > 0) {
                    buffer.flip();
                    this.position += buffer.remaining();
                    while (buffer.hasRemaining()) {
                        byte b = buffer.get();
                        if (b == '\n') {
                            String start = new String(this.head, 0, this.headLength, StandardCharsets.ISO_8859_1);
                            if (start.startsWith("processed") || start.startsWith("rejected ")) {
                                this.count++;
                            }
                            this.headLength = 0;
                        }
                        else if (this.headLength < this.head.length) {
                            this.head[this.headLength++] = b;
                        }
                    }
                    buffer.clear();
                }
            }
            return this.count;
        }
    }

    /** The "#ID" every order of the C producer carries, whatever its shape. */
    private static String orderRef(byte[] bytes) {
        Matcher matcher = Pattern.compile("#(\\d+)").matcher(new String(bytes, StandardCharsets.ISO_8859_1));
        assertThat(matcher.find()).as("an order reference in %s", Arrays.toString(bytes)).isTrue();
        return matcher.group(1);
    }

    /** The value of the Prometheus sample {@code metric} for queue {@code name}, summed over its other tags. */
    private static double sample(String prometheus, String metric, String name) {
        Pattern line = Pattern.compile("^" + metric + "\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
        Matcher matcher = line.matcher(prometheus);
        double sum = 0;
        boolean found = false;
        while (matcher.find()) {
            if (matcher.group(1).contains("queue=\"" + name + "\"")) {
                found = true;
                sum += Double.parseDouble(matcher.group(2));
            }
        }
        assertThat(found).as("%s for %s in\n%s", metric, name, prometheus).isTrue();
        return sum;
    }

    private int startApp(boolean aot) throws IOException {
        return startApp(aot, "", List.of("--posixmq.queues.orders.inbound.journal.directory=" + logs().resolve(
                "journal-" + ProcessHandle.current().pid() + (aot ? "-aot" : ""))));
    }

    private static Path logs() throws IOException {
        return Files.createDirectories(Path.of(System.getProperty("e2e.dir", "target/e2e")).toAbsolutePath());
    }

    private int startApp(boolean aot, String logSuffix, List<String> args) throws IOException {
        Path jar = Path.of(System.getProperty("order-pipeline.jar", "target/order-pipeline.jar"));
        assertThat(jar).as("the packaged application (mvn package)").exists();
        this.appLog = logs().resolve("order-pipeline-" + ProcessHandle.current().pid() + (aot ? "-aot" : "") + logSuffix
                + ".log");
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        if (aot) {
            command.add("-Dspring.aot.enabled=true");
        }
        command.addAll(List.of("-jar", jar.toString(), "--server.port=0",
                // the health check below reads the per-queue components, which the sample shows to nobody by default
                "--management.endpoint.health.show-details=always"));
        QUEUES.forEach((key, name) -> {
            command.add("--posixmq.queues." + key + ".name=" + name);
            command.add("--posixmq.queues." + key + ".capacity=10");
            command.add("--posixmq.queues." + key + ".max-message-size=1024");
        });
        command.addAll(args);
        this.app = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(this.appLog.toFile())
                .start();
        int[] port = new int[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(this.app.isAlive()).as("the application is running; its log:\n%s", appLog()).isTrue();
            Matcher matcher = PORT.matcher(appLog());
            assertThat(matcher.find()).as("the application has started").isTrue();
            port[0] = Integer.parseInt(matcher.group(1));
        });
        return port[0];
    }

    private String appLog() throws IOException {
        return Files.readString(this.appLog, StandardCharsets.UTF_8);
    }

    private String get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return response.body();
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private record Result(int code, byte[] out, String err) {
    }

    private static Result run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Path err = Files.createTempFile("order-pipeline-e2e", ".err");
        try {
            Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            process.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            process.getInputStream().transferTo(out);
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command.get(0) + " did not finish within " + timeout);
            }
            return new Result(process.exitValue(), out.toByteArray(), Files.readString(err));
        }
        finally {
            Files.deleteIfExists(err);
        }
    }

    /** One line of the producer's {@code -vv} transcript: {@code KIND PRIORITY PAYLOAD}, the payload escaped. */
    private record Line(String kind, int priority, byte[] bytes) {

        static List<Line> parse(byte[] transcript) {
            List<Line> lines = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < transcript.length; i++) {
                if (transcript[i] == '\n') {
                    parseLine(Arrays.copyOfRange(transcript, start, i)).ifPresent(lines::add);
                    start = i + 1;
                }
            }
            return lines;
        }

        private static java.util.Optional<Line> parseLine(byte[] line) {
            String text = new String(line, StandardCharsets.ISO_8859_1);
            String[] parts = text.split(" ", 3);
            if (parts.length < 3 || !parts[1].chars().allMatch(Character::isDigit)) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new Line(parts[0], Integer.parseInt(parts[1]), unescape(parts[2])));
        }

        /** Reverses the producer's escaping: {@code \xNN} and {@code \\}; every other byte as printed. */
        private static byte[] unescape(String latin1) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int i = 0; i < latin1.length(); i++) {
                char c = latin1.charAt(i);
                if (c == '\\' && latin1.charAt(i + 1) == 'x') {
                    bytes.write(Integer.parseInt(latin1.substring(i + 2, i + 4), 16));
                    i += 3;
                }
                else if (c == '\\') {
                    bytes.write('\\');
                    i++;
                }
                else {
                    bytes.write(c);
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public String toString() {
            return this.kind + " " + this.priority + " " + new String(this.bytes, StandardCharsets.UTF_8);
        }
    }
}
