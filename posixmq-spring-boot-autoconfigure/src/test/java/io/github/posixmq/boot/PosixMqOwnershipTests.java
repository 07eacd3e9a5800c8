package io.github.posixmq.boot;

import io.github.posixmq.boot.properties.PosixMqProperties;
import io.github.posixmq.integration.OtherUser;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.runtime.QueueTrust;
import io.github.posixmq.integration.runtime.PosixMqRecovery;
import io.github.posixmq.integration.runtime.PosixMqQueueProbe;
import io.github.posixmq.integration.runtime.PosixMqConfigurationException;
import java.time.Duration;
import java.util.Optional;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueNotFoundException;
import io.github.posixmq.QueueStat;
import io.github.posixmq.boot.actuate.PosixMqQueueHealthIndicator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Trust: an existing queue is adopted only when owned by this user with no permission beyond the configured mode
 * (or {@code shared: true}); recovery never switches to a queue that fails that check; {@code remove-on-shutdown}
 * removes only the queue this application created. The squatter is a real second OS user when the tests run as root.
 */
@ExtendWith(OutputCaptureExtension.class)
class PosixMqOwnershipTests {

    private final TestQueues queues = new TestQueues();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PosixMqAutoConfiguration.class));

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    @Test
    void aQueueSquattedByAnotherUserFailsStartUpAndTheQueuesCreatedBeforeAreRemoved() throws Exception {
        try (OtherUser other = otherUser()) {
            String first = this.queues.key("first");
            String orders = this.queues.key("orders");
            other.createQueue("/" + orders, 0666, 3, 64);
            this.runner.withPropertyValues(TestQueues.properties(first, "capacity=2", "max-message-size=64"))
                .withPropertyValues(TestQueues.properties(orders, "capacity=2", "max-message-size=64"))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                        .isInstanceOf(PosixMqConfigurationException.class)
                        .hasMessageContaining("posixmq.queues." + orders + ".shared")
                        .hasMessageContaining("existing queue /" + orders + " is owned by uid 65534")
                        .hasMessageContaining("with mode 0666, not by this application's user uid 0")
                        .hasMessageContaining("grants more than the configured mode 0600");
                    PosixMqConfigurationException ex = (PosixMqConfigurationException) rootCause(
                            context.getStartupFailure());
                    assertThat(ex.action()).contains("rm /dev/mqueue/" + orders)
                        .contains("set posixmq.queues." + orders + ".shared=true");
                });
            assertThat(TestQueues.exists("/" + first)).as("the queue created before the failure is removed").isFalse();
            assertThat(stat("/" + orders).uid()).as("the squatter's queue is not this application's to remove")
                .isEqualTo(OtherUser.UID);
        }
    }

    @Test
    void sharedTrueAdoptsAnotherUsersQueueAndRemoveOnShutdownLeavesIt() throws Exception {
        try (OtherUser other = otherUser()) {
            String key = this.queues.key("shared");
            other.createQueue("/" + key, 0666, 3, 64);
            this.runner.withPropertyValues(TestQueues.properties(key, "shared=true", "mode=0666",
                    "remove-on-shutdown=true"))
                .run(context -> assertThat(context.getBean(PosixMqQueues.class).get(key).capacity()).isEqualTo(3));
            assertThat(stat("/" + key).uid()).isEqualTo(OtherUser.UID);
        }
    }

    @Test
    void anOwnQueueWithAWiderModeFailsStartUpNamingModeAndFix() {
        String key = this.queues.key("wide");
        OpenOptions.readWrite().createNew().mode(0644).capacity(2).maxMessageSize(64).open("/" + key).close();
        int mode = stat("/" + key).mode();
        assumeThat(mode & 077).as("this process's umask %s removes the group and other bits", mode).isNotZero();
        this.runner.withPropertyValues(TestQueues.properties(key, "capacity=2", "max-message-size=64"))
            .run(context -> assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("existing queue /" + key + " is owned by uid " + QueueTrust.effectiveUid())
                .hasMessageContaining("with mode " + QueueTrust.octal(mode) + ", which grants more than the "
                        + "configured mode 0600"));
        this.runner.withPropertyValues(TestQueues.properties(key, "mode=0644"))
            .run(context -> assertThat(context).hasNotFailed());
        assertThat(TestQueues.exists("/" + key)).as("an existing queue is never removed by a failed start").isTrue();
    }

    @Test
    void anOwnQueueWithANarrowerModeIsAdoptedAndTheMismatchIsReported(CapturedOutput output) {
        String key = this.queues.key("narrow");
        OpenOptions.readWrite().createNew().mode(0600).capacity(2).maxMessageSize(64).open("/" + key).close();
        this.runner.withPropertyValues(TestQueues.properties(key, "mode=0660", "capacity=2", "max-message-size=64"))
            .run(context -> assertThat(context).hasNotFailed());
        assertThat(output).contains("Queue /" + key + " (posixmq.queues." + key + ") already existed with capacity 2, "
                + "max message size 64 and mode 0600, not the configured 2, 64 and 0660");
    }

    @Test
    void recoveryNeverSwitchesToAQueueOfAnotherUser(CapturedOutput output) throws Exception {
        try (OtherUser other = otherUser()) {
            refusedByRecovery(output, (name) -> other.createQueue(name, 0666, 3, 64), "owned by uid 65534");
        }
    }

    @Test
    void recoveryNeverSwitchesToAQueueWithAWiderMode(CapturedOutput output) throws Exception {
        refusedByRecovery(output, (name) -> {
            OpenOptions.readWrite().createNew().mode(0666).capacity(3).maxMessageSize(64).open(name).close();
            assumeThat(stat(name).mode() & 077).as("the umask removes the group and other bits").isNotZero();
        }, "grants more than the configured mode 0600");
    }

    private void refusedByRecovery(CapturedOutput output, Planter planter, String reason) throws Exception {
        String key = this.queues.key("recover");
        try (PosixMqQueues registry = registry(key, "remove-on-shutdown", "true")) {
            PosixMqRecovery recovery = new PosixMqRecovery(registry);
            PosixMq held = registry.get(key);
            QueueStat created = held.stat();
            PosixMq.unlink("/" + key);
            planter.plant("/" + key);
            recovery.check();
            recovery.check();

            assertThat(registry.get(key)).as("still the removed queue").isSameAs(held);
            assertThat(registry.detachedReason(key)).get().asString()
                .contains("not switching to the queue that now has the name").contains(reason);
            PosixMqQueueHealthIndicator health = new PosixMqQueueHealthIndicator(registry, key, null);
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(output.getOut().lines().filter((line) -> line.contains(" ERROR ")
                    && line.contains("not switching to the queue that now has the name")).count())
                .as("one ERROR line for repeated checks").isOne();
            assertThatExceptionOfType(QueueNotFoundException.class)
                .isThrownBy(() -> PosixMqQueueProbe.heldAttributes(registry, key));
            assertThat(stat("/" + key).isSameQueue(created)).isFalse();
        }
        assertThat(TestQueues.exists("/" + key)).as("remove-on-shutdown leaves the queue this application did not create")
            .isTrue();
    }

    @Test
    void removeOnShutdownRemovesTheCreatedQueueOnly() {
        String created = this.queues.key("created");
        try (PosixMqQueues registry = registry(created, "remove-on-shutdown", "true")) {
            assertThat(registry.get(created).capacity()).isEqualTo(2);
        }
        assertThat(TestQueues.exists("/" + created)).isFalse();

        String adopted = this.queues.key("adopted");
        OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(64).open("/" + adopted).close();
        try (PosixMqQueues registry = registry(adopted, "remove-on-shutdown", "true")) {
            assertThat(registry.get(adopted).capacity()).isEqualTo(2);
        }
        assertThat(TestQueues.exists("/" + adopted)).as("an adopted queue is not this application's to remove").isTrue();

        String replaced = this.queues.key("replaced");
        try (PosixMqQueues registry = registry(replaced, "remove-on-shutdown", "true")) {
            PosixMq.unlink("/" + replaced);
            OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(64).open("/" + replaced).close();
        }
        assertThat(TestQueues.exists("/" + replaced)).as("the queue that replaced the created one stays").isTrue();
    }

    private static PosixMqQueues registry(String key, String setting, String value) {
        PosixMqProperties properties = new PosixMqProperties();
        PosixMqProperties.Queue queue = new PosixMqProperties.Queue();
        queue.setCapacity(2L);
        queue.setMaxMessageSize(org.springframework.util.unit.DataSize.ofBytes(64));
        if (setting.equals("remove-on-shutdown")) {
            queue.setRemoveOnShutdown(Boolean.parseBoolean(value));
        }
        properties.getQueues().put(key, queue);
        properties.getRecovery().setCheckInterval(Duration.ofHours(1));
        return new PosixMqQueues(properties.settings());
    }

    private static OtherUser otherUser() throws Exception {
        StringBuilder why = new StringBuilder();
        Optional<OtherUser> other = OtherUser.create(why);
        assumeThat(other).as(why.toString()).isPresent();
        return other.get();
    }

    private static QueueStat stat(String name) {
        try (PosixMq mq = OpenOptions.readOnly().existing().open(name)) {
            return mq.stat();
        }
    }

    private static Throwable rootCause(Throwable ex) {
        Throwable cause = ex;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Creates a queue of a name as someone else would. */
    @FunctionalInterface
    private interface Planter {

        void plant(String name) throws Exception;
    }
}
