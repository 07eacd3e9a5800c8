package io.github.posixmq.stream.binder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.stream.config.BindersHealthIndicatorAutoConfiguration.BindersHealthContributor;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Issue 19, the binder's rows: a refused required-groups queue does not leave the application reported healthy (row
 * 6), the dead-letter wait is a property and a full dead-letter queue drops loudly after it, and a LOST line cannot be
 * forged or flooded (row 8). As an ordinary user the squatter is this user's own queue with a wider mode (the same
 * refusal as another user's queue, which PosixMqOwnershipTests in the Boot module shows as root).
 */
@ExtendWith(OutputCaptureExtension.class)
class PosixMqBinderHostileTests {

    private final StreamApp app = new StreamApp();

    @AfterEach
    void close() {
        this.app.close();
    }

    @Test
    void aRefusedRequiredGroupQueueIsOneErrorAndHealthDownWhileSpringCloudStreamRetries(CapturedOutput output) {
        String in = this.app.destination("in");
        String out = this.app.destination("out");
        String audit = this.app.track(out + ".audit");
        OpenOptions.readWrite().createNew().mode(0666).capacity(2).maxMessageSize(64).open(audit).close();
        int mode;
        try (PosixMq mq = OpenOptions.readOnly().existing().open(audit)) {
            mode = mq.stat().mode();
        }
        assumeThat(mode & 077).as("this process's umask removes the group and other bits").isNotZero();
        ConfigurableApplicationContext context = this.app.run(PosixMqBinderTests.Functions.class,
                "spring.cloud.function.definition=uppercase",
                "spring.cloud.stream.bindings.uppercase-in-0.destination=" + in,
                "spring.cloud.stream.bindings.uppercase-out-0.destination=" + out,
                "spring.cloud.stream.bindings.uppercase-out-0.producer.required-groups=audit");
        CompositeHealthContributor binders = context.getBean(BindersHealthContributor.class);
        CompositeHealthContributor posixmq = (CompositeHealthContributor) binders.getContributor("posixmq");
        Health refused = ((HealthIndicator) posixmq.getContributor(audit)).health();
        assertThat(refused.getStatus()).isEqualTo(Status.DOWN);
        assertThat((String) refused.getDetails().get("refused")).contains("grants more than the configured mode 0600");
        assertThat(posixmq.stream().map((entry) -> entry.name())).contains(audit);
        assertThat(output.getAll().split("REFUSED POSIX message queue /" + audit, -1)).as("one REFUSED line")
            .hasSize(2);
    }

    @Test
    void theDeadLetterWaitIsAPropertyAndAFullDeadLetterQueueDropsLoudlyAfterIt(CapturedOutput output) {
        String in = this.app.destination("in");
        String dlq = this.app.destination("dlq");
        this.app.run(PosixMqBinderTests.Functions.class, "spring.cloud.function.definition=flaky",
                "spring.cloud.stream.bindings.flaky-in-0.destination=" + in,
                "spring.cloud.stream.bindings.flaky-in-0.consumer.max-attempts=1",
                "spring.cloud.stream.posixmq.bindings.flaky-in-0.consumer.dead-letter-queue=" + dlq,
                "spring.cloud.stream.posixmq.bindings.flaky-in-0.consumer.dead-letter-send-timeout=200ms");
        for (int i = 0; i < 10; i++) {
            StreamApp.send(dlq, "old " + i, 0); // capacity 10: the dead-letter queue is full
        }
        StreamApp.send(in, "fail always", 4);
        String dropped = "DROPPED a message from queue /" + in + " (priority 4, 11 bytes, base64 "
                + Base64.getEncoder().encodeToString("fail always".getBytes()) + "): dead-letter queue /" + dlq
                + " stayed full for PT0.2S";
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> output.getAll().contains(dropped));
    }

    @Test
    void aDroppedLineCannotBeForgedOrFloodedAndNoStackTraceIsLogged(CapturedOutput output) {
        String in = this.app.destination("in");
        this.app.run(PosixMqBinderTests.Functions.class, "spring.cloud.function.definition=refuse",
                "spring.cloud.stream.bindings.refuse-in-0.destination=" + in,
                "spring.cloud.stream.bindings.refuse-in-0.consumer.max-attempts=1",
                "spring.cloud.stream.posixmq.bindings.refuse-in-0.consumer.logged-bytes=8");
        String forged = "x\n2026-12-07T03:00:00.000Z  INFO 1 --- [main] o.s.Service : FORGED LINE " + "y".repeat(100);
        byte[] bytes = forged.getBytes(StandardCharsets.UTF_8);
        int mark = output.getAll().length();
        try (PosixMq mq = OpenOptions.writeOnly().existing().open("/" + in)) {
            mq.send(bytes, 3);
        }
        String lost = "DROPPED a message from queue /" + in + " (priority 3, " + bytes.length + " bytes, base64 "
                + Base64.getEncoder().encodeToString(Arrays.copyOf(bytes, 8)) + " (first 8 of " + bytes.length
                + " bytes)): its flow failed 1 time(s) and PosixMqMessageProducer[refuse-in-0, /" + in + "] has no "
                + "dead-letter queue; cause: ";
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> output.getAll().contains(lost));
        String line = output.getAll().substring(output.getAll().indexOf(lost));
        line = line.substring(0, line.indexOf('\n'));
        assertThat(line).contains("cannot handle x\\n2026-12-07T03:00:00.000Z  INFO 1 --- [main] o.s.Service : FORGED");
        assertThat(output.getAll().substring(mark))
            .as("no forged line, no stack trace (the global errorChannel's logger is not fed)")
            .doesNotContain("\n2026-12-07T03:00:00.000Z  INFO 1 --- [main] o.s.Service : FORGED")
            .doesNotContain("\tat io.github.posixmq")
            .doesNotContain("LOST a message");
    }
}
