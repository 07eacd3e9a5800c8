package io.github.posixmq.samples.orders;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.posixmq.Attributes;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The Grafana dashboard ({@code dashboards/posixmq.json}) and the alert rules ({@code dashboards/posixmq-alerts.yml})
 * on a real Prometheus (Debian's {@code prometheus} package, started here on a free loopback port with a temporary
 * configuration and storage) scraping the packaged order-pipeline jar every second. Orders fill the queues to known
 * levels (3 of 10 rejected, 2 of 2 processed, 1 dead-lettered, 1 dropped); then every query of every panel runs through
 * Prometheus' HTTP API and its values must equal what the kernel shows ({@code mq_getattr} of the same queues) and
 * what the test did; the rules pass {@code promtool check rules} and {@code promtool test rules}, and a copy with
 * {@code for: 2s} fires {@code PosixMqQueueNearlyFull} for the full queues only.
 * <p>
 * Without {@code /usr/bin/prometheus} (or {@code PROMETHEUS}) the test is skipped, unless
 * {@code POSIXMQ_REQUIRE_PROMETHEUS=true} (as {@code .ci/run} sets), which makes it fail instead.
 */
class PrometheusIT {

    private static final String JOB = "order-pipeline";

    private static final Duration WAIT = Duration.ofSeconds(90);

    private static final String PREFIX = "/order-pipeline-prom-" + ProcessHandle.current().pid() + "-";

    private static final Map<String, String> QUEUES = Map.of("orders", PREFIX + "orders", "processed",
            PREFIX + "processed", "rejected", PREFIX + "rejected", "dead-letter", PREFIX + "dead-letter");

    /** Capacity of each queue: the processed and dead-letter queues are small, so that they fill. */
    private static final Map<String, Integer> CAPACITY = Map.of("orders", 10, "processed", 2, "rejected", 10,
            "dead-letter", 1);

    private static final Pattern PORT = Pattern.compile("started on port\\D*(\\d+)");

    private static final JsonMapper json = JsonMapper.builder().build();

    private static Path prometheusBinary;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final List<Process> processes = new ArrayList<>();

    private Path appLog;

    private Path prometheusLog;

    private int prometheusPort;

    @BeforeAll
    static void findPrometheus() {
        String configured = System.getenv("PROMETHEUS");
        prometheusBinary = Path.of(configured != null && !configured.isEmpty() ? configured : "/usr/bin/prometheus");
        boolean required = "true".equals(System.getenv("POSIXMQ_REQUIRE_PROMETHEUS"));
        if (!Files.isExecutable(prometheusBinary) && required) {
            fail(prometheusBinary + " is missing and POSIXMQ_REQUIRE_PROMETHEUS=true: install Debian's prometheus "
                    + "package (apt-get install prometheus), as .ci/run does");
        }
        assumeThat(prometheusBinary).as("Prometheus (apt-get install prometheus; or set PROMETHEUS)").isExecutable();
    }

    @AfterEach
    void stopProcessesAndRemoveQueues() throws Exception {
        for (Process process : this.processes) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        QUEUES.values().forEach(PosixMq::unlinkIfExists);
    }

