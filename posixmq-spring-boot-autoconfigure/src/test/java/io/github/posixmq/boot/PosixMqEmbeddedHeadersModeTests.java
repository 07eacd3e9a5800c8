package io.github.posixmq.boot;

import io.github.posixmq.integration.runtime.PosixMqConfigurationException;
import io.github.posixmq.integration.template.PosixMqTemplate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.PosixMqHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/** header-mode embedded: content type, correlation id and trace context cross the queue; raw bytes keep theirs. */
class PosixMqEmbeddedHeadersModeTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final TestQueues queues = new TestQueues();

    private final ApplicationContextRunner runner = TestQueues.integrationRunner();

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    @Test
    void theListedHeadersCrossTheQueueAndARawMessageGoesToTheDeadLetterQueueUnchanged() {
        String key = this.queues.key("emb");
        String dlq = this.queues.key("embdlq");
        this.runner
            .withPropertyValues(TestQueues.smallQueue(key, "header-mode=embedded", "outbound.channel=embOut",
                    "inbound.channel=embIn", "inbound.dead-letter-queue=" + dlq))
            .withPropertyValues(TestQueues.smallQueue(dlq))
            .run(context -> {
                BlockingQueue<org.springframework.messaging.Message<?>> received = new LinkedBlockingQueue<>();
                context.getBean("embIn", SubscribableChannel.class).subscribe(received::add);
                byte[] order = "{\"id\":42}".getBytes(StandardCharsets.UTF_8);
                context.getBean("embOut", MessageChannel.class).send(MessageBuilder.withPayload(order)
                    .setHeader(MessageHeaders.CONTENT_TYPE, "application/json")
                    .setHeader(IntegrationMessageHeaderAccessor.CORRELATION_ID, "c-1")
                    .setHeader(PosixMqEmbeddedHeaders.TRACEPARENT, TRACEPARENT)
                    .setHeader("secret", "stays here")
                    .setHeader(PosixMqHeaders.PRIORITY, 4)
                    .build());
                org.springframework.messaging.Message<?> message = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(message).isNotNull();
                assertThat(message.getPayload()).isEqualTo(order);
                assertThat(message.getHeaders()).containsEntry(MessageHeaders.CONTENT_TYPE, "application/json")
                    .containsEntry(IntegrationMessageHeaderAccessor.CORRELATION_ID, "c-1")
                    .containsEntry(PosixMqEmbeddedHeaders.TRACEPARENT, TRACEPARENT)
                    .containsEntry(PosixMqHeaders.PRIORITY, 4)
                    .doesNotContainKey("secret");

                byte[] raw = "from a raw producer".getBytes(StandardCharsets.UTF_8);
                try (PosixMq mq = OpenOptions.writeOnly().open("/" + key)) {
                    mq.send(raw, 2);
                }
                assertThat(context.getBean(PosixMqTemplate.class).receive(dlq, WAIT)).contains(new Message(2, raw));
                assertThat(received).isEmpty();
            });
    }

    @Test
    void anEmptyHeaderListFailsStartUpNamingTheProperty() {
        String key = this.queues.key("nohdr");
        this.runner.withPropertyValues(TestQueues.smallQueue(key, "header-mode=embedded", "embedded-headers=",
                "inbound.channel=in"))
            .run(context -> assertThat(context).hasFailed()
                .getFailure()
                .rootCause()
                .isInstanceOf(PosixMqConfigurationException.class)
                .hasMessageContaining("posixmq.queues." + key + ".embedded-headers"));
    }
}
