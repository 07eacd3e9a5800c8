package io.github.posixmq.boot.actuate;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.SystemLimits;
import io.github.posixmq.boot.PosixMqAutoConfiguration;
import io.github.posixmq.boot.properties.PosixMqProperties;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.boot.actuate.PosixMqEndpoint.QueueDescriptor;
import io.github.posixmq.boot.actuate.PosixMqEndpoint.QueuesDescriptor;
import io.github.posixmq.boot.metrics.TestQueueNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class PosixMqEndpointAutoConfigurationTests {

    private final TestQueueNames names = new TestQueueNames();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(
                AutoConfigurations.of(PosixMqAutoConfiguration.class, PosixMqEndpointAutoConfiguration.class))
        .withPropertyValues("management.endpoints.web.exposure.include=posixmq");

    @AfterEach
    void removeQueues() {
        this.names.close();
    }

    @Test
    void listsTheQueuesWithTheirAttributesAndTheSystemLimits() {
        String orders = this.names.next("orders");
        String audit = this.names.next("audit");
        this.runner.withPropertyValues(TestQueueNames.queue("orders", orders, 4, 128))
            .withPropertyValues(TestQueueNames.queue("audit", audit, 2, 64))
            .run((context) -> {
                context.getBean(PosixMqQueues.class).get("audit").send(new byte[] { 1 }, 0);
                QueuesDescriptor all = context.getBean(PosixMqEndpoint.class).queues();
                assertThat(all.queues()).containsOnlyKeys("orders", "audit");
                assertThat(all.queues().keySet()).containsExactly("orders", "audit");
                assertThat(all.queues().get("orders"))
                    .isEqualTo(new QueueDescriptor("orders", orders, 0L, 4L, 128L, null, null));
                assertThat(all.queues().get("audit")).isEqualTo(new QueueDescriptor("audit", audit, 1L, 2L, 64L, null, null));
                SystemLimits now = SystemLimits.read();
                assertThat(all.limits().msgMax()).isEqualTo(now.msgMax()).isPositive();
                assertThat(all.binding()).isEqualTo(SystemLimits.binding()).isIn("ffm", "jna");
                String forced = System.getProperty("posixmq.binding");
                if (forced != null) {
                    assertThat(all.binding()).isEqualTo(forced);
                }
                assertThat(all.limits().msgsizeMax()).isEqualTo(now.msgsizeMax()).isPositive();
                assertThat(all.limits().queuesMax()).isEqualTo(now.queuesMax());
                assertThat(all.limits().rlimitMsgqueue()).isEqualTo(now.rlimitMsgqueue());
            });
    }

    @Test
    void showsOneQueueByKeyAndNothingForAnUnknownKey() {
        String orders = this.names.next("orders");
        this.runner.withPropertyValues(TestQueueNames.queue("orders", orders, 4, 128)).run((context) -> {
                    PosixMqEndpoint endpoint = context.getBean(PosixMqEndpoint.class);
                    assertThat(endpoint.queue("orders"))
                        .isEqualTo(new QueueDescriptor("orders", orders, 0L, 4L, 128L, null, null));
                    assertThat(endpoint.queue("nope")).isNull();
                });
    }

    @Test
    void showsHowAnExistingQueueDiffersFromItsConfiguration() {
        String orders = this.names.next("orders");
        OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(64).open(orders).close();
        this.runner.withPropertyValues(TestQueueNames.queue("orders", orders, 4, 128)).run((context) -> {
            QueueDescriptor queue = context.getBean(PosixMqEndpoint.class).queue("orders");
            assertThat(queue).isNotNull();
            assertThat(queue.capacity()).isEqualTo(2L);
            assertThat(queue.attributeMismatch()).contains(orders, "already existed with capacity 2",
                    "not the configured 4, 128", "remove it (mq_unlink) to apply the settings");
        });
    }

    @Test
    void showsTheErrorOfAQueueThatWasRemoved() {
        String orders = this.names.next("orders");
        this.runner.withPropertyValues(TestQueueNames.queue("orders", orders, 4, 128))
            .withPropertyValues("posixmq.recovery.enabled=false")
            .run((context) -> {
                    PosixMq.unlink(orders);
                    QueueDescriptor removed = context.getBean(PosixMqEndpoint.class).queue("orders");
                    assertThat(removed).isNotNull();
                    assertThat(removed.currentMessages()).isNull();
                    assertThat(removed.capacity()).isNull();
                    assertThat(removed.error()).startsWith("io.github.posixmq.QueueNotFoundException: queue " + orders
                            + " was removed (mq_unlink) while this application held it open");
                });
    }

    @Test
    void backsOffWhenTheEndpointIsNotExposed() {
        new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(PosixMqAutoConfiguration.class, PosixMqEndpointAutoConfiguration.class))
            .run((context) -> {
                assertThat(context).hasSingleBean(PosixMqQueues.class);
                assertThat(context).doesNotHaveBean(PosixMqEndpoint.class);
            });
    }

    @Test
    void backsOffWithoutSpringBootActuator() {
        this.runner.withClassLoader(new FilteredClassLoader(Endpoint.class)).run((context) -> {
            assertThat(context).hasSingleBean(PosixMqQueues.class);
            assertThat(context).doesNotHaveBean(PosixMqEndpoint.class);
        });
    }

    @Test
    void backsOffWhenTheUserDefinesTheEndpoint() {
        this.runner.withBean("userEndpoint", PosixMqEndpoint.class, () -> new PosixMqEndpoint(new PosixMqQueues(
                new PosixMqProperties().settings())))
            .run((context) -> assertThat(context).hasSingleBean(PosixMqEndpoint.class).hasBean("userEndpoint"));
    }
}
