package io.github.posixmq.stream.binder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Cloud Stream application on the posixmq binder for a test, with unique queue names (pid and counter) whose
 * queues are removed by {@link #close()}; small queues (capacity 10, 256 bytes) unless a test says otherwise.
 */
final class StreamApp implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final List<String> names = new ArrayList<>();

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    /** A fresh unique destination such as {@code t1234-7-in} (queue {@code /t1234-7-in}), removed by close. */
    String destination(String hint) {
        String name = "t" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + "-" + hint;
        track(name);
        return name;
    }

    /** Removes {@code name} (a destination or derived queue name) at close. */
    String track(String name) {
        this.names.add(name.startsWith("/") ? name : "/" + name);
        return name;
    }

    /** Starts an application of {@code configuration} with the default small queues and {@code properties}. */
    ConfigurableApplicationContext run(Class<?> configuration, String... properties) {
        SpringApplication application = new SpringApplicationBuilder(configuration)
            .web(WebApplicationType.NONE)
            .properties("spring.cloud.stream.posixmq.default.consumer.capacity=10",
                    "spring.cloud.stream.posixmq.default.consumer.max-message-size=256",
                    "spring.cloud.stream.posixmq.default.consumer.remove-on-shutdown=true",
                    "spring.cloud.stream.posixmq.default.producer.capacity=10",
                    "spring.cloud.stream.posixmq.default.producer.max-message-size=256",
                    "spring.cloud.stream.posixmq.default.producer.remove-on-shutdown=true",
                    "spring.main.banner-mode=off")
            .build();
        ConfigurableApplicationContext context = application.run(properties(properties));
        this.contexts.add(context);
        return context;
    }

    private static String[] properties(String... properties) {
        String[] args = new String[properties.length];
        for (int i = 0; i < properties.length; i++) {
            args[i] = "--" + properties[i];
        }
        return args;
    }

    /** Sends {@code text} with {@code priority} to the queue {@code name} (which must exist). */
    static void send(String name, String text, int priority) {
        try (PosixMq mq = OpenOptions.writeOnly().existing().open(name)) {
            mq.send(text.getBytes(StandardCharsets.UTF_8), priority);
        }
    }

    /** The next message of queue {@code name}, waiting up to 10 seconds. */
    static Message receive(String name) {
        try (PosixMq mq = OpenOptions.readOnly().existing().open(name)) {
            return mq.receive(Duration.ofSeconds(10))
                .orElseThrow(() -> new AssertionError("no message in " + name + " within 10 seconds"));
        }
    }

    /** The next message of queue {@code name} if there is one now. */
    static Optional<Message> poll(String name) {
        try (PosixMq mq = OpenOptions.readOnly().existing().open(name)) {
            return mq.receive(Duration.ZERO);
        }
    }

    static String text(Message message) {
        return new String(message.bytes(), StandardCharsets.UTF_8);
    }

    /** Closes the applications, then removes every queue named by this object. */
    @Override
    public void close() {
        for (int i = this.contexts.size() - 1; i >= 0; i--) {
            this.contexts.get(i).close();
        }
        this.names.forEach(PosixMq::unlinkIfExists);
    }
}
