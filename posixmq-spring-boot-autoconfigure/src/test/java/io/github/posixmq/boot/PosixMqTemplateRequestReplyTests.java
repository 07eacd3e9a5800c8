package io.github.posixmq.boot;

import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.template.PosixMqTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Stream;

import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.dsl.PosixMqs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.integration.MessageTimeoutException;
import org.springframework.integration.dsl.IntegrationFlow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link PosixMqTemplate#sendAndReceive}: request/reply on configured queues in header-mode embedded. */
class PosixMqTemplateRequestReplyTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final TestQueues queues = new TestQueues();

    private final ApplicationContextRunner runner = TestQueues.integrationRunner();

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    @Test
    void sendAndReceiveGetsTheReplyOfAnInboundGatewayAndRemovesItsReplyQueueOnClose() {
        String key = this.queues.key("rr");
        this.runner.withUserConfiguration(Replier.class)
            .withPropertyValues(TestQueues.smallQueue(key, "header-mode=embedded"))
            .withPropertyValues("test.key=" + key)
            .run(context -> {
                PosixMqTemplate template = context.getBean(PosixMqTemplate.class);
                assertThat(template.sendAndReceive(key, "ping", WAIT)).isEqualTo("PING");
                assertThat(template.sendAndReceive(key, "again", WAIT)).isEqualTo("AGAIN");
                assertThat(replyQueuesOf(key)).hasSize(1);
            });
        assertThat(replyQueuesOf(key)).isEmpty();
    }

    @Test
    void noReplyIsAMessageTimeoutExceptionNamingTheQueues() {
        String key = this.queues.key("silent");
        this.runner.withPropertyValues(TestQueues.smallQueue(key, "header-mode=embedded")).run(context -> {
            assertThatThrownBy(() -> context.getBean(PosixMqTemplate.class)
                .sendAndReceive(key, "anyone?", Duration.ofMillis(200)))
                .isInstanceOf(MessageTimeoutException.class)
                .hasMessageContaining("/" + key + ".reply-")
                .hasMessageContaining("PT0.2S");
        });
        assertThat(replyQueuesOf(key)).isEmpty();
    }

    @Test
    void aQueueInRawModeIsRefusedNamingTheProperty() {
        String key = this.queues.key("rawrr");
        this.runner.withPropertyValues(TestQueues.smallQueue(key)).run(context -> {
            assertThatIllegalStateException()
                .isThrownBy(() -> context.getBean(PosixMqTemplate.class).sendAndReceive(key, "x", WAIT))
                .withMessageContaining("header-mode raw")
                .withMessageContaining("posixmq.queues." + key + ".header-mode=embedded");
        });
        assertThat(replyQueuesOf(key)).isEmpty();
    }

    private static List<String> replyQueuesOf(String key) {
        try (Stream<Path> files = Files.list(Path.of("/dev/mqueue"))) {
            return files.map((file) -> file.getFileName().toString())
                .filter((name) -> name.startsWith(key + ".reply-"))
                .toList();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Replier {

        @Bean
        IntegrationFlow replier(PosixMqQueues queues, Environment environment) {
            return IntegrationFlow
                .from(PosixMqs.inboundGateway(queues.resolve(environment.getRequiredProperty("test.key")),
                        new PosixMqEmbeddedHeaders()))
                .transform(byte[].class, (bytes) -> new String(bytes, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT))
                .get();
        }
    }
}