    @Test
    void everyPanelQueryReturnsTheKernelsValuesAndTheNearlyFullAlertFires(@TempDir Path tmp) throws Exception {
        Path dashboards = Path.of(System.getProperty("dashboards.dir", "../../dashboards"));
        promtool(dashboards, "check", "rules", "posixmq-alerts.yml");
        promtool(dashboards, "test", "rules", "posixmq-alerts.test.yml");

        int appPort = startApp(tmp);
        startPrometheus(tmp, dashboards, appPort);
        awaitQuery("up{job=\"" + JOB + "\"}", (series) -> assertThat(single(series)).isEqualTo(1.0));

        // first one rejected order, so that the send and receive meters exist before the next ones count up
        try (PosixMq orders = OpenOptions.writeOnly().open(QUEUES.get("orders"))) {
            orders.send(bytes("#1 is not an order"), 0);
            awaitQuery("posixmq_send_seconds_count{queue=\"" + QUEUES.get("rejected") + "\"}",
                    (series) -> assertThat(single(series)).isEqualTo(1.0));
            // two more rejected (3 of 10), two processed (2 of 2: full)
            orders.send(bytes("#2 is not an order"), 0);
            orders.send(bytes("{\"id\":3,\"item\":\"book #3\",\"qty\":1}"), 0);
            orders.send(bytes("#4 is not an order"), 0);
            orders.send(bytes("{\"id\":5,\"item\":\"book #5\",\"qty\":2}"), 0);
            await().atMost(WAIT).until(() -> current("rejected") == 3 && current("processed") == 2);
            // processed is full: this one waits its send timeout, fails and is dead-lettered (1 of 1: full) ...
            orders.send(bytes("{\"id\":6,\"item\":\"book #6\",\"qty\":3}"), 0);
            await().atMost(WAIT).until(() -> current("dead-letter") == 1);
            // ... and this one fails too, finds the dead-letter queue full and is dropped
            orders.send(bytes("{\"id\":7,\"item\":\"book #7\",\"qty\":4}"), 0);
            await().atMost(WAIT).untilAsserted(() -> assertThat(get(appPort, "/actuator/prometheus"))
                .containsPattern("posixmq_messages_dropped_total\\{[^}]*queue=\"" + QUEUES.get("orders") + "\"[^}]*} 1\\.0"));
        }
        assertThat(current("orders")).isZero();

        // every query of every panel, with the dashboard's variables as Grafana would substitute them
        JsonNode dashboard = json.readTree(Files.readString(dashboards.resolve("posixmq.json")));
        int checked = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            if (panel.get("type").asString().equals("row")) {
                continue;
            }
            String title = panel.get("title").asString();
            for (JsonNode target : panel.get("targets")) {
                String query = grafana(target.get("expr").asString());
                String ref = target.get("refId").asString();
                awaitQuery(query, (series) -> check(title, ref, series));
                System.out.println(title + " " + ref + ": " + query + " -> " + query(query));
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(15);

        // the test copy of the rules (for: 2s) fires "nearly full" for the two full queues, not for 3 of 10
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode alerts = getJson(this.prometheusPort, "/api/v1/alerts").get("data").get("alerts");
            Map<String, String> nearlyFull = new LinkedHashMap<>();
            boolean dropped = false;
            for (JsonNode alert : alerts) {
                String name = alert.get("labels").get("alertname").asString();
                if (name.equals("PosixMqQueueNearlyFull")) {
                    nearlyFull.put(alert.get("labels").get("queue").asString(), alert.get("state").asString());
                }
                dropped |= name.equals("PosixMqMessagesDropped") && alert.get("state").asString().equals("firing")
                        && alert.get("labels").get("queue").asString().equals(QUEUES.get("orders"));
            }
            assertThat(nearlyFull).containsExactlyInAnyOrderEntriesOf(
                    Map.of(QUEUES.get("processed"), "firing", QUEUES.get("dead-letter"), "firing"));
            assertThat(dropped).as("PosixMqMessagesDropped firing").isTrue();
        });
    }

    /** The values of one panel query against the kernel and what this test did. */
    private void check(String panel, String ref, List<Series> series) {
        assertThat(series).as("%s %s returned series", panel, ref).isNotEmpty();
        switch (panel + " " + ref) {
            case "Fill level A" -> {
                assertThat(byQueue(series)).containsOnlyKeys(QUEUES.values());
                for (String key : QUEUES.keySet()) {
                    Attributes kernel = attributes(key);
                    assertThat(value(series, key)).as("fill level of %s", key)
                        .isEqualTo((double) kernel.currentMessages() / kernel.capacity());
                }
                assertThat(value(series, "rejected")).isEqualTo(0.3);
            }
            case "Depth vs capacity A" -> QUEUES.keySet().forEach((key) -> assertThat(value(series, key)).as(key)
                .isEqualTo(attributes(key).currentMessages()));
            case "Depth vs capacity B" -> QUEUES.keySet().forEach((key) -> assertThat(value(series, key)).as(key)
                .isEqualTo(attributes(key).capacity()).isEqualTo((double) CAPACITY.get(key)));
            case "Health A" -> QUEUES.keySet().forEach((key) -> assertThat(value(series, key)).as("UP: %s", key)
                .isEqualTo(3.0));
            case "Largest message A" -> QUEUES.keySet().forEach((key) -> assertThat(value(series, key)).as(key)
                .isEqualTo(attributes(key).maxMessageSize()).isEqualTo(1024.0));
            case "Receivers: active vs configured A", "Receivers: active vs configured B" -> {
                assertThat(byQueue(series)).containsOnlyKeys(QUEUES.get("orders"));
                assertThat(value(series, "orders")).isEqualTo(1.0);
            }
            case "Receivers restarted A" -> assertThat(byQueue(series)).containsExactly(Map.entry(QUEUES.get("orders"), 0.0));
            case "Send rate A" -> {
                assertThat(byQueue(series)).containsKeys(QUEUES.get("rejected"), QUEUES.get("processed"),
                        QUEUES.get("dead-letter"));
                assertThat(value(series, "rejected")).isPositive();
            }
            case "Receive rate A" -> assertThat(value(series, "orders")).isPositive();
            case "Send latency (p50, p99, max) A", "Send latency (p50, p99, max) B",
                    "Send latency (p50, p99, max) C" -> assertThat(value(series, "rejected")).isPositive()
                        .isLessThan(30.0);
            case "Receive latency (p50, p99, max) A", "Receive latency (p50, p99, max) B",
                    "Receive latency (p50, p99, max) C" -> assertThat(value(series, "orders")).isPositive()
                        .isLessThan(30.0);
            case "Failed sends and receives A" -> {
                // the two orders that found /processed full: timed out after the send timeout
                assertThat(byQueue(series)).containsKey(QUEUES.get("processed"));
                assertThat(series).allSatisfy((one) -> assertThat(one.value()).isNotNegative());
            }
            case "Failed sends and receives B" -> fail("no receive failed, yet Prometheus has %s", series);
            case "Dead-lettered A" -> assertThat(byQueue(series)).containsExactly(Map.entry(QUEUES.get("orders"), 1.0));
            case "Dropped A" -> assertThat(byQueue(series)).containsExactly(Map.entry(QUEUES.get("orders"), 1.0));
            // the sample's journal is on, but nothing crashed: no redelivery with an inferred length (counter at 0)
            case "Dropped B" -> assertThat(byQueue(series)).containsExactly(Map.entry(QUEUES.get("orders"), 0.0));
            default -> fail("panel %s, query %s has no check in this test: add one", panel, ref);
        }
    }

    /** Runs {@code query} until {@code check} passes (the next scrapes may still be coming). */
    private void awaitQuery(String query, java.util.function.Consumer<List<Series>> check) {
        // a panel query that is expected to return nothing (no receive failed): empty now and after the next scrapes
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<Series> series = query(query);
            if (series.isEmpty() && query.contains("posixmq_receive_seconds_count") && query.contains("failure")) {
                return;
            }
            check.accept(series);
        });
    }

    private List<Series> query(String query) throws IOException, InterruptedException {
        JsonNode answer = getJson(this.prometheusPort,
                "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        assertThat(answer.get("status").asString()).as("%s: %s", query, answer).isEqualTo("success");
        List<Series> series = new ArrayList<>();
        for (JsonNode result : answer.get("data").get("result")) {
            Map<String, String> labels = new LinkedHashMap<>();
            result.get("metric").properties().forEach((entry) -> labels.put(entry.getKey(), entry.getValue().asString()));
            series.add(new Series(labels, Double.parseDouble(result.get("value").get(1).asString())));
        }
        return series;
    }

    private record Series(Map<String, String> labels, double value) {
    }

    private static double single(List<Series> series) {
        assertThat(series).hasSize(1);
        return series.get(0).value();
    }

    private static Map<String, Double> byQueue(List<Series> series) {
        Map<String, Double> values = new LinkedHashMap<>();
        series.forEach((one) -> values.merge(one.labels().getOrDefault("queue", ""), one.value(), Double::sum));
        return values;
    }

    private static double value(List<Series> series, String key) {
        Double value = byQueue(series).get(QUEUES.get(key));
        assertThat(value).as("a series of queue %s in %s", QUEUES.get(key), series).isNotNull();
        return value;
    }

    /** The dashboard's variables as Grafana substitutes them: this job, every queue, a 1 minute rate window. */
    private static String grafana(String expr) {
        return expr.replace("$job", JOB).replace("$queue", ".*").replace("$__rate_interval", "1m");
    }

    private static Attributes attributes(String key) {
        try (PosixMq queue = OpenOptions.readOnly().open(QUEUES.get(key))) {
            return queue.attributes();
        }
    }

    private static long current(String key) {
        return attributes(key).currentMessages();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void promtool(Path dir, String... args) throws Exception {
        Path promtool = prometheusBinary.resolveSibling("promtool");
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("promtool %s:\n%s", String.join(" ", args), output).isZero();
        assertThat(output).contains("SUCCESS");
    }

    private int startApp(Path tmp) throws IOException {
        Path jar = Path.of(System.getProperty("order-pipeline.jar", "target/order-pipeline.jar"));
        assertThat(jar).as("the packaged application (mvn package)").exists();
        this.appLog = tmp.resolve("order-pipeline.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--server.port=0",
                // the order that finds /processed full: dead-lettered after 200 ms; the next one dropped after 200 ms
                "--posixmq.queues.processed.outbound.send-timeout=200ms",
                "--posixmq.queues.orders.inbound.dead-letter-send-timeout=200ms"));
        QUEUES.forEach((key, name) -> {
            command.add("--posixmq.queues." + key + ".name=" + name);
            command.add("--posixmq.queues." + key + ".capacity=" + CAPACITY.get(key));
            command.add("--posixmq.queues." + key + ".max-message-size=1024");
            command.add("--posixmq.queues." + key + ".remove-on-shutdown=true");
        });
        Process app = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(this.appLog.toFile()).start();
        this.processes.add(app);
        int[] port = new int[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(app.isAlive()).as("the application is running; its log:\n%s", log(this.appLog)).isTrue();
            Matcher matcher = PORT.matcher(log(this.appLog));
            assertThat(matcher.find()).as("the application has started").isTrue();
            port[0] = Integer.parseInt(matcher.group(1));
        });
        return port[0];
    }

    /** Prometheus scraping the application every second, with the alert rules' {@code for} shortened to 2 s. */
    private void startPrometheus(Path tmp, Path dashboards, int appPort) throws IOException {
        String rules = Files.readString(dashboards.resolve("posixmq-alerts.yml"));
        assertThat(rules).contains("for: 1m");
        Files.writeString(tmp.resolve("alerts.yml"), rules.replace("for: 1m", "for: 2s"));
        Files.writeString(tmp.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - alerts.yml
                scrape_configs:
                  - job_name: %s
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(JOB, appPort));
        this.prometheusPort = freePort();
        this.prometheusLog = tmp.resolve("prometheus.log");
        Process prometheus = new ProcessBuilder(prometheusBinary.toString(),
                "--config.file=" + tmp.resolve("prometheus.yml"), "--storage.tsdb.path=" + tmp.resolve("data"),
                "--web.listen-address=127.0.0.1:" + this.prometheusPort)
            .directory(tmp.toFile())
            .redirectErrorStream(true)
            .redirectOutput(this.prometheusLog.toFile())
            .start();
        this.processes.add(0, prometheus);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .ignoreExceptionsInstanceOf(IOException.class) // connection refused until it listens
            .untilAsserted(() -> {
            assertThat(prometheus.isAlive()).as("Prometheus runs; its log:\n%s", log(this.prometheusLog)).isTrue();
            HttpResponse<String> ready = this.http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + this.prometheusPort + "/-/ready")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String log(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private JsonNode getJson(int port, String path) throws IOException, InterruptedException {
        return json.readTree(get(port, path));
    }

    private String get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return response.body();
    }
}
