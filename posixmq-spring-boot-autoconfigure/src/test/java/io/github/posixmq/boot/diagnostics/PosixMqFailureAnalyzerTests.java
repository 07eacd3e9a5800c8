package io.github.posixmq.boot.diagnostics;

import io.github.posixmq.boot.PosixMqAutoConfiguration;
import io.github.posixmq.boot.TestQueues;
import io.github.posixmq.integration.runtime.PosixMqConfigurationException;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.SystemLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every invalid setting fails start-up with an analysis naming the property and the fix. */
@ExtendWith(OutputCaptureExtension.class)
class PosixMqFailureAnalyzerTests {

    private final TestQueues queues = new TestQueues();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PosixMqAutoConfiguration.class));

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    private void assertFailure(String[] properties, Consumer<PosixMqConfigurationException> check) {
        this.runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            Throwable cause = failure;
            while (cause != null && !(cause instanceof PosixMqConfigurationException)) {
                cause = cause.getCause();
            }
            assertThat(cause).as("a PosixMqConfigurationException in %s", failure).isNotNull();
            FailureAnalysis analysis = new PosixMqFailureAnalyzer(null).analyze(failure);
            assertThat(analysis).isNotNull();
            PosixMqConfigurationException exception = (PosixMqConfigurationException) cause;
            assertThat(analysis.getDescription()).contains("'" + exception.property() + "'")
                .contains(exception.reason());
            assertThat(analysis.getAction()).isEqualTo(exception.action());
            check.accept(exception);
        });
    }

    @Test
    void capacityAboveTheSystemLimit() {
        String key = this.queues.key("big");
        // far above HARD_MSGMAX (65536), so even a process with CAP_SYS_RESOURCE is refused
        assertFailure(TestQueues.properties(key, "capacity=100000", "max-message-size=16"), ex -> {
            assertThat(ex.property()).isEqualTo("posixmq.queues." + key + ".capacity");
            assertThat(ex.value()).isEqualTo("100000");
            assertThat(ex.reason()).contains("/proc/sys/fs/mqueue/msg_max (" + SystemLimits.read().msgMax() + ")");
            // the kernel refuses msg_max above HARD_MSGMAX: no sysctl is advised
            assertThat(ex.action()).contains("at most " + SystemLimits.read().msgMax())
                .contains("no sysctl helps", "hard limit 65536 (HARD_MSGMAX)")
                .doesNotContain("sysctl fs.mqueue");
        });
    }

    @Test
    void capacityAboveTheSysctlButWithinTheHardLimitAdvisesTheSysctl() {
        long msgMax = SystemLimits.read().msgMax();
        Assumptions.assumeTrue(msgMax > 0 && msgMax < SystemLimits.HARD_MSGMAX, "msg_max is below HARD_MSGMAX here");
        String key = this.queues.key("more");
        assertFailure(TestQueues.properties(key, "capacity=" + (msgMax + 1), "max-message-size=16"),
                ex -> assertThat(ex.action()).contains("sysctl fs.mqueue.msg_max=" + (msgMax + 1) + "; at most 65536"));
    }

    @Test
    void maxMessageSizeAboveTheSystemLimit() {
        String key = this.queues.key("huge");
        assertFailure(TestQueues.properties(key, "capacity=1", "max-message-size=64MB"), ex -> {
            assertThat(ex.property()).isEqualTo("posixmq.queues." + key + ".max-message-size");
            assertThat(ex.reason()).contains("/proc/sys/fs/mqueue/msgsize_max");
        });
    }

    @Test
    void maxMessageSizeAboveTheKernelsHardLimitAdvisesNoImpossibleSysctl() {
        String key = this.queues.key("hard");
        // 20 MB: above HARD_MSGSIZEMAX (16 MiB), which fs.mqueue.msgsize_max cannot exceed
        assertFailure(TestQueues.properties(key, "capacity=1", "max-message-size=20MB"), ex -> {
            assertThat(ex.property()).isEqualTo("posixmq.queues." + key + ".max-message-size");
            assertThat(ex.action()).contains("no sysctl helps", "hard limit 16777216 (HARD_MSGSIZEMAX)")
                .doesNotContain("sysctl fs.mqueue.msgsize_max=20971520");
        });
        long msgsizeMax = SystemLimits.read().msgsizeMax();
        Assumptions.assumeTrue(msgsizeMax > 0 && msgsizeMax < 1024 * 1024, "msgsize_max is below 1 MiB here");
        assertFailure(TestQueues.properties(key, "capacity=1", "max-message-size=1MB"), ex -> assertThat(ex.action())
            .contains("sysctl fs.mqueue.msgsize_max=1048576; at most 16777216"));
    }

    @Test
    void capacityZero() {
        assertFailure(TestQueues.properties(this.queues.key("zero"), "capacity=0"), ex -> {
            assertThat(ex.property()).endsWith(".capacity");
            assertThat(ex.reason()).isEqualTo("the capacity must be at least 1");
        });
    }

    @Test
    void badMode() {
        String key = this.queues.key("mode");
        assertFailure(TestQueues.properties(key, "mode=0999"), ex -> {
            assertThat(ex.property()).isEqualTo("posixmq.queues." + key + ".mode");
            assertThat(ex.value()).isEqualTo("0999");
            assertThat(ex.action()).contains("'0600'");
        });
        assertFailure(TestQueues.properties(key, "mode=rw-r--r--"), ex -> assertThat(ex.property()).endsWith(".mode"));
    }

    /** The analysis of a start-up that failed in binding a value to its enum: the property and the allowed values. */
    private void assertUnknownConstant(ApplicationContextRunner runner, String property, String value,
            String allowed) {
        runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new PosixMqFailureAnalyzer(null).analyze(context.getStartupFailure());
            assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
            assertThat(analysis.getDescription())
                .startsWith("POSIX message queue configuration property '" + property + "' with value '" + value
                        + "' (from \"" + property + "\" from property source")
                .endsWith(" is invalid:\n\n    it must be one of " + allowed.replace(" or ", ", "));
            assertThat(analysis.getAction()).isEqualTo("Set " + property + " to " + allowed
                    + " (quoted in YAML if it could read as a boolean).");
        });
    }

    @Test
    void payloadTypeTypoNamesThePropertyAndTheAllowedValues() {
        String key = this.queues.key("payload");
        String property = "posixmq.queues." + key + ".inbound.payload-type";
        ApplicationContextRunner runner = this.runner.withPropertyValues(TestQueues.properties(key, "capacity=2"));
        assertUnknownConstant(runner, property, "strng", "'bytes' or 'string'");
        assertUnknownConstant(runner, property, "json", "'bytes' or 'string'");
        // the integration auto-configuration binds the same properties when it registers the adapters
        assertUnknownConstant(TestQueues.integrationRunner().withPropertyValues(TestQueues.properties(key,
                "capacity=2", "inbound.channel=in")), property, "text", "'bytes' or 'string'");
    }

    @Test
    void headerModeTypoNamesThePropertyAndTheAllowedValues() {
        String key = this.queues.key("mode");
        assertUnknownConstant(this.runner.withPropertyValues(TestQueues.properties(key, "capacity=2")),
                "posixmq.queues." + key + ".header-mode", "embeded", "'raw' or 'embedded'");
    }

    @Test
    void payloadTypeInAnyCaseBinds() {
        for (String value : new String[] { "string", "STRING", "String", " string " }) {
            String key = this.queues.key("case");
            this.runner.withPropertyValues(TestQueues.smallQueue(key, "inbound.payload-type=" + value))
                .run(context -> assertThat(context.getBean(PosixMqQueues.class).info(key).inbound().charset())
                    .as("payload-type=%s", value).isEqualTo(StandardCharsets.UTF_8));
        }
        String key = this.queues.key("bytes");
        this.runner.withPropertyValues(TestQueues.smallQueue(key, "inbound.payload-type=BYTES"))
            .run(context -> assertThat(context.getBean(PosixMqQueues.class).info(key).inbound().charset()).isNull());
    }

    @Test
    void payloadTypeOnTheQueueInsteadOfItsInboundAdapterIsRefused() {
        String key = this.queues.key("wrongplace");
        assertFailure(TestQueues.properties(key, "capacity=2", "payload-type=string"), ex -> {
            assertThat(ex.property()).isEqualTo("posixmq.queues." + key + ".payload-type");
            assertThat(ex.reason()).isEqualTo("no such setting; did you mean posixmq.queues." + key
                    + ".inbound.payload-type?");
        });
    }

    @Test
    void queueThatMustExistButDoesNot() {
        String name = this.queues.name("missing");
        assertFailure(TestQueues.properties("missing", "name=" + name, "create=false"), ex -> {
            assertThat(ex.property()).isEqualTo("posixmq.queues.missing.create");
            assertThat(ex.reason()).isEqualTo("queue " + name + " does not exist and create is false");
            assertThat(ex.action()).contains("posixmq.queues.missing.create=true");
        });
    }

    @Test
    void invalidQueueName() {
        assertFailure(TestQueues.properties("bad", "name=/orders/eu"), ex -> {
            assertThat(ex.property()).isEqualTo("posixmq.queues.bad.name");
            assertThat(ex.value()).isEqualTo("/orders/eu");
            assertThat(ex.reason()).contains("contains a '/' after the leading one");
        });
        assertFailure(TestQueues.properties("dots", "name=/.."), ex -> assertThat(ex.property()).isEqualTo("posixmq.queues.dots.name"));
    }

    @Test
    void twoKeysForOneQueue() {
        String name = this.queues.name("twice");
        String[] both = new String[] { "posixmq.queues.a.name=" + name, "posixmq.queues.a.capacity=2",
                "posixmq.queues.b.name=" + name };
        assertFailure(both, ex -> {
            assertThat(ex.property()).isEqualTo("posixmq.queues.b.name");
            assertThat(ex.reason()).isEqualTo("posixmq.queues.a already uses queue " + name);
        });
    }

    @Test
    void invalidInboundAndOutboundSettings() {
        String key = this.queues.key("adapters");
        assertFailure(TestQueues.properties(key, "capacity=2", "inbound.concurrency=0"),
                ex -> assertThat(ex.property()).endsWith(".inbound.concurrency"));
        assertFailure(TestQueues.properties(key, "capacity=2", "outbound.priority=32768"),
                ex -> assertThat(ex.property()).endsWith(".outbound.priority"));
        assertFailure(TestQueues.properties(key, "capacity=2", "outbound.priority-expression=headers['x'] +"),
                ex -> assertThat(ex.property()).endsWith(".outbound.priority-expression"));
        assertFailure(TestQueues.properties(key, "capacity=2", "outbound.send-timeout=-1s"),
                ex -> assertThat(ex.property()).endsWith(".outbound.send-timeout"));
    }

    @Test
    void deadLetterQueueMustBeAnotherConfiguredQueueTakingEveryMessage() {
        String key = this.queues.key("source");
        assertFailure(TestQueues.properties(key, "capacity=2", "inbound.dead-letter-queue=/not-configured"), ex -> {
            assertThat(ex.property()).isEqualTo("posixmq.queues." + key + ".inbound.dead-letter-queue");
            assertThat(ex.reason()).isEqualTo("no queue with that key or name is configured");
        });
        assertFailure(TestQueues.properties(key, "capacity=2", "inbound.dead-letter-queue=" + key),
                ex -> assertThat(ex.reason()).isEqualTo("a queue cannot be its own dead-letter queue"));
        String dlq = this.queues.key("dlq");
        String[] small = new String[] { "posixmq.queues." + key + ".capacity=2",
                "posixmq.queues." + key + ".max-message-size=512",
                "posixmq.queues." + key + ".inbound.dead-letter-queue=" + dlq,
                "posixmq.queues." + dlq + ".capacity=2", "posixmq.queues." + dlq + ".max-message-size=256" };
        assertFailure(small, ex -> {
            assertThat(ex.property()).endsWith(".inbound.dead-letter-queue");
            assertThat(ex.action()).isEqualTo("Set posixmq.queues." + dlq + ".max-message-size to at least 512 (and "
                    + "recreate that queue if it exists).");
        });
        // nothing is left behind by a failed start
        assertThatThrownBy(() -> PosixMq.open("/" + dlq)).isInstanceOf(io.github.posixmq.QueueNotFoundException.class);
    }

    @Test
    void queueOfAnotherOwnerIsExplained() {
        String name = this.queues.name("readonly");
        // a queue its owner may only read: an ordinary user is refused read-write access (root is not)
        OpenOptions.readWrite().create().mode(0400).capacity(1).maxMessageSize(16).open(name).close();
        this.runner.withPropertyValues(TestQueues.properties("ro", "name=" + name, "create=false")).run(context -> {
            if (context.getStartupFailure() != null) {
                FailureAnalysis analysis = new PosixMqFailureAnalyzer(null).analyze(context.getStartupFailure());
                assertThat(analysis.getDescription()).contains("'posixmq.queues.ro.name'")
                    .contains("permission denied");
                assertThat(analysis.getAction()).contains("Run as the queue's owner");
            }
            else {
                assertThat(bypassesFileModes()).as("only a CAP_DAC_OVERRIDE holder (root) may open a 0400 queue "
                        + "read-write").isTrue();
            }
        });
    }

    /** Whether this process holds CAP_DAC_OVERRIDE (bit 1 of CapEff), as root normally does, whatever its name. */
    private static boolean bypassesFileModes() throws IOException {
        try (FileInputStream in = new FileInputStream("/proc/self/status")) {
            String capEff = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                .filter(line -> line.startsWith("CapEff:")).findFirst().orElseThrow().substring(7).trim();
            return (Long.parseUnsignedLong(capEff, 16) & 2L) != 0;
        }
    }

    @Test
    void analyzerRegisteredInSpringFactoriesReportsThePropertyWhereItWasSetAndTheFix(CapturedOutput output) {
        SpringApplication application = new SpringApplication(BadModeApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setAdditionalProfiles("badmode");
        assertThatThrownBy(application::run).hasRootCauseInstanceOf(PosixMqConfigurationException.class);
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("POSIX message queue configuration property 'posixmq.queues.badmode.mode' with value '0999' "
                    + "(from class path resource [application-badmode.yml] - 5:13) is invalid")
            .contains("Set posixmq.queues.badmode.mode to octal permission bits between 0000 and 0777");
    }

    @Test
    void unquotedYamlWordForAnEnumIsExplainedWithItsOrigin(CapturedOutput output) {
        SpringApplication application = new SpringApplication(BadModeApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setAdditionalProfiles("badpayload");
        assertThatThrownBy(application::run).isNotNull();
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("POSIX message queue configuration property 'posixmq.queues.badpayload.inbound.payload-type' "
                    + "with value 'true' (from class path resource [application-badpayload.yml] - 6:23) is invalid")
            .contains("it must be one of 'bytes', 'string'")
            .contains("Set posixmq.queues.badpayload.inbound.payload-type to 'bytes' or 'string'");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class BadModeApplication {
    }
}
