package io.github.posixmq.boot;

import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.template.PosixMqTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.boot.actuate.PosixMqEndpoint;
import io.github.posixmq.boot.actuate.PosixMqHealthContributorAutoConfiguration;
import io.github.posixmq.boot.metrics.PosixMqMetricsAutoConfiguration;
import io.github.posixmq.integration.metrics.PosixMqQueueMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Health, the endpoint and the gauges read the descriptor the registry holds: a notification registered on a registry
 * queue still fires after all of them ran (the kernel drops it when the process closes any descriptor of the queue).
 * The template opens nothing after close() and a timed receive opens no selector.
 */
class PosixMqHeldDescriptorTests {

    private final TestQueues queues = new TestQueues();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PosixMqAutoConfiguration.class,
                PosixMqHealthContributorAutoConfiguration.class, MetricsAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class, PosixMqMetricsAutoConfiguration.class))
        .withBean(SimpleMeterRegistry.class);

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    @Test
    void aNotificationOnARegistryQueueSurvivesHealthEndpointAndGauges() {
        String key = this.queues.key("notify");
        this.runner.withPropertyValues(TestQueues.smallQueue(key)).run(context -> {
            PosixMqQueues registry = context.getBean(PosixMqQueues.class);
            PosixMq held = registry.get(key);
            CountDownLatch notified = new CountDownLatch(1);
            held.registerNotification(notified::countDown);
            long descriptors = openDescriptors();

            HealthIndicator health = (HealthIndicator) context
                .getBean("posixmqHealthContributor", CompositeHealthContributor.class).getContributor(key);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(new PosixMqEndpoint(registry).queue(key).currentMessages()).isZero();
            assertThat(context.getBean(MeterRegistry.class).get(PosixMqQueueMetrics.MESSAGES).tag("key", key).gauge()
                .value()).isZero();
            assertThat(openDescriptors()).as("no descriptor opened and left").isEqualTo(descriptors);

            held.send(new byte[] { 1 }, 0);
            assertThat(notified.await(15, TimeUnit.SECONDS)).as("the mq_notify registration is still there").isTrue();
        });
    }

    @Test
    void theTemplateOpensNoDescriptorAfterCloseAndATimedReceiveNoSelector() {
        String name = this.queues.name("byname");
        OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(64).open(name).close();
        this.runner.run(context -> {
            PosixMqTemplate template = context.getBean(PosixMqTemplate.class);
            assertThat(template.receive(name, Duration.ZERO)).isEmpty(); // opens the by-name queue once
            long descriptors = openDescriptors();
            assertThat(template.receive(name, Duration.ofMillis(20))).isEmpty();
            assertThat(openDescriptors()).as("a timed receive opens no selector or eventfd").isEqualTo(descriptors);
            template.close();
            long afterClose = openDescriptors();
            assertThatIllegalStateException().isThrownBy(() -> template.send(name, new byte[] { 1 }, 0))
                .withMessageContaining("closed");
            assertThatIllegalStateException().isThrownBy(() -> template.receive(name, Duration.ZERO))
                .withMessageContaining("closed");
            assertThat(openDescriptors()).isEqualTo(afterClose);
        });
    }

    private static long openDescriptors() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
