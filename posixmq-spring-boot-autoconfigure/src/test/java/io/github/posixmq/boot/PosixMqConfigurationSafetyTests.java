package io.github.posixmq.boot;

import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.runtime.PosixMqConfigurationException;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.integration.dispatch.PosixMqDispatcher;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.integration.autoconfigure.IntegrationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Configuration that would silently do something else fails start-up with the property, the value and the fix:
 * an unquoted YAML mode, a typo under a queue's key, a channel name that names another bean, a duration too long
 * to wait, a negative dispatch linger; and a failed start removes the queues it created.
 */
class PosixMqConfigurationSafetyTests {

    private final TestQueues queues = new TestQueues();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PosixMqAutoConfiguration.class,
                PosixMqIntegrationAutoConfiguration.class, IntegrationAutoConfiguration.class));

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    @Test
    void anUnquotedYamlModeFailsAndSaysToQuoteIt() {
        String key = this.queues.key("mode");
        // "mode: 0777" unquoted reaches the binder as the number 511
        this.runner.withPropertyValues(TestQueues.smallQueue(key, "mode=511"))
            .run(failsWith("posixmq.queues." + key + ".mode", "'511': a mode is an octal string with a leading zero, "
                    + "not a number (YAML reads an unquoted 0777 as the number 511)", "Quote it in YAML"));
        this.runner.withPropertyValues(TestQueues.smallQueue(key, "mode=640"))
            .run(failsWith("posixmq.queues." + key + ".mode", "not a number", "Quote it in YAML"));
        assertThat(TestQueues.exists("/" + key)).isFalse();
        this.runner.withPropertyValues(TestQueues.smallQueue(key, "mode=0640"))
            .run(context -> assertThat(context.getBean(PosixMqQueues.class).get(key).stat().mode() & 0700)
                .isEqualTo(0600));
    }

    @Test
    void aTypoUnderAQueueKeyFailsWithDidYouMean() {
        String key = this.queues.key("typo");
        this.runner.withPropertyValues(TestQueues.smallQueue(key, "capacitty=5"))
            .run(failsWith("posixmq.queues." + key + ".capacitty", "no such setting; did you mean posixmq.queues."
                    + key + ".capacity?", "Rename it to posixmq.queues." + key + ".capacity"));
        this.runner.withPropertyValues(TestQueues.smallQueue(key, "inbound.chanel=jobs"))
            .run(failsWith("posixmq.queues." + key + ".inbound.chanel", "did you mean posixmq.queues." + key
                    + ".inbound.channel?", "Rename it"));
        assertThat(TestQueues.exists("/" + key)).isFalse();
    }

    @Test
    void anInboundChannelNamingABeanThatIsNoChannelFailsStartUpAndRemovesTheCreatedQueue() {
        String key = this.queues.key("bean");
        this.runner.withBean("jobHandler", StringBuilder.class)
            .withPropertyValues(TestQueues.properties(key, "capacity=2", "max-message-size=64", "inbound.channel=jobHandler"))
            .run(failsWith("posixmq.queues." + key + ".inbound.channel", "'jobHandler': bean 'jobHandler' is a "
                    + "java.lang.StringBuilder, not a message channel", "name of a MessageChannel bean"));
        assertThat(TestQueues.exists("/" + key)).as("the failed start removed the queue it created").isFalse();
    }

    @Test
    void aFailedStartKeepsAQueueItDidNotCreate() {
        String key = this.queues.key("kept");
        OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(64).open("/" + key).close();
        this.runner.withBean("jobHandler", StringBuilder.class)
            .withPropertyValues(TestQueues.properties(key, "inbound.channel=jobHandler"))
            .run(context -> assertThat(context).hasFailed());
        assertThat(TestQueues.exists("/" + key)).isTrue();
    }

    @Test
    void aDurationTooLongToWaitFailsNamingTheProperty() {
        String key = this.queues.key("duration");
        this.runner.withPropertyValues(TestQueues.smallQueue(key))
            .withPropertyValues("posixmq.recovery.check-interval=300000d")
            .run(failsWith("posixmq.recovery.check-interval", "the duration is longer than about 292 years",
                    "shorter duration"));
        this.runner.withPropertyValues(TestQueues.smallQueue(key, "outbound.channel=out",
                "outbound.send-timeout=300000d"))
            .run(failsWith("posixmq.queues." + key + ".outbound.send-timeout", "longer than about 292 years",
                    "shorter duration"));
        assertThat(TestQueues.exists("/" + key)).isFalse();
    }

    @Test
    void theDispatchLingerReachesTheDispatcherAndANegativeOneFailsNamingTheProperty() {
        this.runner.run(context -> assertThat(context.getBean(PosixMqDispatcher.class).getLinger())
            .isEqualTo(Duration.ofMillis(1)));
        this.runner.withPropertyValues("posixmq.dispatch.linger=5ms")
            .run(context -> assertThat(context.getBean(PosixMqDispatcher.class).getLinger())
                .isEqualTo(Duration.ofMillis(5)));
        this.runner.withPropertyValues("posixmq.dispatch.linger=-1ms")
            .run(failsWith("posixmq.dispatch.linger", "must not be negative", "Set posixmq.dispatch.linger to 1ms"));
    }

    private static ContextConsumer<AssertableApplicationContext> failsWith(String property, String reason,
            String action) {
        return (context) -> {
            assertThat(context.getStartupFailure()).as("start-up fails").isNotNull();
            Throwable cause = context.getStartupFailure();
            while (!(cause instanceof PosixMqConfigurationException) && cause.getCause() != null) {
                cause = cause.getCause();
            }
            assertThat(cause).isInstanceOf(PosixMqConfigurationException.class);
            PosixMqConfigurationException ex = (PosixMqConfigurationException) cause;
            assertThat(ex.property()).isEqualTo(property);
            assertThat(ex.getMessage()).contains(reason);
            assertThat(ex.action()).contains(action);
        };
    }
}
