package io.github.posixmq.boot;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.posixmq.integration.template.PosixMqTemplate;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Configuration;
import org.springframework.integration.annotation.ServiceActivator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code posixmq.queues.<key>.observation-enabled} alone reaches the inbound gateway of {@code inbound.gateway: true}:
 * the request is processed in a {@code process <queue>} observation and the reply sent in a {@code send} one.
 */
class PosixMqObservationPropertyTests {

    private final TestQueues queues = new TestQueues();

    private final List<String> stopped = new CopyOnWriteArrayList<>();

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    /** Answers each request in upper case. */
    @Configuration(proxyBeanMethods = false)
    static class Replier {

        @ServiceActivator(inputChannel = "questions")
        public String answer(byte[] question) {
            return new String(question, java.nio.charset.StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
        }
    }

    @Test
    void theInboundGatewayOfTheBootPropertiesIsObservedWithOnlyTheProperty() {
        String key = this.queues.key("asked");
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new ObservationHandler<>() {

            @Override
            public void onStop(Observation.Context context) {
                PosixMqObservationPropertyTests.this.stopped.add(context.getName() + " " + context.getContextualName());
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }
        });
        TestQueues.integrationRunner()
            .withBean(ObservationRegistry.class, () -> registry)
            .withUserConfiguration(Replier.class)
            .withPropertyValues(TestQueues.smallQueue(key, "header-mode=embedded", "inbound.gateway=true",
                    "inbound.channel=questions", "observation-enabled=true"))
            .run((context) -> {
                assertThat(context).hasNotFailed();
                PosixMqTemplate template = context.getBean(PosixMqTemplate.class);
                assertThat(template.sendAndReceive(key, "ping", Duration.ofSeconds(20))).isEqualTo("PING");
                await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(this.stopped).contains("posixmq.processor process /" + key)
                        .anyMatch((name) -> name.startsWith("posixmq.sender send /" + key + ".reply")));
            });
    }
}
