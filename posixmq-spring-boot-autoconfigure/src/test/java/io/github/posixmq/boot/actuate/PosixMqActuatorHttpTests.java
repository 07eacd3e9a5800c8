package io.github.posixmq.boot.actuate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.github.posixmq.SystemLimits;
import io.github.posixmq.integration.template.PosixMqTemplate;
import io.github.posixmq.boot.metrics.PosixMqMeterListener;
import io.github.posixmq.boot.metrics.TestQueueNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** A whole web application: the Prometheus scrape, the health endpoint and the posixmq endpoint, over HTTP. */
@SpringBootTest(classes = PosixMqActuatorHttpTests.App.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.endpoints.web.exposure.include=health,prometheus,posixmq",
                "management.endpoint.health.show-details=always", "posixmq.queues.orders.capacity=4",
                "posixmq.queues.orders.max-message-size=128", "posixmq.queues.orders.remove-on-shutdown=true",
                "posixmq.health.full-threshold=0.75",
                "management.endpoint.health.group.readiness.include=readinessState,posixmq" })
@DirtiesContext
class PosixMqActuatorHttpTests {

    private static final TestQueueNames NAMES = new TestQueueNames();

    private static final String ORDERS = NAMES.next("orders");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @LocalServerPort
    private int port;

    @Autowired
    private PosixMqTemplate template;

    @Autowired
    private MeterRegistry registry;

    @DynamicPropertySource
    static void queueName(DynamicPropertyRegistry registry) {
        registry.add("posixmq.queues.orders.name", () -> ORDERS);
    }

    @AfterAll
    static void removeQueues() {
        NAMES.close();
    }

    @AfterEach
    void drain() {
        while (this.template.receive("orders", Duration.ZERO).isPresent()) {
            // empty the queue for the next test
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
            .timeout(Duration.ofSeconds(30))
            .build();
        return this.http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void prometheusScrapeShowsTheGaugesAndTheTimers() throws Exception {
        long sendsBefore = successes(PosixMqMeterListener.SEND);
        long receivesBefore = successes(PosixMqMeterListener.RECEIVE);
        this.template.send("orders", "a".getBytes(StandardCharsets.UTF_8));
        this.template.send("orders", "b".getBytes(StandardCharsets.UTF_8));
        assertThat(this.template.receive("orders", Duration.ofSeconds(5))).isPresent();

        HttpResponse<String> response = get("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        String tags = "key=\"orders\",queue=\"" + ORDERS + "\"";
        assertThat(response.body()).contains("posixmq_queue_messages{" + tags + "} 1.0\n")
            .contains("posixmq_queue_capacity_messages{" + tags + "} 4.0\n")
            .contains("posixmq_queue_message_size_max_bytes{" + tags + "} 128.0\n")
            .contains("posixmq_send_seconds_count{exception=\"none\",queue=\"" + ORDERS + "\",result=\"success\"} "
                    + (sendsBefore + 2) + "\n")
            .contains("posixmq_receive_seconds_count{exception=\"none\",queue=\"" + ORDERS
                    + "\",result=\"success\"} " + (receivesBefore + 1) + "\n")
            .contains("posixmq_send_seconds_sum{exception=\"none\",queue=\"" + ORDERS + "\",result=\"success\"} ")
            .contains("posixmq_send_seconds_max{exception=\"none\",queue=\"" + ORDERS + "\",result=\"success\"} ");
    }

    private long successes(String timer) {
        Timer found = this.registry.find(timer).tags("queue", ORDERS, "result", "success").timer();
        return (found != null) ? found.count() : 0;
    }

    @Test
    void healthShowsEveryQueueAndGoesOutOfServiceAtTheThreshold() throws Exception {
        HttpResponse<String> response = get("/actuator/health");
        assertThat(response.statusCode()).isEqualTo(200);
        DocumentContext health = JsonPath.parse(response.body());
        assertThat(health.read("$.status", String.class)).isEqualTo("UP");
        assertThat(health.read("$.components.posixmq.status", String.class)).isEqualTo("UP");
        assertThat(health.read("$.components.posixmq.components.orders.details.queue", String.class)).isEqualTo(ORDERS);
        assertThat(health.read("$.components.posixmq.components.orders.details.capacity", Integer.class)).isEqualTo(4);
        assertThat(health.read("$.components.posixmq.components.orders.details.maxMessageSize", Integer.class))
            .isEqualTo(128);
        assertThat(health.read("$.components.posixmq.components.orders.details.fullThreshold", Double.class))
            .isEqualTo(0.75);

        for (int i = 0; i < 3; i++) {
            this.template.send("orders", new byte[] { 1 });
        }
        HttpResponse<String> full = get("/actuator/health/posixmq/orders");
        assertThat(full.statusCode()).isEqualTo(503);
        DocumentContext orders = JsonPath.parse(full.body());
        assertThat(orders.read("$.status", String.class)).isEqualTo("OUT_OF_SERVICE");
        assertThat(orders.read("$.details.currentMessages", Integer.class)).isEqualTo(3);
        // with posixmq in the readiness group, a full queue takes the instance out of the load balancer
        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(JsonPath.parse(readiness.body()).read("$.status", String.class)).isEqualTo("OUT_OF_SERVICE");
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    }

    @Test
    void posixmqEndpointListsTheQueuesAndTheLimits() throws Exception {
        this.template.send("orders", new byte[] { 1 });

        HttpResponse<String> response = get("/actuator/posixmq");
        assertThat(response.statusCode()).isEqualTo(200);
        DocumentContext all = JsonPath.parse(response.body());
        assertThat(all.read("$.queues.orders.key", String.class)).isEqualTo("orders");
        assertThat(all.read("$.queues.orders.name", String.class)).isEqualTo(ORDERS);
        assertThat(all.read("$.queues.orders.currentMessages", Integer.class)).isEqualTo(1);
        assertThat(all.read("$.queues.orders.capacity", Integer.class)).isEqualTo(4);
        assertThat(all.read("$.queues.orders.maxMessageSize", Integer.class)).isEqualTo(128);
        SystemLimits limits = SystemLimits.read();
        assertThat(all.read("$.limits.msgMax", Long.class)).isEqualTo(limits.msgMax());
        assertThat(all.read("$.binding", String.class)).isEqualTo(SystemLimits.binding());
        assertThat(all.read("$.limits.msgsizeMax", Long.class)).isEqualTo(limits.msgsizeMax());
        assertThat(all.read("$.limits.queuesMax", Long.class)).isEqualTo(limits.queuesMax());
        assertThat(all.read("$.limits.rlimitMsgqueue", Long.class)).isEqualTo(limits.rlimitMsgqueue());

        HttpResponse<String> one = get("/actuator/posixmq/orders");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(JsonPath.parse(one.body()).read("$.name", String.class)).isEqualTo(ORDERS);

        assertThat(get("/actuator/posixmq/nope").statusCode()).isEqualTo(404);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

    }
}
