package io.github.posixmq.boot.actuate;

import java.time.Duration;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueNotFoundException;
import io.github.posixmq.boot.PosixMqAutoConfiguration;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.boot.metrics.TestQueueNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class PosixMqHealthContributorAutoConfigurationTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final TestQueueNames names = new TestQueueNames();

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(PosixMqAutoConfiguration.class, PosixMqHealthContributorAutoConfiguration.class));

    @AfterEach
    void removeQueues() {
        this.names.close();
    }

    private ApplicationContextRunner withQueue(String name) {
        return this.runner.withPropertyValues(TestQueueNames.queue("orders", name, 4, 128));
    }

    private static Health health(AssertableApplicationContext context, String key) {
        CompositeHealthContributor posixmq = context.getBean("posixmqHealthContributor",
                CompositeHealthContributor.class);
        return ((HealthIndicator) posixmq.getContributor(key)).health();
    }

    @Test
    void upWithTheQueueAttributesAsDetails() {
        String orders = this.names.next("orders");
        String audit = this.names.next("audit");
        withQueue(orders).withPropertyValues(TestQueueNames.queue("audit", audit, 2, 64)).run((context) -> {
                    context.getBean(PosixMqQueues.class).get("orders").send(new byte[] { 1 }, 0);
                    Health health = health(context, "orders");
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails()).containsEntry("queue", orders)
                        .containsEntry("currentMessages", 1L)
                        .containsEntry("capacity", 4L)
                        .containsEntry("maxMessageSize", 128L)
                        .doesNotContainKey("fullThreshold");
                    assertThat(health(context, "audit").getDetails()).containsEntry("queue", audit)
                        .containsEntry("capacity", 2L);
                    assertThat(health.getDetails()).doesNotContainKey("attributeMismatch");
                });
    }

    @Test
    void anExistingQueueWithOtherAttributesStaysUpAndShowsTheMismatch() {
        String orders = this.names.next("orders");
        // created beforehand by "another program" with capacity 2 and 64-byte messages; configured 4 x 128
        OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(64).open(orders).close();
        withQueue(orders).run((context) -> {
            Health health = health(context, "orders");
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("capacity", 2L);
            assertThat((String) health.getDetails().get("attributeMismatch")).contains(orders,
                    "already existed with capacity 2, max message size 64", "not the configured 4, 128");
            assertThat(context.getBean(PosixMqQueues.class).attributeMismatch("orders"))
                .hasValue((String) health.getDetails().get("attributeMismatch"));
        });
    }

    @Test
    void withoutRecoveryDownOnceTheQueueIsRemovedAndStillWhenItIsCreatedAgain() {
        String name = this.names.next("orders");
        withQueue(name).withPropertyValues("posixmq.recovery.enabled=false").run((context) -> {
            assertThat(health(context, "orders").getStatus()).isEqualTo(Status.UP);

            PosixMq.unlink(name);
            Health removed = health(context, "orders");
            assertThat(removed.getStatus()).isEqualTo(Status.DOWN);
            assertThat(removed.getDetails()).containsEntry("queue", name);
            assertThat((String) removed.getDetails().get("error")).contains("QueueNotFoundException")
                .contains("queue " + name + " was removed (mq_unlink) while this application held it open")
                .contains("posixmq.recovery.enabled is false: restart the application");
            // the check never creates the queue
            assertThatExceptionOfType(QueueNotFoundException.class).isThrownBy(() -> PosixMq.open(name).close());

            try (PosixMq recreated = OpenOptions.readWrite().create().capacity(4).maxMessageSize(128).open(name)) {
                Health stale = health(context, "orders");
                assertThat(stale.getStatus()).isEqualTo(Status.DOWN);
                assertThat((String) stale.getDetails().get("error")).contains("was removed (mq_unlink)")
                    .contains("restart the application");
            }
        });
    }

    @Test
    void downWhileTheRemovedQueueIsMissingAndUpAgainOnceAnotherProgramCreatesIt() throws Exception {
        String name = this.names.next("orders");
        OpenOptions.readWrite().createNew().capacity(4).maxMessageSize(128).open(name).close();
        withQueue(name).withPropertyValues("posixmq.queues.orders.create=false", "posixmq.recovery.check-interval=50ms")
            .run((context) -> {
                PosixMqQueues queues = context.getBean(PosixMqQueues.class);
                queues.get("orders").send(new byte[] { 1 }, 0);
                PosixMq.unlink(name);
                await().atMost(WAIT).until(() -> queues.detachedReason("orders").isPresent());
                Health down = health(context, "orders");
                assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                assertThat(down.getDetails()).containsEntry("queue", name);
                assertThat((String) down.getDetails().get("error")).contains("QueueNotFoundException")
                    .contains("queue " + name + " was removed (mq_unlink)")
                    .contains("waiting for another program to create it again (posixmq.queues.orders.create is false)");
                // with create=false the registry never creates it
                assertThatExceptionOfType(QueueNotFoundException.class).isThrownBy(() -> PosixMq.open(name).close());

                try (PosixMq recreated = OpenOptions.readWrite().createNew().capacity(4).maxMessageSize(128)
                    .open(name)) {
                    // UP again, and the message left in the removed queue was moved into the new one
                    await().atMost(WAIT).until(() -> health(context, "orders").getStatus().equals(Status.UP)
                            && recreated.currentMessages() == 1);
                    assertThat(health(context, "orders").getDetails()).containsEntry("queue", name)
                        .containsEntry("currentMessages", 1L)
                        .containsEntry("capacity", 4L);
                    assertThat(recreated.receive(WAIT)).map(Message::bytes).contains(new byte[] { 1 });
                }
            });
    }

    @Test
    void upAgainOnceTheQueueIsBackForAnApplicationThatOpensItAfresh() {
        String name = this.names.next("orders");
        withQueue(name).withPropertyValues("posixmq.recovery.enabled=false").run((context) -> {
            PosixMq.unlink(name);
            assertThat(health(context, "orders").getStatus()).isEqualTo(Status.DOWN);
        });
        // the next start (a restart) creates the queue again and is healthy
        withQueue(name).run((context) -> assertThat(health(context, "orders").getStatus()).isEqualTo(Status.UP));
    }

    @Test
    void downWhenTheRegistryIsClosed() {
        String name = this.names.next("orders");
        withQueue(name).run((context) -> {
            context.getBean(PosixMqQueues.class).close();
            Health health = health(context, "orders");
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) health.getDetails().get("error")).contains("QueueClosedException");
        });
    }

    @Test
    void outOfServiceFromTheFullThresholdOn() {
        String name = this.names.next("orders");
        withQueue(name).withPropertyValues("posixmq.health.full-threshold=0.5").run((context) -> {
            PosixMq queue = context.getBean(PosixMqQueues.class).get("orders");
            queue.send(new byte[] { 1 }, 0);
            Health below = health(context, "orders");
            assertThat(below.getStatus()).isEqualTo(Status.UP);
            assertThat(below.getDetails()).containsEntry("fullThreshold", 0.5);

            queue.send(new byte[] { 2 }, 0);
            Health full = health(context, "orders");
            assertThat(full.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(full.getDetails()).containsEntry("currentMessages", 2L).containsEntry("capacity", 4L);

            queue.receive();
            assertThat(health(context, "orders").getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void fullQueueStaysUpWithoutAThreshold() {
        String name = this.names.next("orders");
        withQueue(name).run((context) -> {
            PosixMq queue = context.getBean(PosixMqQueues.class).get("orders");
            for (int i = 0; i < 4; i++) {
                queue.send(new byte[] { 1 }, 0);
            }
            assertThat(health(context, "orders").getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void rejectsAThresholdThatIsNotAFraction() {
        String name = this.names.next("orders");
        withQueue(name).withPropertyValues("posixmq.health.full-threshold=90").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("posixmq.health.full-threshold must be a fraction of the capacity greater "
                        + "than 0 and at most 1 (such as 0.9 for 90%), got 90.0");
        });
        withQueue(name).withPropertyValues("posixmq.health.full-threshold=0")
            .run((context) -> assertThat(context).hasFailed());
    }

    @Test
    void contributesUnderPosixmqToTheHealthEndpointAndNothingWithoutQueues() {
        ApplicationContextRunner endpoint = this.runner.withConfiguration(AutoConfigurations.of(
                HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
                HealthEndpointAutoConfiguration.class));
        String name = this.names.next("orders");
        endpoint.withPropertyValues(TestQueueNames.queue("orders", name, 4, 128))
            .withPropertyValues("posixmq.recovery.enabled=false")
            .run((context) -> {
            HealthEndpoint health = context.getBean(HealthEndpoint.class);
            CompositeHealthDescriptor all = (CompositeHealthDescriptor) health.health();
            assertThat(all.getComponents()).containsKey("posixmq");
            assertThat(health.healthForPath("posixmq", "orders").getStatus()).isEqualTo(Status.UP);
            PosixMq.unlink(name);
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        });
        endpoint.run((context) -> {
            HealthEndpoint health = context.getBean(HealthEndpoint.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(((CompositeHealthDescriptor) health.health()).getComponents()).doesNotContainKey("posixmq");
        });
    }

    @Test
    void backsOffWhenDisabled() {
        withQueue(this.names.next("orders")).withPropertyValues("management.health.posixmq.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean("posixmqHealthContributor"));
    }

    @Test
    void backsOffWithoutSpringBootHealth() {
        withQueue(this.names.next("orders")).withClassLoader(new FilteredClassLoader(HealthIndicator.class))
            .run((context) -> {
                assertThat(context).hasSingleBean(PosixMqQueues.class);
                assertThat(context).doesNotHaveBean("posixmqHealthContributor");
            });
    }

    @Test
    void backsOffWhenTheUserDefinesAPosixmqHealthIndicator() {
        HealthIndicator custom = () -> Health.up().withDetail("custom", true).build();
        withQueue(this.names.next("orders")).withBean("posixmqHealthIndicator", HealthIndicator.class, () -> custom)
            .run((context) -> {
                assertThat(context).doesNotHaveBean("posixmqHealthContributor");
                assertThat(context.getBean("posixmqHealthIndicator")).isSameAs(custom);
            });
    }
}
