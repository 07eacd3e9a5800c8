package io.github.posixmq.boot;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueNotFoundException;
import io.github.posixmq.boot.actuate.PosixMqHealthContributorAutoConfiguration;
import io.github.posixmq.boot.metrics.PosixMqMetricsAutoConfiguration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.integration.autoconfigure.IntegrationAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Unique queue names and keys per run (pid + counter); {@link #close()} removes every queue it named. */
public final class TestQueues implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final List<String> names = new ArrayList<>();

    /** A fresh unique key such as {@code t1234-7-orders}; its default queue name {@code /t1234-7-orders} is tracked. */
    public String key(String hint) {
        String key = "t" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + "-" + hint;
        this.names.add("/" + key);
        return key;
    }

    /** A fresh unique queue name such as {@code /posixmq-boot-1234-7-orders}. */
    public String name(String hint) {
        String name = "/posixmq-boot-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + "-" + hint;
        this.names.add(name);
        return name;
    }

    /** {@link #integrationRunner()} plus health, Micrometer (a {@code SimpleMeterRegistry}) and the posixmq meters. */
    public static ApplicationContextRunner fullStackRunner() {
        return integrationRunner()
            .withConfiguration(AutoConfigurations.of(PosixMqHealthContributorAutoConfiguration.class,
                    MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                    PosixMqMetricsAutoConfiguration.class))
            .withBean(SimpleMeterRegistry.class);
    }

    /** A runner with the queue registry, the Spring Integration adapters of posixmq.queues and Spring Integration. */
    public static ApplicationContextRunner integrationRunner() {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PosixMqAutoConfiguration.class,
                PosixMqIntegrationAutoConfiguration.class, IntegrationAutoConfiguration.class));
    }

    /** {@code posixmq.queues.<key>.<setting>} for each of {@code settings} (such as {@code "capacity=10"}). */
    public static String[] properties(String key, String... settings) {
        String[] properties = new String[settings.length];
        for (int i = 0; i < settings.length; i++) {
            properties[i] = "posixmq.queues." + key + "." + settings[i];
        }
        return properties;
    }

    /** Like {@link #properties}, after capacity 10, max message size 256 and remove-on-shutdown. */
    public static String[] smallQueue(String key, String... settings) {
        String[] properties = new String[settings.length + 3];
        System.arraycopy(properties(key, "capacity=10", "max-message-size=256", "remove-on-shutdown=true"), 0,
                properties, 0, 3);
        System.arraycopy(properties(key, settings), 0, properties, 3, settings.length);
        return properties;
    }

    /** Whether a queue named {@code name} exists (opened read-only and closed at once). */
    public static boolean exists(String name) {
        try (PosixMq mq = OpenOptions.readOnly().existing().open(name)) {
            return true;
        }
        catch (QueueNotFoundException ex) {
            return false;
        }
    }

    /** Removes every queue named by this object. */
    @Override
    public void close() {
        for (String name : this.names) {
            PosixMq.unlinkIfExists(name);
        }
        this.names.clear();
    }
}
