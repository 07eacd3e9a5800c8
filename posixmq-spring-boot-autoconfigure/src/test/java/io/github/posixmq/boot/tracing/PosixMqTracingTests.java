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

    /**
     * Observation without wiring: only {@code posixmq.observation-enabled} in the producer JVM and
     * {@code posixmq.queues.<key>.observation-enabled} in the consumer JVM, no observation patterns. The outbound
     * adapter's {@code send /queue} span injects the trace context into the embedded headers; the consumer JVM's
     * {@code process /queue} span is its child, with OpenTelemetry's messaging attributes.
     */
    @Test
    void withOnlyTheObservationPropertyTheConsumerSpanIsAChildOfTheProducerSpan() {
        String key = this.queues.key("observed");
        String name = "/" + key;
        InMemoryTracing tracing = new InMemoryTracing();
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IntegrationAutoConfiguration.class,
                    PosixMqAutoConfiguration.class, PosixMqIntegrationAutoConfiguration.class))
            .withBean(ObservationRegistry.class, tracing::registry)
            .withPropertyValues(queueProperties(key, name))
            .withPropertyValues("posixmq.queues." + key + ".outbound.channel=toOrders", "posixmq.observation-enabled=true")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                MessageChannel toOrders = context.getBean("toOrders", MessageChannel.class);
                Observation.createNotStarted("order.placed", tracing.registry())
                    .observe(() -> toOrders
                        .send(MessageBuilder.withPayload("order 43".getBytes(StandardCharsets.UTF_8)).build()));

                List<SpanData> sent = tracing.finishedSpans();
                SpanData placed = sent.stream().filter((span) -> span.getName().equals("order.placed")).findFirst()
                    .orElseThrow(() -> new AssertionError("no span order.placed in " + sent));
                SpanData send = sent.stream().filter((span) -> span.getName().equals("send " + name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no span 'send " + name + "' in " + sent));
                assertThat(send.getParentSpanId()).isEqualTo(placed.getSpanId());
                assertThat(send.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.PRODUCER);
                assertThat(send.getAttributes().asMap()).extractingFromEntries((entry) -> entry.getKey().getKey() + "="
                        + entry.getValue()).contains("messaging.system=posixmq", "messaging.destination.name=" + name,
                                "messaging.operation.type=send");

                String output = runReceiver(key, name, "property");
                assertThat(output).contains("PAYLOAD order 43");
                List<String[]> received = output.lines().filter((line) -> line.startsWith("SPAN "))
                    .map((line) -> line.split(" ", 4)).toList();
                String[] process = received.stream().filter((span) -> span[3].equals("process " + name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no span 'process " + name + "' in the consumer JVM: "
                            + output));
                assertThat(process[1]).as(output).isEqualTo(placed.getTraceId());
                assertThat(process[2]).as("the consumer span's parent is the producer's send span: %s", output)
                    .isEqualTo(send.getSpanId());
            });
    }

    /** Runs {@link TracingReceiver} in a new JVM on the test class path; returns its output. */
    private static String runReceiver(String key, String name, String... mode) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-cp", System.getProperty("java.class.path")));
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.addAll(List.of(TracingReceiver.class.getName(), key, name));
        command.addAll(List.of(mode));
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
