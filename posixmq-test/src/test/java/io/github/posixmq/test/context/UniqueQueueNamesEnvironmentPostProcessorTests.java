package io.github.posixmq.test.context;

import java.util.Map;

import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueNotFoundException;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UniqueQueueNamesEnvironmentPostProcessorTests {

    private static final String[] CONFIG = { "--posixmq.test.unique-names=true", "--posixmq.queues.orders.capacity=4",
            "--posixmq.queues.orders.max-message-size=256", "--posixmq.queues.orders.create=false",
            "--posixmq.queues.dead.name=/orders.dead", "--posixmq.queues.dead.capacity=4",
            "--posixmq.queues.dead.max-message-size=256", "--posixmq.queues.orders.inbound.channel=orders",
            "--posixmq.queues.orders.inbound.dead-letter-queue=/orders.dead" };

    @Test
    void twoContextsOfOneConfigurationGetQueuesOfTheirOwnAndRemoveThemWhenTheyClose() {
        String orders;
        String dead;
        String otherOrders;
        try (ConfigurableApplicationContext first = start(); ConfigurableApplicationContext second = start()) {
            PosixMqQueues queues = first.getBean(PosixMqQueues.class);
            orders = queues.queueName("orders");
            dead = queues.queueName("dead");
            otherOrders = second.getBean(PosixMqQueues.class).queueName("orders");
            String pid = "-" + ProcessHandle.current().pid() + "-";
            assertThat(orders).startsWith("/orders" + pid).isNotEqualTo(otherOrders);
            assertThat(dead).startsWith("/orders.dead" + pid);
            assertThat(first.getEnvironment().getProperty("posixmq.queues.orders.inbound.dead-letter-queue"))
                .isEqualTo(dead);
            queues.get("orders").send(new byte[] { 1 }, 0);
            assertThat(second.getBean(PosixMqQueues.class).get("orders").currentMessages()).isZero();
        }
        for (String name : new String[] { orders, dead, otherOrders }) {
            assertThatThrownBy(() -> PosixMq.open(name)).isInstanceOf(QueueNotFoundException.class);
        }
    }

    @Test
    void leavesTheNamesAloneUnlessTurnedOn() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources()
            .addFirst(new MapPropertySource("test", Map.of("posixmq.queues.orders.capacity", "4")));
        new UniqueQueueNamesEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getPropertySources().contains(UniqueQueueNamesEnvironmentPostProcessor.PROPERTY_SOURCE))
            .isFalse();
        assertThat(environment.getProperty("posixmq.queues.orders.name")).isNull();
    }

    private static ConfigurableApplicationContext start() {
        SpringApplication application = new SpringApplication(App.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        return application.run(CONFIG);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
