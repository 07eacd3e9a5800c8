package io.github.posixmq.boot.metrics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.posixmq.boot.PosixMqAutoConfiguration;
import io.github.posixmq.boot.PosixMqIntegrationAutoConfiguration;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.integration.autoconfigure.IntegrationAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The channel adapters take part in Micrometer Observation through Spring Integration's standard mechanism: the
 * components whose bean names match {@code spring.integration.management.observation-patterns} get the application's
 * {@code ObservationRegistry}.
 */
class PosixMqObservationTests {

    /** The outbound handler is observed under the name of its endpoint, as Spring Integration names components. */
    private static final String OUTBOUND_ADAPTER = "posixmq.orders.outbound-channel-adapter";

    private static final String INBOUND_ADAPTER = "posixmq.orders.inbound-channel-adapter";

    private final TestQueueNames names = new TestQueueNames();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(IntegrationAutoConfiguration.class, PosixMqAutoConfiguration.class,
                PosixMqIntegrationAutoConfiguration.class))
        .withBean(TestObservationRegistry.class, TestObservationRegistry::create)
        .withBean("received", QueueChannel.class);

    @AfterEach
    void removeQueues() {
        this.names.close();
    }

    private ApplicationContextRunner withAdapters() {
        return this.runner.withPropertyValues(TestQueueNames.queue("orders", this.names.next("orders"), 4, 128))
            .withPropertyValues("posixmq.queues.orders.outbound.channel=toOrders",
                    "posixmq.queues.orders.inbound.channel=received");
    }

    private static void sendThroughTheQueue(AssertableApplicationContext context) {
        assertThat(context).hasNotFailed();
        context.getBean("toOrders", MessageChannel.class)
            .send(MessageBuilder.withPayload("hello".getBytes(StandardCharsets.UTF_8)).build());
        Message<?> received = context.getBean("received", QueueChannel.class).receive(10_000);
        assertThat(received).isNotNull();
        assertThat(received.getPayload()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> observedComponents(TestObservationRegistry registry) {
        List<String> names = new ArrayList<>();
        assertThat(registry).hasHandledContextsThatSatisfy((contexts) -> {
            for (Observation.Context context : contexts) {
                KeyValue name = context.getLowCardinalityKeyValue("spring.integration.name");
                if (name != null) {
                    names.add(context.getName() + " " + name.getValue());
                }
            }
        });
        return names;
    }

    @Test
    void adaptersMatchingTheObservationPatternsAreObserved() {
        withAdapters().withPropertyValues("spring.integration.management.observation-patterns=posixmq.*")
            .run((context) -> {
                sendThroughTheQueue(context);
                TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
                // the inbound adapter is observed on its own receiving thread
                await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(observedComponents(registry)).containsExactlyInAnyOrder(
                            "spring.integration.handler " + OUTBOUND_ADAPTER,
                            "spring.integration.handler " + INBOUND_ADAPTER));
                assertThat(registry).hasAnObservationWithAKeyValue("spring.integration.name", OUTBOUND_ADAPTER)
                    .hasAnObservationWithAKeyValue("spring.integration.name", INBOUND_ADAPTER);
            });
    }

    @Test
    void adaptersRecordTheSendAndReceiveTimers() {
        withAdapters().withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class, PosixMqMetricsAutoConfiguration.class))
            .withBean(SimpleMeterRegistry.class)
            .run((context) -> {
                sendThroughTheQueue(context);
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                assertThat(registry.get(PosixMqMeterListener.SEND).tag("result", "success").timer().count())
                    .isEqualTo(1);
                await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(
                            registry.get(PosixMqMeterListener.RECEIVE).tag("result", "success").timer().count())
                        .isEqualTo(1));
            });
    }

    @Test
    void adaptersAreNotObservedWithoutAMatchingPattern() {
        withAdapters().withPropertyValues("spring.integration.management.observation-patterns=somethingElse")
            .run((context) -> {
                sendThroughTheQueue(context);
                assertThat(context.getBean(TestObservationRegistry.class)).doesNotHaveAnyObservation();
            });
    }
}
