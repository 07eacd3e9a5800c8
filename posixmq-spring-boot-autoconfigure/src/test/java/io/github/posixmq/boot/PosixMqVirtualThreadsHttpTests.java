package io.github.posixmq.boot;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.dsl.PosixMqs;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.template.PosixMqTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A web application with {@code spring.threads.virtual.enabled=true}: {@link #WAITING} requests wait in
 * {@link PosixMqTemplate#receive} on an empty queue (or in {@link PosixMqTemplate#sendAndReceive} for a reply an
 * inbound gateway holds back), each on its own virtual request thread, while another endpoint still answers; then one
 * message per request (or the gateway) releases them all. Without posixmq's poller the first requests (as many as
 * there are cores) pin every carrier and the application answers nothing until they time out.
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need Java 21 or later")
@SpringBootTest(classes = PosixMqVirtualThreadsHttpTests.App.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "spring.threads.virtual.enabled=true", "posixmq.queues.inbox.capacity=4",
                "posixmq.queues.inbox.max-message-size=64", "posixmq.queues.inbox.remove-on-shutdown=true",
                "posixmq.queues.requests.capacity=10", "posixmq.queues.requests.max-message-size=1024",
                "posixmq.queues.requests.header-mode=embedded", "posixmq.queues.requests.remove-on-shutdown=true" })
@DirtiesContext
class PosixMqVirtualThreadsHttpTests {

    private static final int WAITING = 50;

    /** Far above what an answering application needs, far below the receive timeout. */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    private static final TestQueues QUEUES = new TestQueues();

    private static final String INBOX = QUEUES.name("inbox");

    private static final String REQUESTS = QUEUES.name("requests");

    private final HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();

    @LocalServerPort
    private int port;

    @Autowired
    private PosixMqTemplate template;

    @Autowired
    private Waiting waiting;

    @Autowired
    private Gate gate;

    @DynamicPropertySource
    static void queueName(DynamicPropertyRegistry registry) {
        registry.add("posixmq.queues.inbox.name", () -> INBOX);
        registry.add("posixmq.queues.requests.name", () -> REQUESTS);
    }

    @AfterAll
    static void removeQueues() {
        QUEUES.close();
    }

    @Test
    void requestsWaitingInTemplateReceiveLeaveTheApplicationAnswering() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> waits = new ArrayList<>();
        for (int i = 0; i < WAITING; i++) {
            waits.add(this.http.sendAsync(request("/wait", Duration.ofSeconds(90)),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(this.waiting.count.get())
            .as("requests inside template.receive (each holds a virtual thread)").isEqualTo(WAITING));

        long start = System.nanoTime();
        HttpResponse<String> ping = this.http.send(request("/ping", PROMPTLY),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(ping.statusCode()).isEqualTo(200);
        assertThat(ping.body()).isEqualTo("pong");
        System.out.println("PosixMqVirtualThreadsHttpTests: /ping answered in " + took.toMillis() + " ms while "
                + WAITING + " requests waited in template.receive");

        Set<String> sent = new HashSet<>();
        for (int i = 0; i < WAITING; i++) {
            String text = "message-" + i;
            this.template.send("inbox", text); // capacity 4: waits for room while the requests take them
            sent.add(text);
        }
        Set<String> answered = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> wait : waits) {
            HttpResponse<String> response = wait.get(60, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            String[] parts = response.body().split(" ", 2);
            assertThat(parts[1]).as("the request thread").startsWith("VirtualThread[");
            answered.add(parts[0]);
        }
        assertThat(answered).isEqualTo(sent);
    }

    @Test
    void requestsWaitingInSendAndReceiveLeaveTheApplicationAnswering() throws Exception {
        // the replier holds the first request until the gate opens: the next ones fill the request queue (capacity
        // 10) and the rest wait for room, all for longer than the default send timeout of 5 s on a slow machine
        this.template.setSendTimeout(Duration.ofSeconds(90));
        List<CompletableFuture<HttpResponse<String>>> asks = new ArrayList<>();
        for (int i = 0; i < WAITING; i++) {
            asks.add(this.http.sendAsync(request("/ask?n=" + i, Duration.ofSeconds(90)),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(this.waiting.count.get())
            .as("requests inside template.sendAndReceive").isEqualTo(WAITING));

        HttpResponse<String> ping = this.http.send(request("/ping", PROMPTLY),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(ping.body()).isEqualTo("pong");

        this.gate.open.countDown();
        for (int i = 0; i < WAITING; i++) {
            HttpResponse<String> response = asks.get(i).get(90, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            String[] parts = response.body().split(" ", 2);
            assertThat(parts[0]).isEqualTo("ASK-" + i);
            assertThat(parts[1]).as("the request thread").startsWith("VirtualThread[");
        }
    }

    private HttpRequest request(String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).timeout(timeout).build();
    }

    /** Counts the requests waiting in the template. */
    static final class Waiting {

        final AtomicInteger count = new AtomicInteger();

    }

    /** Holds the replier back until the test opens it. */
    static final class Gate {

        final CountDownLatch open = new CountDownLatch(1);

        void pass() {
            try {
                if (!this.open.await(90, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the gate was never opened");
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
        }

    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        Gate gate() {
            return new Gate();
        }

        /** Replies with the request in upper case, once the gate is open. */
        @Bean
        IntegrationFlow replier(PosixMqQueues queues, Gate gate) {
            return IntegrationFlow.from(PosixMqs.inboundGateway(queues.resolve("requests"),
                    new PosixMqEmbeddedHeaders()))
                .transform(byte[].class, (bytes) -> {
                    gate.pass();
                    return new String(bytes, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
                })
                .get();
        }

        @Bean
        Waiting waiting() {
            return new Waiting();
        }

        @Bean
        Endpoints endpoints(PosixMqTemplate template, Waiting waiting) {
            return new Endpoints(template, waiting);
        }

    }

    @RestController
    static class Endpoints {

        private final PosixMqTemplate template;

        private final Waiting waiting;

        Endpoints(PosixMqTemplate template, Waiting waiting) {
            this.template = template;
            this.waiting = waiting;
        }

        /** Waits up to 60 s for a message on {@code inbox}; answers "text thread". */
        @GetMapping("/wait")
        String waitForMessage() {
            this.waiting.count.incrementAndGet();
            try {
                String text = this.template.receiveString("inbox", Duration.ofSeconds(60)).orElse("timeout");
                return text + " " + Thread.currentThread();
            }
            finally {
                this.waiting.count.decrementAndGet();
            }
        }

        /** Asks the replier; answers "reply thread". */
        @GetMapping("/ask")
        String ask(@RequestParam("n") int n) {
            this.waiting.count.incrementAndGet();
            try {
                return this.template.sendAndReceive("requests", "ask-" + n, Duration.ofSeconds(90)) + " "
                        + Thread.currentThread();
            }
            finally {
                this.waiting.count.decrementAndGet();
            }
        }

        @GetMapping("/ping")
        String ping() {
            return "pong";
        }

    }

}
