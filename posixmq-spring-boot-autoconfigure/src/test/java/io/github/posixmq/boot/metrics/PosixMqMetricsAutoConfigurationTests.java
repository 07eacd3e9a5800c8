package io.github.posixmq.boot.metrics;

import io.github.posixmq.integration.metrics.PosixMqQueueMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.posixmq.MessageTooLargeException;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueClosedException;
import io.github.posixmq.boot.PosixMqAutoConfiguration;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.template.PosixMqTemplate;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class PosixMqMetricsAutoConfigurationTests {

    private final TestQueueNames names = new TestQueueNames();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PosixMqAutoConfiguration.class, MetricsAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class, PosixMqMetricsAutoConfiguration.class))
        .withBean(SimpleMeterRegistry.class);

    @AfterEach
    void removeQueues() {
        this.names.close();
    }

    private ApplicationContextRunner withQueue(String name) {
        return this.runner.withPropertyValues(TestQueueNames.queue("orders", name, 4, 128));
    }

    @Test
    void gaugesReadTheQueueAtScrapeTimeAndReportNaNOnceItIsClosed() {
        String name = this.names.next("orders");
        withQueue(name).run((context) -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            Gauge messages = registry.get(PosixMqQueueMetrics.MESSAGES).tags("queue", name, "key", "orders").gauge();
            Gauge capacity = registry.get(PosixMqQueueMetrics.CAPACITY).tags("queue", name, "key", "orders").gauge();
            Gauge size = registry.get(PosixMqQueueMetrics.MAX_MESSAGE_SIZE)
                .tags("queue", name, "key", "orders")
                .gauge();
            assertThat(messages.getId().getBaseUnit()).isEqualTo("messages");
            assertThat(capacity.getId().getBaseUnit()).isEqualTo("messages");
            assertThat(size.getId().getBaseUnit()).isEqualTo("bytes");
            assertThat(messages.value()).isZero();
            assertThat(capacity.value()).isEqualTo(4);
            assertThat(size.value()).isEqualTo(128);

            // another descriptor (as another process would) fills the queue: the gauge sees it at the next read
            try (PosixMq producer = OpenOptions.writeOnly().open(name)) {
                for (int i = 0; i < 3; i++) {
                    producer.send(("m" + i).getBytes(StandardCharsets.UTF_8), 0);
                }
            }
            assertThat(messages.value()).isEqualTo(3);

            context.getBean(PosixMqQueues.class).close();
            assertThat(messages.value()).isNaN();
            assertThat(capacity.value()).isNaN();
            assertThat(size.value()).isNaN();
        });
    }

    @Test
    void withoutRecoveryGaugesReportNaNOnceTheQueueIsRemovedEvenIfItIsCreatedAgain() {
        String name = this.names.next("orders");
        withQueue(name).withPropertyValues("posixmq.recovery.enabled=false").run((context) -> {
            Gauge messages = context.getBean(MeterRegistry.class).get(PosixMqQueueMetrics.MESSAGES).tag("key", "orders")
                .gauge();
            context.getBean(PosixMqQueues.class).get("orders").send(new byte[] { 1 }, 0);
            assertThat(messages.value()).isEqualTo(1);

            PosixMq.unlink(name);
            assertThat(messages.value()).isNaN();

            // a new queue under the same name is not the one this application holds open
            try (PosixMq recreated = OpenOptions.readWrite().create().capacity(4).maxMessageSize(128).open(name)) {
                assertThat(recreated.currentMessages()).isZero();
                assertThat(messages.value()).isNaN();
            }
        });
    }

    @Test
    void gaugesReportNaNWhileTheQueueIsRemovedAndReadTheNewQueueOnceRecoverySwitchedToIt() {
        String name = this.names.next("orders");
        OpenOptions.readWrite().createNew().capacity(4).maxMessageSize(128).open(name).close();
        withQueue(name).withPropertyValues("posixmq.queues.orders.create=false", "posixmq.recovery.check-interval=50ms")
            .run((context) -> {
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                Gauge messages = registry.get(PosixMqQueueMetrics.MESSAGES).tag("key", "orders").gauge();
                Gauge capacity = registry.get(PosixMqQueueMetrics.CAPACITY).tag("key", "orders").gauge();
                PosixMqQueues queues = context.getBean(PosixMqQueues.class);
                queues.get("orders").send(new byte[] { 1 }, 0);
                assertThat(messages.value()).isEqualTo(1);

                PosixMq.unlink(name);
                await().atMost(Duration.ofSeconds(10)).until(() -> queues.detachedReason("orders").isPresent());
                assertThat(messages.value()).isNaN();
                assertThat(capacity.value()).isNaN();

                // another program creates the queue again and sends two messages: the gauges read the new queue,
                // which also holds the message moved from the removed one
                try (PosixMq recreated = OpenOptions.readWrite().createNew().capacity(4).maxMessageSize(128)
                    .open(name)) {
                    recreated.send(new byte[] { 2 }, 0);
                    recreated.send(new byte[] { 3 }, 0);
                    await().atMost(Duration.ofSeconds(10)).until(() -> messages.value() == 3);
                    assertThat(capacity.value()).isEqualTo(4);
                    assertThat(recreated.currentMessages()).isEqualTo(3);
                }
            });
    }

    @Test
    void timersCountSendsAndReceivesByResultButNotIdleWaits() {
        String name = this.names.next("orders");
        withQueue(name).run((context) -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            PosixMqTemplate template = context.getBean(PosixMqTemplate.class);
            template.send("orders", "a".getBytes(StandardCharsets.UTF_8));
            template.send("orders", "b".getBytes(StandardCharsets.UTF_8));
            assertThatExceptionOfType(MessageTooLargeException.class)
                .isThrownBy(() -> template.send("orders", new byte[129]));
            assertThat(template.receiveString("orders", Duration.ofSeconds(5))).contains("a");
            assertThat(template.receiveString("orders", Duration.ofSeconds(5))).contains("b");
            assertThat(template.receive("orders", Duration.ofMillis(20))).isEmpty();

            Timer sent = registry.get(PosixMqMeterListener.SEND)
                .tags("queue", name, "result", "success", "exception", "none")
                .timer();
            Timer tooLarge = registry.get(PosixMqMeterListener.SEND)
                .tags("queue", name, "result", "failure", "exception", "MessageTooLargeException")
                .timer();
            Timer received = registry.get(PosixMqMeterListener.RECEIVE)
                .tags("queue", name, "result", "success", "exception", "none")
                .timer();
            assertThat(sent.count()).isEqualTo(2);
            assertThat(sent.totalTime(TimeUnit.NANOSECONDS)).isPositive();
            assertThat(tooLarge.count()).isEqualTo(1);
            assertThat(received.count()).isEqualTo(2); // the idle wait on the empty queue is not a receive

            context.getBean(PosixMqQueues.class).close();
            assertThatExceptionOfType(QueueClosedException.class)
                .isThrownBy(() -> template.receive("orders", Duration.ZERO));
            assertThat(registry.get(PosixMqMeterListener.RECEIVE)
                .tags("queue", name, "result", "failure", "exception", "QueueClosedException")
                .timer()
                .count()).isEqualTo(1);
        });
    }

    @Test
    void backsOffWithoutMicrometer() {
        new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(PosixMqAutoConfiguration.class, PosixMqMetricsAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader(MeterBinder.class))
            .run((context) -> {
                assertThat(context).hasSingleBean(PosixMqQueues.class);
                assertThat(context).doesNotHaveBean(PosixMqQueueMetrics.class);
                assertThat(context).doesNotHaveBean(PosixMqMeterListener.class);
            });
    }

    @Test
    void backsOffWithoutAMeterRegistry() {
        new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(PosixMqAutoConfiguration.class, PosixMqMetricsAutoConfiguration.class))
            .run((context) -> {
                assertThat(context).hasSingleBean(PosixMqQueues.class);
                assertThat(context).doesNotHaveBean(PosixMqQueueMetrics.class);
                assertThat(context).doesNotHaveBean(PosixMqMeterListener.class);
            });
    }

    @Test
    void backsOffWhenTheUserDefinesTheBeans() {
        this.runner.withUserConfiguration(UserMetrics.class).run((context) -> {
            assertThat(context).hasSingleBean(PosixMqQueueMetrics.class).hasBean("userQueueMetrics");
            assertThat(context).hasSingleBean(PosixMqMeterListener.class).hasBean("userMeterListener");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class UserMetrics {

        @Bean
        PosixMqQueueMetrics userQueueMetrics(PosixMqQueues queues) {
            return new PosixMqQueueMetrics(queues);
        }

        @Bean
        PosixMqMeterListener userMeterListener() {
            return new PosixMqMeterListener(new SimpleMeterRegistry());
        }
    }
}
