package io.github.posixmq.boot.tracing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.github.posixmq.boot.PosixMqAutoConfiguration;
import io.github.posixmq.boot.PosixMqIntegrationAutoConfiguration;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.sdk.trace.data.SpanData;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.integration.autoconfigure.IntegrationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.messaging.Message;

import static org.awaitility.Awaitility.await;

/**
 * The consumer JVM of {@link PosixMqTracingTests}: {@code <queue key> <queue name> [property]} receives one message
 * (observed by Spring Integration's observation patterns, or with {@code property} by
 * {@code posixmq.queues.<key>.observation-enabled} alone) through
 * the inbound adapter of an embedded-mode queue with tracing on, prints {@code PAYLOAD <text>} and, for each span it
 * recorded, {@code SPAN <trace id> <parent span id> <name>}.
 */
public final class TracingReceiver {

    private TracingReceiver() {
    }

    /** Entry point of the consumer JVM. */
    public static void main(String[] args) {
        String key = args[0];
        InMemoryTracing tracing = new InMemoryTracing();
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IntegrationAutoConfiguration.class,
                    PosixMqAutoConfiguration.class, PosixMqIntegrationAutoConfiguration.class))
            .withBean(ObservationRegistry.class, tracing::registry)
            .withBean("received", QueueChannel.class)
            .withPropertyValues(PosixMqTracingTests.queueProperties(key, args[1]))
            .withPropertyValues("posixmq.queues." + key + ".inbound.channel=received",
                    // Spring Integration's observation of the adapter, or only posixmq's own property
                    (args.length > 2 && args[2].equals("property")) ? "posixmq.queues." + key + ".observation-enabled=true"
                            : "spring.integration.management.observation-patterns=posixmq.*")
            .run((context) -> {
                if (context.getStartupFailure() != null) {
                    throw new IllegalStateException(context.getStartupFailure());
                }
                Message<?> message = context.getBean("received", QueueChannel.class).receive(30_000);
                if (message == null) {
                    throw new IllegalStateException("no message on " + args[1]);
                }
                Object payload = message.getPayload();
                System.out.println("PAYLOAD " + (payload instanceof byte[] bytes
                        ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(payload)));
                // the adapter's span ends when its send to the channel returns, on the adapter's thread
                await().atMost(Duration.ofSeconds(10)).until(() -> !tracing.finishedSpans().isEmpty());
                for (SpanData span : tracing.finishedSpans()) {
                    System.out.println("SPAN " + span.getTraceId() + " " + span.getParentSpanId() + " "
                            + span.getName());
                }
            });
    }
}
