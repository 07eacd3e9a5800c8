package io.github.posixmq.integration.dsl;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueNotFoundException;
import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.TestQueues;
import io.github.posixmq.integration.inbound.PosixMqInboundGateway;
import io.github.posixmq.integration.outbound.PosixMqOutboundGateway;
import io.github.posixmq.integration.outbound.PosixMqReplyQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.integration.MessageTimeoutException;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.core.MessagingTemplate;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Request/reply over two real queues in header-mode embedded: the outbound and inbound gateways of the DSL. */
class PosixMqRequestReplyTests {

    private final TestQueues names = new TestQueues();

    @AfterEach
    void removeQueues() {
        this.names.close();
    }

    private PosixMq queue(String hint) {
        return this.names.open(hint, OpenOptions.readWrite().create().capacity(10).maxMessageSize(1024));
    }

    @Test
    void eightConcurrentCallersEachGetTheirOwnReply() throws Exception {
        PosixMq requests = queue("requests");
        PosixMqOutboundGateway gateway;
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
            context.register(IntegrationConfiguration.class);
            // the snippet of docs/spring-integration.md, "Request/reply"
            PosixMqEmbeddedHeaders headers = new PosixMqEmbeddedHeaders();
            context.registerBean("replier", IntegrationFlow.class, () -> IntegrationFlow
                .from(PosixMqs.inboundGateway(PosixMqQueueSupplier.of(requests), headers))
                .transform(byte[].class, (bytes) -> new String(bytes, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT))
                .get());
            context.registerBean("requester", IntegrationFlow.class, () -> IntegrationFlow.from("questions")
                .handle(PosixMqs.outboundGateway(PosixMqQueueSupplier.of(requests), headers))
                .get());
            context.refresh();
            gateway = context.getBean(PosixMqOutboundGateway.class);
            // the gateway created its reply queue: an unguessable name for this request queue, mode 0600
            assertThat(gateway.getReplyQueueName()).matches(Pattern.quote(requests.name() + ".reply-") + "[0-9a-f]{32}");
            PosixMq replies = PosixMqReplyQueue.held(gateway.getReplyQueueName());
            assertThat(replies).isNotNull();
            assertThat(replies.stat().mode()).isEqualTo(0600);

            // a reply no caller waits for: logged at WARN and discarded, never handed to a caller
            replies.send(headers.encode("stray".getBytes(StandardCharsets.UTF_8), MessageBuilder.withPayload("")
                .setHeader(IntegrationMessageHeaderAccessor.CORRELATION_ID, "nobody")
                .build()
                .getHeaders()), 0);
            MessagingTemplate template = new MessagingTemplate();
            MessageChannel questions = context.getBean("questions", MessageChannel.class);
            ExecutorService callers = Executors.newFixedThreadPool(8);
            try {
                List<CompletableFuture<Message<?>>> answers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Message<String> question = MessageBuilder.withPayload("question " + i)
                        .setHeader(IntegrationMessageHeaderAccessor.CORRELATION_ID, "mine-" + i)
                        .build();
                    answers.add(CompletableFuture.supplyAsync(() -> template.sendAndReceive(questions, question),
                            callers));
                }
                for (int i = 0; i < 8; i++) {
                    Message<?> answer = answers.get(i).get(30, TimeUnit.SECONDS);
                    assertThat(answer).isNotNull();
                    assertThat(new String((byte[]) answer.getPayload(), StandardCharsets.UTF_8))
                        .isEqualTo("QUESTION " + i);
                    // the caller's own correlation id, not the one used across the queue
                    assertThat(answer.getHeaders()).containsEntry(IntegrationMessageHeaderAccessor.CORRELATION_ID,
                            "mine-" + i);
                }
            }
            finally {
                callers.shutdownNow();
            }
            assertThat(requests.currentMessages()).isZero();
            assertThat(replies.currentMessages()).isZero();
            assertThat(gateway.isRunning()).isTrue();
        }
        // closing the context stops the gateway's reply receiver and removes its reply queue
        assertThat(gateway.isRunning()).isFalse();
        assertThat(PosixMqReplyQueue.held(gateway.getReplyQueueName())).isNull();
        assertThatExceptionOfType(QueueNotFoundException.class)
            .isThrownBy(() -> OpenOptions.readOnly().existing().open(gateway.getReplyQueueName()));
    }

    @Test
    void noReplyWithinTheTimeoutIsAMessageTimeoutExceptionNamingTheQueuesAndTheTimeout() {
        PosixMq requests = queue("unanswered");
        PosixMq replies = queue("unanswered-replies");
        PosixMqOutboundGateway gateway = new PosixMqOutboundGateway(requests, replies, new PosixMqEmbeddedHeaders());
        gateway.setReplyTimeout(Duration.ofMillis(200));
        gateway.setBeanFactory(new DefaultListableBeanFactory());
        gateway.afterPropertiesSet();
        try {
            assertThatThrownBy(() -> gateway.handleMessage(MessageBuilder.withPayload("anyone?").build()))
                .isInstanceOf(MessageTimeoutException.class)
                .hasMessageContaining("no reply on queue " + replies.name())
                .hasMessageContaining("PT0.2S")
                .hasMessageContaining(requests.name());
            assertThat(requests.currentMessages()).isEqualTo(1);
        }
        finally {
            gateway.stop();
        }
    }

    @Test
    void aRequestWithoutReplyQueueTakesTheDeadLetterPathWithItsBytes() {
        PosixMq requests = queue("noreplyto");
        PosixMq deadLetters = queue("noreplyto-dlq");
        PosixMqEmbeddedHeaders headers = new PosixMqEmbeddedHeaders();
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
            context.register(IntegrationConfiguration.class);
            context.registerBean("replier", IntegrationFlow.class, () -> {
                PosixMqInboundGateway gateway = PosixMqs.inboundGateway(PosixMqQueueSupplier.of(requests), headers);
                gateway.getReceiver().setDeadLetterQueue(deadLetters);
                gateway.getReceiver().setRetry(1, Duration.ZERO, 1, Duration.ZERO);
                return IntegrationFlow.from(gateway).transform((payload) -> payload).get();
            });
            context.refresh();
            byte[] request = headers.encode("who answers?".getBytes(StandardCharsets.UTF_8), MessageBuilder
                .withPayload("")
                .setHeader(IntegrationMessageHeaderAccessor.CORRELATION_ID, "c-1")
                .build()
                .getHeaders());
            requests.send(request, 3);
            assertThat(deadLetters.receive(Duration.ofSeconds(10))).contains(new io.github.posixmq.Message(3, request));
        }
    }

    @Test
    void aGatewayInRawModeIsRefusedNamingTheQueue() {
        PosixMq requests = queue("raw");
        PosixMq replies = queue("raw-replies");
        assertThatIllegalArgumentException().isThrownBy(() -> new PosixMqOutboundGateway(requests, replies, null))
            .withMessageContaining(requests.name())
            .withMessageContaining("header-mode embedded");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> PosixMqs.inboundGateway(PosixMqQueueSupplier.of(requests),
                    new PosixMqEmbeddedHeaders(List.of("contentType"))))
            .withMessageContaining("needs the embedded header correlationId");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableIntegration
    static class IntegrationConfiguration {
    }
}
