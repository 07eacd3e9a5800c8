package io.github.posixmq.starter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.integration.annotation.ServiceActivator;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** A new application with only the starter and a YAML block receives and sends messages. */
@SpringBootTest(classes = StarterApplicationTests.GreetingApplication.class)
class StarterApplicationTests {

    private static final String SUFFIX = Long.toString(ProcessHandle.current().pid());

    @DynamicPropertySource
    static void uniqueQueueNames(DynamicPropertyRegistry registry) {
        registry.add("posixmq.test.suffix", () -> SUFFIX);
    }

    @Test
    void receivesFromOneQueueAndRepliesToAnother() {
        String prefix = "/posixmq-starter-" + SUFFIX;
        try (PosixMq greetings = OpenOptions.writeOnly().open(prefix + "-greetings");
                PosixMq replies = OpenOptions.readOnly().open(prefix + "-replies")) {
            greetings.send("world".getBytes(StandardCharsets.UTF_8), 4);
            assertThat(replies.receive(Duration.ofSeconds(10)))
                .contains(new Message(4, "hello, world".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @SpringBootApplication
    static class GreetingApplication {

        @ServiceActivator(inputChannel = "greetings", outputChannel = "replies")
        String greet(String name) {
            return "hello, " + name;
        }
    }
}
