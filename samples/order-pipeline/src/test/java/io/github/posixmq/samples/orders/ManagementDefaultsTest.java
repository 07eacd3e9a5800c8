package io.github.posixmq.samples.orders;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.github.posixmq.PosixMq;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The sample's management defaults from its own application.yml, on a real HTTP port: Actuator listens on 127.0.0.1
 * only, and health shows no details or components (no request is authorised: the sample has no Spring Security);
 * Prometheus shows posixmq's timers, not Spring Integration's own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class ManagementDefaultsTest {

    private static final String PREFIX = "/order-pipeline-mgmt-test-" + ProcessHandle.current().pid() + "-";

    private static final List<String> KEYS = List.of("orders", "processed", "rejected", "dead-letter");

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void queues(DynamicPropertyRegistry registry) {
        for (String key : KEYS) {
            registry.add("posixmq.queues." + key + ".name", () -> PREFIX + key);
            registry.add("posixmq.queues." + key + ".capacity", () -> 2);
            registry.add("posixmq.queues." + key + ".max-message-size", () -> 256);
            registry.add("posixmq.queues." + key + ".remove-on-shutdown", () -> true);
        }
    }

    @AfterAll
    static void removeQueues() {
        KEYS.forEach(key -> PosixMq.unlinkIfExists(PREFIX + key));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthSaysUpWithoutDetailsOrComponents() throws Exception {
        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain("components", "details", "posixmq",
                PREFIX);
        HttpResponse<String> endpoint = get("/actuator/posixmq");
        assertThat(endpoint.statusCode()).isEqualTo(200);
        assertThat(endpoint.body()).contains(PREFIX + "orders");
    }

    @Test
    void prometheusShowsPosixmqTimersAndNotSpringIntegrationsOwn() throws Exception {
        try (PosixMq orders = PosixMq.open(PREFIX + "orders"); PosixMq processed = PosixMq.open(PREFIX + "processed")) {
            orders.send("{\"id\":7,\"qty\":1}".getBytes(StandardCharsets.UTF_8), 3);
            assertThat(processed.receive(Duration.ofSeconds(30))).as("the order's output").isPresent();
        }
        HttpResponse<String> prometheus = get("/actuator/prometheus");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        // posixmq's timers feed the dashboard; Spring Integration's would time each order four more times
        assertThat(prometheus.body()).contains("posixmq_send_seconds_count{", "posixmq_receive_seconds_bucket{")
            .doesNotContain("spring_integration_send_seconds");
    }

    @Test
    void theServerDoesNotListenOnOtherInterfaces() throws Exception {
        Optional<InetAddress> external = nonLoopbackAddress();
        Assumptions.assumeTrue(external.isPresent(), "this host has no address but loopback to try");
        try (Socket socket = new Socket()) {
            assertThatExceptionOfType(ConnectException.class).as("connect to %s:%d", external.get(), this.port)
                    .isThrownBy(() -> socket.connect(new InetSocketAddress(external.get(), this.port), 10_000));
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(ManagementDefaultsTest::isUp)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> !address.isLoopbackAddress() && !address.isLinkLocalAddress())
                .findFirst();
    }

    private static boolean isUp(NetworkInterface networkInterface) {
        try {
            return networkInterface.isUp() && !networkInterface.isLoopback();
        }
        catch (SocketException ex) {
            return false;
        }
    }
}
