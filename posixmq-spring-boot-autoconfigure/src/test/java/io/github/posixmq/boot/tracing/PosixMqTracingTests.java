package io.github.posixmq.boot.tracing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.posixmq.boot.PosixMqAutoConfiguration;
import io.github.posixmq.boot.PosixMqIntegrationAutoConfiguration;
import io.github.posixmq.boot.TestQueues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.integration.autoconfigure.IntegrationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A trace crosses a queue between two JVMs: with Micrometer Tracing, {@code header-mode: embedded} and the adapters
 * observed ({@code spring.integration.management.observation-patterns}), the producer's {@code traceparent} travels
 * in the embedded headers and the consumer JVM's inbound adapter continues the trace.
 */
class PosixMqTracingTests {

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    /** A tiny embedded-mode queue {@code /<key>}, named {@code name}. */
    static String[] queueProperties(String key, String name) {
        return TestQueues.properties(key, "name=" + name, "capacity=10", "max-message-size=1024",
                "header-mode=embedded");
    }

    @Test
    void aSpanStartedInOneJvmContinuesInTheConsumerJvm() {
        String key = this.queues.key("traced");
        String name = "/" + key;
        InMemoryTracing tracing = new InMemoryTracing();
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IntegrationAutoConfiguration.class,
                    PosixMqAutoConfiguration.class, PosixMqIntegrationAutoConfiguration.class))
            .withBean(ObservationRegistry.class, tracing::registry)
            .withPropertyValues(queueProperties(key, name))
            .withPropertyValues("posixmq.queues." + key + ".outbound.channel=toOrders",
                    // the channel's send injects the trace context into the headers (Spring Integration's
                    // MessageSenderContext); the consumer's inbound adapter extracts it (MessageReceiverContext)
                    "spring.integration.management.observation-patterns=posixmq.*,toOrders")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                MessageChannel toOrders = context.getBean("toOrders", MessageChannel.class);
                Observation.createNotStarted("order.placed", tracing.registry())
                    .observe(() -> toOrders
                        .send(MessageBuilder.withPayload("order 42".getBytes(StandardCharsets.UTF_8)).build()));

                List<SpanData> sent = tracing.finishedSpans();
                SpanData placed = sent.stream().filter((span) -> span.getName().equals("order.placed")).findFirst()
                    .orElseThrow(() -> new AssertionError("no span order.placed in " + sent));
                Set<String> traceIds = sent.stream().map(SpanData::getTraceId).collect(Collectors.toSet());
                assertThat(traceIds).containsExactly(placed.getTraceId());

                String output = runReceiver(key, name);
                assertThat(output).contains("PAYLOAD order 42");
                List<String[]> received = output.lines().filter((line) -> line.startsWith("SPAN "))
                    .map((line) -> line.split(" ", 4)).toList();
                assertThat(received).as(output).isNotEmpty();
                Set<String> sentSpanIds = sent.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
                for (String[] span : received) {
                    assertThat(span[1]).as("trace id in the consumer JVM: %s", output)
                        .isEqualTo(placed.getTraceId());
                    // a child of a span of the producer JVM (the channel's send span), not a new root
                    assertThat(sentSpanIds).as("parent span id in the consumer JVM: %s", output).contains(span[2]);
                }
            });
    }

    /** Runs {@link TracingReceiver} in a new JVM on the test class path; returns its output. */
    private static String runReceiver(String key, String name) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-cp", System.getProperty("java.class.path")));
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.addAll(List.of(TracingReceiver.class.getName(), key, name));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("consumer JVM did not finish: " + output);
        }
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
