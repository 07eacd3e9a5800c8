package io.github.posixmq.test.context;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

import io.github.posixmq.Message;
import io.github.posixmq.integration.template.PosixMqTemplate;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.integration.annotation.ServiceActivator;
import org.springframework.stereotype.Component;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's Spring Boot quick start: its YAML (application-readme.yml) and its handler, on queues of its own. */
@SpringBootTest(properties = "posixmq.test.unique-names=true")
@ActiveProfiles("readme")
class ReadmeSpringQuickStartTests {

    @Autowired
    PosixMqTemplate template;

    @Test
    void theHandlerRepliesToShippingWithThePriorityOfTheOrder() {
        this.template.send("orders", "order 42", 5);
        assertThat(this.template.receive("shipping", Duration.ofSeconds(10)))
            .contains(new Message(5, "ORDER 42".getBytes(StandardCharsets.UTF_8)));
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(OrderHandler.class)
    static class App {
    }

    @Component
    static class OrderHandler {

        @ServiceActivator(inputChannel = "orders", outputChannel = "shipping")
        String handle(String order) {                  // the reply keeps the order's priority
            return order.toUpperCase(Locale.ROOT);
        }
    }
}
