package io.github.posixmq.boot;

import io.github.posixmq.integration.runtime.PosixMqConfigurationException;
import io.github.posixmq.integration.template.PosixMqTemplate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    void aControlHeaderInTheListFailsStartUpNamingTheProperty() {
        String key = this.queues.key("ctlhdr");
        this.runner.withPropertyValues(TestQueues.smallQueue(key, "header-mode=embedded",
                "embedded-headers=contentType,replyChannel", "inbound.channel=in"))
            .run(context -> assertThat(context).hasFailed()
                .getFailure()
                .rootCause()
                .isInstanceOf(PosixMqConfigurationException.class)
                .hasMessageContaining("posixmq.queues." + key + ".embedded-headers")
                .hasMessageContaining("'replyChannel' is a Spring Integration control header"));
    }

    @Test
    void theConfiguredContentTypeWinsOverAPeersAndAPeersReplyChannelIsDeadLetteredWithItsBytes() {
        String key = this.queues.key("embct");
        String dlq = this.queues.key("embctdlq");
        this.runner
            .withPropertyValues(TestQueues.smallQueue(key, "header-mode=embedded", "inbound.channel=embCtIn",
                    "inbound.content-type=text/plain", "inbound.dead-letter-queue=" + dlq))
            .withPropertyValues(TestQueues.smallQueue(dlq))
            .run(context -> {
                BlockingQueue<org.springframework.messaging.Message<?>> received = new LinkedBlockingQueue<>();
                context.getBean("embCtIn", SubscribableChannel.class).subscribe(received::add);
                PosixMqEmbeddedHeaders peer = new PosixMqEmbeddedHeaders(List.of(MessageHeaders.CONTENT_TYPE));
                byte[] typed = peer.encode("x".getBytes(StandardCharsets.UTF_8),
                        new MessageHeaders(Map.of(MessageHeaders.CONTENT_TYPE, "application/x-java-serialized-object")));
                byte[] steering = frame("{\"replyChannel\":\"embCtIn\"}", "y");
                try (PosixMq mq = OpenOptions.writeOnly().open("/" + key)) {
                    mq.send(typed, 1);
                    mq.send(steering, 3);
                }
                org.springframework.messaging.Message<?> message = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(message).isNotNull();
                assertThat(message.getHeaders()).containsEntry(MessageHeaders.CONTENT_TYPE, "text/plain");
                assertThat(context.getBean(PosixMqTemplate.class).receive(dlq, WAIT))
                    .contains(new Message(3, steering));
                assertThat(received).isEmpty();
            });
    }

    /** [length][headers JSON][length][payload], as a peer in any language writes it. */
    static byte[] frame(String json, String payload) {
        byte[] headers = json.getBytes(StandardCharsets.UTF_8);
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(8 + headers.length + body.length).putInt(headers.length).put(headers)
            .putInt(body.length).put(body).array();
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
