package io.github.posixmq.boot.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.posixmq.integration.template.PosixMqTemplate;
import io.github.posixmq.boot.TestQueues;
import io.github.posixmq.boot.actuate.PosixMqHealthContributorAutoConfiguration;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.messaging.SubscribableChannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Grafana dashboard ({@code dashboards/posixmq.json}) and the alert rules ({@code dashboards/posixmq-alerts.yml})
 * name only meters the code registers: an application context with every posixmq meter (queue gauges, timers,
 * receivers, counters, health) is scraped in the Prometheus format, and every {@code posixmq_*} name the two files
 * query must be a series of that scrape; every meter of {@link PosixMqMetricNames} is registered and on the dashboard.
 * The order-pipeline sample's {@code PrometheusIT} then runs each panel's query on a real Prometheus.
 */
class PosixMqDashboardTests {

    private static final Pattern METRIC = Pattern.compile("posixmq_[a-z_]+");

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    @Test
    void everyMetricTheDashboardAndTheAlertRulesQueryIsRegistered() throws IOException {
        String key = this.queues.key("dash");
        String dlq = this.queues.key("dashdlq");
        TestQueues.integrationRunner()
            .withConfiguration(AutoConfigurations.of(PosixMqHealthContributorAutoConfiguration.class,
                    MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                    PosixMqMetricsAutoConfiguration.class))
            .withBean(PrometheusMeterRegistry.class, () -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
            .withPropertyValues(TestQueues.smallQueue(key, "inbound.channel=dash", "inbound.dead-letter-queue=" + dlq,
                    "inbound.retry.attempts=1"))
            .withPropertyValues(TestQueues.smallQueue(dlq))
            .run((context) -> {
                context.getBean("dash", SubscribableChannel.class).subscribe((message) -> {
                    if (new String((byte[]) message.getPayload(), StandardCharsets.UTF_8).equals("fail")) {
                        throw new IllegalStateException("refused");
                    }
                });
                PosixMqTemplate template = context.getBean(PosixMqTemplate.class);
                template.send(key, "ok".getBytes(StandardCharsets.UTF_8));
                template.send(key, "fail".getBytes(StandardCharsets.UTF_8));
                PrometheusMeterRegistry registry = context.getBean(PrometheusMeterRegistry.class);
                await().atMost(Duration.ofSeconds(15)).until(() -> registry.find(PosixMqMetricNames.MESSAGES_DEAD_LETTERED)
                    .counter() != null && registry.get(PosixMqMetricNames.MESSAGES_DEAD_LETTERED).counter().count() == 1);
                for (String name : PosixMqMetricNames.ALL) {
                    assertThat(registry.find(name).meters()).as("meter %s", name).isNotEmpty();
                }

                String scrape = registry.scrape();
                String dashboard = read("posixmq.json");
                String alerts = read("posixmq-alerts.yml");
                Set<String> queried = names(dashboard + alerts);
                assertThat(queried).hasSizeGreaterThan(10);
                for (String metric : queried) {
                    assertThat(scrape).as("%s in the scrape", metric).containsPattern("(?m)^" + metric + "[{ ]");
                }
                for (String name : PosixMqMetricNames.ALL) {
                    assertThat(dashboard).as("meter %s on the dashboard", name).contains(name.replace('.', '_'));
                }
            });
    }

    private static Set<String> names(String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }

    private static String read(String file) throws IOException {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (!Files.isDirectory(dir.resolve("dashboards"))) {
            dir = dir.getParent();
            assertThat(dir).as("a dashboards/ folder above the working directory").isNotNull();
        }
        return Files.readString(dir.resolve("dashboards").resolve(file));
    }
}
