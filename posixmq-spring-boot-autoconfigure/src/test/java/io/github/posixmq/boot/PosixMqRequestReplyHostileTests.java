package io.github.posixmq.boot;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.OtherUser;
import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.dsl.PosixMqs;
import io.github.posixmq.integration.inbound.PosixMqInboundGateway;
import io.github.posixmq.integration.runtime.PosixMqConfigurationException;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.runtime.QueueTrust;
import io.github.posixmq.integration.runtime.UntrustedQueueException;
import io.github.posixmq.integration.template.PosixMqTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Issue 19, rows 3 to 5 with Spring Boot: {@code PosixMqTemplate.sendAndReceive} against another user's guessable
 * reply queue names, the inbound gateway built from {@code posixmq.queues.<key>.inbound} settings (allowed reply
 * names, reply send timeout, the configured queues refused), and the template's ad-hoc destinations passing the trust
 * check. The second OS user is real when the tests run as root.
 */
class PosixMqRequestReplyHostileTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final TestQueues queues = new TestQueues();

    private final ApplicationContextRunner runner = TestQueues.integrationRunner();

    private final PosixMqEmbeddedHeaders headers = new PosixMqEmbeddedHeaders();

    private final List<PosixMq> opened = new ArrayList<>();

    @AfterEach
    void removeQueues() {
        this.opened.forEach(PosixMq::close);
        this.queues.close();
    }

    @Test
    void eightSendAndReceiveCallsSucceedAlthoughAnotherUserCreatedTheGuessableReplyNames() throws Exception {
        StringBuilder why = new StringBuilder();
        Optional<OtherUser> otherUser = OtherUser.create(why);
        assumeThat(otherUser).as(why.toString()).isPresent();
        String key = this.queues.key("squat");
        try (OtherUser other = otherUser.get()) {
            long pid = ProcessHandle.current().pid();
            List<String> squatted = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                squatted.add("/" + key + ".reply-" + pid + "-" + i);
            }
            for (String name : squatted) {
                other.createQueue(name, 0666, 4, 256);
            }
            try {
                this.runner.withUserConfiguration(Replier.class)
                    .withPropertyValues(TestQueues.smallQueue(key, "header-mode=embedded"))
                    .withPropertyValues("test.key=" + key)
                    .run((context) -> {
                        PosixMqQueues registry = context.getBean(PosixMqQueues.class);
                        for (int i = 0; i < 8; i++) {
                            try (PosixMqTemplate template = new PosixMqTemplate(registry)) {
                                assertThat(template.sendAndReceive(key, "ping " + i, WAIT)).isEqualTo("PING " + i);
                            }
                        }
                    });
                for (String name : squatted) {
                    try (PosixMq squat = OpenOptions.readOnly().existing().open(name)) {
                        assertThat(squat.stat().uid()).isEqualTo(OtherUser.UID);
                        assertThat(squat.currentMessages()).as("nothing written to " + name).isZero();
                    }
                }
            }
            finally {
                squatted.forEach(PosixMq::unlinkIfExists);
            }
        }
    }

    @Test
    void theGatewayFromBootSettingsRepliesToAllowedNamesOnlyAndNeverToConfiguredQueues() throws Exception {
        String key = this.queues.key("gw");
        String dlq = this.queues.key("gw-dlq");
        String configuredClient = this.queues.key("gw-client-own");
        String adHocKey = this.queues.key("gw-client-adhoc");
        String adHocName = "/" + adHocKey;
        String pattern = "/t" + ProcessHandle.current().pid() + "-*-gw-client-*";
        PosixMq client = OpenOptions.readWrite().createNew().mode(0600).capacity(4).maxMessageSize(256)
            .open(adHocName);
        this.opened.add(client);
        this.runner.withUserConfiguration(Replier.class)
            .withPropertyValues(TestQueues.smallQueue(key, "header-mode=embedded",
                    "inbound.dead-letter-queue=" + dlq, "inbound.retry.attempts=3",
                    "inbound.retry.initial-interval=1ms", "inbound.allowed-reply-names=" + pattern,
                    "inbound.reply-send-timeout=100ms"))
            .withPropertyValues(TestQueues.smallQueue(dlq, "max-message-size=1024"))
            .withPropertyValues(TestQueues.smallQueue(configuredClient))
            .withPropertyValues("test.key=" + key)
            .run((context) -> {
                PosixMqTemplate template = context.getBean(PosixMqTemplate.class);
                PosixMqQueues registry = context.getBean(PosixMqQueues.class);
                PosixMqInboundGateway gateway = context.getBean(PosixMqInboundGateway.class);
                assertThat(gateway.getAllowedReplyNames()).containsExactly(pattern);
                // the default reply names still work
                assertThat(template.sendAndReceive(key, "default", WAIT)).isEqualTo("DEFAULT");
                // a configured queue that matches the pattern: refused, the reply dead-lettered with the reason
                template.send(key, request("own", "/" + configuredClient));
                // an allowed, trusted queue outside the configuration: answered
                template.send(key, request("adhoc", adHocName));
                Optional<io.github.posixmq.Message> reply = client.receive(WAIT);
                assertThat(reply).isPresent();
                assertThat(new String(this.headers.decode(reply.get().bytes(), adHocName).getPayload(),
                        StandardCharsets.UTF_8)).isEqualTo("ADHOC");
                // full now (capacity 4): the reply send timeout of 100ms, then the dead-letter queue
                for (int i = 0; i < 4; i++) {
                    client.send(new byte[] { 1 }, 0);
                }
                template.send(key, request("full", adHocName));
                PosixMqEmbeddedHeaders deadLetterHeaders = new PosixMqEmbeddedHeaders(List.of("correlationId",
                        PosixMqEmbeddedHeaders.REPLY_TO, PosixMqHeaders.DEAD_LETTER_REASON));
                Message<byte[]> own = deadLetterHeaders.decode(registry.get(dlq).receive(WAIT).orElseThrow().bytes(),
                        dlq);
                assertThat(new String(own.getPayload(), StandardCharsets.UTF_8)).isEqualTo("OWN");
                assertThat((String) own.getHeaders().get(PosixMqHeaders.DEAD_LETTER_REASON))
                    .contains("names one of this application's own queues");
                Message<byte[]> full = deadLetterHeaders.decode(registry.get(dlq).receive(WAIT).orElseThrow().bytes(),
                        dlq);
                assertThat(new String(full.getPayload(), StandardCharsets.UTF_8)).isEqualTo("FULL");
                assertThat((String) full.getHeaders().get(PosixMqHeaders.DEAD_LETTER_REASON))
                    .contains("reply send timeout of PT0.1S");
                assertThat(registry.get(configuredClient).currentMessages()).isZero();
                assertThat(context.getBean(Replier.class).runs).hasValue(4);
            });
    }

    @Test
    void allowedReplyNamesThatMatchEveryQueueFailStartUpNamingTheProperty() {
        String key = this.queues.key("all");
        this.runner.withPropertyValues(TestQueues.smallQueue(key, "header-mode=embedded",
                "inbound.allowed-reply-names=/*"))
            .run((context) -> {
                assertThat(context).hasFailed();
                Throwable cause = context.getStartupFailure();
                while (cause.getCause() != null && !(cause instanceof PosixMqConfigurationException)) {
                    cause = cause.getCause();
                }
                assertThat(cause).isInstanceOf(PosixMqConfigurationException.class)
                    .hasMessageContaining("posixmq.queues." + key + ".inbound.allowed-reply-names")
                    .hasMessageContaining("matches every queue name");
            });
    }

    @Test
    void anAdHocDestinationWithAWiderModeOrAnotherOwnerIsRefusedUnlessShared() throws Exception {
        String key = this.queues.key("known");
        String wide = this.queues.name("wide");
        PosixMq queue = OpenOptions.readWrite().createNew().capacity(4).maxMessageSize(256).open(wide);
        this.opened.add(queue);
        Files.setPosixFilePermissions(Path.of("/dev/mqueue" + wide), PosixFilePermissions.fromString("rw--w--w-"));
        StringBuilder why = new StringBuilder();
        Optional<OtherUser> otherUser = OtherUser.create(why);
        String foreign = this.queues.name("foreign");
        if (otherUser.isPresent()) {
            try (OtherUser other = otherUser.get()) {
                other.createQueue(foreign, 0666, 4, 256);
            }
        }
        this.runner.withPropertyValues(TestQueues.smallQueue(key)).run((context) -> {
            PosixMqQueues registry = context.getBean(PosixMqQueues.class);
            try (PosixMqTemplate template = new PosixMqTemplate(registry)) {
                assertThatExceptionOfType(UntrustedQueueException.class)
                    .isThrownBy(() -> template.send(wide, "forged?"))
                    .withMessageContaining("mode 0622")
                    .withMessageContaining("grants more than 0600");
                assertThatExceptionOfType(UntrustedQueueException.class)
                    .isThrownBy(() -> template.receive(wide, Duration.ZERO));
                if (otherUser.isPresent()) {
                    assertThatExceptionOfType(UntrustedQueueException.class)
                        .isThrownBy(() -> template.send(foreign, "to nobody"))
                        .withMessageContaining("owned by uid " + OtherUser.UID)
                        .withMessageContaining("not by this application's user " + QueueTrust.user(0));
                }
            }
            assertThat(queue.currentMessages()).as("nothing sent to the refused queue").isZero();
            try (PosixMqTemplate shared = new PosixMqTemplate(registry)) {
                shared.setSharedDestinations(true);
                shared.send(wide, "shared on purpose");
                assertThat(shared.receiveString(wide, WAIT)).contains("shared on purpose");
            }
        });
        assumeThat(otherUser).as("the part with a real second OS user: " + why).isPresent();
    }

    private byte[] request(String payload, String replyTo) {
        return this.headers.encode(payload.getBytes(StandardCharsets.UTF_8), MessageBuilder.withPayload("")
            .setHeader(IntegrationMessageHeaderAccessor.CORRELATION_ID, "c-" + payload)
            .setHeader(PosixMqEmbeddedHeaders.REPLY_TO, replyTo)
            .build()
            .getHeaders());
    }

    @Configuration(proxyBeanMethods = false)
    static class Replier {

        final AtomicInteger runs = new AtomicInteger();

        @Bean
        PosixMqInboundGateway gateway(PosixMqQueues queues, Environment environment) {
            return PosixMqs.inboundGateway(queues, environment.getRequiredProperty("test.key"));
        }

        @Bean
        IntegrationFlow replier(PosixMqInboundGateway gateway) {
            return IntegrationFlow.from(gateway).transform(byte[].class, (bytes) -> {
                this.runs.incrementAndGet();
                return new String(bytes, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
            }).get();
        }
    }
}
