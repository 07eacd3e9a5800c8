package io.github.posixmq.stream.binder.actuate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cloud.stream.config.BindersHealthIndicatorAutoConfiguration.BindersHealthContributor;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/** Gauges, send/receive timers and health of the binder's queues, as for posixmq.queues.*. */
class PosixMqBinderMetricsAndHealthTests {

    private final String in = "/t" + ProcessHandle.current().pid() + "-metrics-in";

    private final String out = "/t" + ProcessHandle.current().pid() + "-metrics-out";

    private ConfigurableApplicationContext context;

    @AfterEach
    void close() {
        if (this.context != null) {
            this.context.close();
        }
        List.of(this.in, this.out).forEach(PosixMq::unlinkIfExists);
    }

    @Test
    void theBindersQueuesHaveGaugesTimersAndHealth() {
        this.context = new SpringApplicationBuilder(Functions.class).web(WebApplicationType.NONE)
            .run("--spring.cloud.function.definition=uppercase",
                    "--spring.cloud.stream.bindings.uppercase-in-0.destination=" + this.in,
                    "--spring.cloud.stream.bindings.uppercase-out-0.destination=" + this.out,
                    "--spring.cloud.stream.posixmq.default.consumer.capacity=5",
                    "--spring.cloud.stream.posixmq.default.consumer.max-message-size=128",
                    "--spring.cloud.stream.posixmq.default.producer.capacity=4",
                    "--spring.cloud.stream.posixmq.default.producer.max-message-size=128",
                    "--spring.cloud.stream.posixmq.default.consumer.remove-on-shutdown=true",
                    "--spring.cloud.stream.posixmq.default.producer.remove-on-shutdown=true",
                    "--posixmq.health.full-threshold=0.5");
        try (PosixMq mq = OpenOptions.writeOnly().existing().open(this.in)) {
            mq.send("order".getBytes(StandardCharsets.UTF_8), 1);
            mq.send("order".getBytes(StandardCharsets.UTF_8), 1);
        }
        MeterRegistry registry = this.context.getBean(MeterRegistry.class);
        Awaitility.await().atMost(Duration.ofSeconds(10))
            .until(() -> registry.find("posixmq.queue.messages").tag("queue", this.out).gauge() != null
                    && registry.find("posixmq.queue.messages").tag("queue", this.out).gauge().value() == 2);
        assertThat(registry.get("posixmq.queue.capacity").tag("queue", this.in).gauge().value()).isEqualTo(5);
        assertThat(registry.get("posixmq.queue.capacity").tag("queue", this.out).gauge().value()).isEqualTo(4);
        assertThat(registry.get("posixmq.queue.message.size.max").tag("queue", this.in).gauge().value())
            .isEqualTo(128);
        assertThat(registry.get("posixmq.receive").tag("queue", this.in).timer().count()).isEqualTo(2);
        assertThat(registry.get("posixmq.send").tag("queue", this.out).timer().count()).isEqualTo(2);

        CompositeHealthContributor binders = this.context.getBean(BindersHealthContributor.class);
        CompositeHealthContributor posixmq = (CompositeHealthContributor) binders.getContributor("posixmq");
        assertThat(posixmq.stream().map(HealthContributors.Entry::name))
            .containsExactlyInAnyOrder(this.in.substring(1), this.out.substring(1));
        Health input = ((HealthIndicator) posixmq.getContributor(this.in.substring(1))).health();
        assertThat(input.getStatus()).isEqualTo(Status.UP);
        assertThat(input.getDetails()).containsEntry("queue", this.in).containsEntry("capacity", 5L);
        // 2 of 4 messages: at the full threshold of 0.5
        Health output = ((HealthIndicator) posixmq.getContributor(this.out.substring(1))).health();
        assertThat(output.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(output.getDetails()).containsEntry("currentMessages", 2L);
    }

    /** The function the test binds. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Functions {

        @Bean
        Function<String, String> uppercase() {
            return String::toUpperCase;
        }
    }
}
