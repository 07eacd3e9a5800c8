package io.github.posixmq.integration.inbound;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.logging.LogRecord;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.LogLines;
import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.TestQueues;
import io.github.posixmq.integration.dsl.PosixMqs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.dsl.IntegrationFlow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 19, the rows a writer of an embedded-mode queue can play against a live inbound adapter (rows 1, 2, 8, 9):
 * each hostile message is accounted for exactly once (handled, or dead-lettered with its bytes and priority), with one
 * log line that a peer cannot forge, and the receivers keep running. Any process that may write the queue plays the
 * peer: the kernel does not say who sent a message, so the same bytes from another OS user (where mode or shared
 * allows it) reach the adapter identically; the other-user cases of the trust check are in the Boot module's
 * PosixMqOwnershipTests.
 */
class PosixMqHostileInputTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final int CONCURRENCY = 2;

    private final TestQueues names = new TestQueues();

    private PosixMq orders;

    private PosixMq deadLetters;

    private PosixMq other;

    private final List<String> handled = new CopyOnWriteArrayList<>();

    private final List<Message> deadLettered = new CopyOnWriteArrayList<>();

    @BeforeEach
    void createQueues() {
        this.orders = OpenOptions.readWrite().create().capacity(10).maxMessageSize(8192).open(this.names.name("hostile"));
        this.deadLetters = OpenOptions.readWrite().create().capacity(10).maxMessageSize(8192)
            .open(this.names.name("hostile-dlq"));
        this.other = OpenOptions.readWrite().create().capacity(4).maxMessageSize(8192).open(this.names.name("private"));
    }

    @AfterEach
    void removeQueues() {
        this.orders.close();
        this.deadLetters.close();
        this.other.close();
        this.names.close();
    }

    /**
     * Rows 1 and 2: {@code replyChannel} naming the handler's own input channel (it fed its reply to itself until a
     * StackOverflowError ended the receiver) or a channel into another queue (the service wrote into its private
     * queue). Both are refused, dead-lettered byte-identical; the later valid messages are all received.
     */
    @Test
    void aPeerCannotChooseTheReplyChannel() {
        run((context) -> {
            byte[] loop = frame("{\"replyChannel\":\"orders\"}", "x");
            byte[] deputy = frame("{\"replyChannel\":\"outbound\",\"correlationId\":\"c\"}", "order 1");
            this.orders.send(loop, 3);
            this.orders.send(deputy, 4);
            List<byte[]> valid = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                byte[] bytes = frame("{\"correlationId\":\"v" + i + "\"}", "valid " + i);
                valid.add(bytes);
                this.orders.send(bytes, 1);
            }
            await().atMost(WAIT).until(() -> this.handled.size() == 5 && this.deadLettered.size() == 2);
            assertThat(this.deadLettered).containsExactlyInAnyOrder(new Message(3, loop), new Message(4, deputy));
            assertThat(this.handled).containsExactlyInAnyOrder("valid 0", "valid 1", "valid 2", "valid 3", "valid 4");
            assertThat(this.other.attributes().currentMessages()).as("nothing written into the private queue")
                .isZero();
            assertThat(context.getBean(PosixMqMessageProducer.class).getActiveReceivers()).isEqualTo(CONCURRENCY);
        });
    }

    /**
     * Rows 8 and 9: malformed messages and forged log lines. Each bad message is one WARN line naming the precise
     * cause, without a stack trace and without a line break a peer put there; each is dead-lettered unchanged.
     */
    @Test
    void eachBadMessageIsOneEscapedLogLineWithItsCause() {
        String forged = "\n2026-12-07T03:00:00.000Z  INFO 1 --- [main] o.s.Service : FORGED LINE";
        Map<byte[], String> bad = new java.util.LinkedHashMap<>();
        bad.put(new byte[] { 0, 0, 0, 7 }, "it is shorter than the two 4-byte lengths");
        bad.put(frame("{\"id\":\"x\"}", "p"), "header 'id' is not allowed");
        bad.put(frame("{\"timestamp\":1}", "p"), "header 'timestamp' is not allowed");
        bad.put(frame("{\"correlationId\":" + "7".repeat(1001) + "}", "p"), "its headers exceed a JSON limit");
        bad.put(frame("{\"correlationId\":" + "7".repeat(30) + "}", "p"), "header 'correlationId' is a number too large");
        bad.put(frame("[]", "p"), "its headers are not a JSON object");
        bad.put(frame("{\"errorChannel\":\"nullChannel\"}", "p"), "header 'errorChannel' is a Spring Integration "
                + "control header");
        bad.put(frame("{\"x" + forged.replace("\n", "\\n") + "\":1,\"x" + forged.replace("\n", "\\n") + "\":2}", "p"),
                "appears twice");
        bad.put(frame("{\"correlationId\":\"" + forged.replace("\n", "\\n") + "\"}", "fail" + forged),
                "cannot handle fail\\n2026-12-07T03:00:00.000Z  INFO");
        try (LogLines log = new LogLines()) {
            run((context) -> {
                int priority = 0;
                for (byte[] bytes : bad.keySet()) {
                    this.orders.send(bytes, priority++);
                }
                await().atMost(WAIT).until(() -> this.deadLettered.size() == bad.size());
                List<LogRecord> lines = log.records();
                assertThat(lines).as("%s", log.lines()).hasSize(bad.size());
                assertThat(lines).allSatisfy((line) -> {
                    assertThat(line.getMessage()).doesNotContain("\n", "\r");
                    assertThat(line.getThrown()).as("stack trace at DEBUG only").isNull();
                });
                bad.forEach((bytes, cause) -> assertThat(log.lines()).as(cause).anyMatch((line) -> line.contains(cause)));
                assertThat(this.deadLettered).extracting(Message::bytes).containsExactlyInAnyOrderElementsOf(bad.keySet());
                byte[] last = frame("{\"correlationId\":\"last\"}", "last");
                this.orders.send(last, 0);
                await().atMost(WAIT).until(() -> this.handled.contains("last"));
                assertThat(context.getBean(PosixMqMessageProducer.class).getActiveReceivers()).isEqualTo(CONCURRENCY);
            });
        }
    }

    /** Row 8: without a dead-letter queue a failed message is one DROPPED line, escaped, its bytes capped. */
    @Test
    void aDroppedMessageIsOneEscapedLineWithItsBytesCapped() {
        PosixMqMessageProducer producer = new PosixMqMessageProducer(this.orders);
        producer.setEmbeddedHeaders(new PosixMqEmbeddedHeaders());
        producer.setLoggedBytes(16);
        producer.setRetry(1, Duration.ZERO, 1, Duration.ZERO);
        DirectChannel channel = new DirectChannel();
        channel.subscribe((message) -> {
            throw new IllegalStateException("no " + new String((byte[]) message.getPayload(), StandardCharsets.UTF_8));
        });
        producer.setOutputChannel(channel);
        producer.setBeanFactory(new org.springframework.beans.factory.support.DefaultListableBeanFactory());
        producer.afterPropertiesSet();
        try (LogLines log = new LogLines()) {
            producer.start();
            byte[] bytes = frame("{}", "x\n2026-12-07 ERROR FORGED " + "y".repeat(5000));
            this.orders.send(bytes, 2);
            await().atMost(WAIT).until(() -> !log.records().isEmpty());
            producer.stop();
            assertThat(log.records()).singleElement().satisfies((record) -> {
                assertThat(record.getMessage()).startsWith("DROPPED a message from queue " + this.orders.name()
                        + " (priority 2, " + bytes.length + " bytes, base64 "
                        + java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bytes, 16))
                        + " (first 16 of " + bytes.length + " bytes))")
                    .contains("no x\\n2026-12-07 ERROR FORGED")
                    .doesNotContain("\n")
                    .hasSizeLessThan(3000);
                assertThat(record.getThrown()).isNull();
            });
        }
        finally {
            producer.stop();
        }
    }

    /** An embedded frame as any peer writes it: [length][headers JSON][length][payload]. */
    static byte[] frame(String json, String payload) {
        byte[] headers = json.getBytes(StandardCharsets.UTF_8);
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + headers.length + body.length).putInt(headers.length).put(headers)
            .putInt(body.length).put(body).array();
    }

    /**
     * The service under attack: an embedded-mode adapter (concurrency 2, dead-letter queue drained by the test) into
     * channel "orders", whose handler returns a value and has no output channel; channel "outbound" feeds another
     * (private) queue. A payload starting with "fail" makes the handler throw.
     */
    private void run(Consumer<AnnotationConfigApplicationContext> test) {
        BlockingQueue<Boolean> stop = new LinkedBlockingQueue<>();
        Thread drain = new Thread(() -> {
            while (stop.isEmpty()) {
                this.deadLetters.receive(Duration.ofMillis(100)).ifPresent(this.deadLettered::add);
            }
        }, "dlq-drain");
        drain.start();
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
            context.register(IntegrationConfiguration.class);
            context.registerBean("orders", DirectChannel.class);
            context.registerBean("outbound", DirectChannel.class);
            context.registerBean("inboundFlow", IntegrationFlow.class, () -> IntegrationFlow
                .from(PosixMqs.inboundChannelAdapter(this.orders)
                    .embeddedHeaders(new PosixMqEmbeddedHeaders())
                    .concurrency(CONCURRENCY)
                    .retry(1, Duration.ZERO, 1, Duration.ZERO)
                    .deadLetterQueue(this.deadLetters))
                .channel("orders")
                .get());
            context.registerBean("service", IntegrationFlow.class, () -> IntegrationFlow.from("orders")
                .handle(byte[].class, (payload, headers) -> {
                    String text = new String(payload, StandardCharsets.UTF_8);
                    if (text.startsWith("fail")) {
                        throw new IllegalStateException("cannot handle " + text);
                    }
                    this.handled.add(text);
                    return headers.get(IntegrationMessageHeaderAccessor.CORRELATION_ID) != null ? null : "RE:" + text;
                })
                .get());
            context.registerBean("outboundFlow", IntegrationFlow.class, () -> IntegrationFlow.from("outbound")
                .handle(PosixMqs.outboundChannelAdapter(this.other))
                .get());
            context.refresh();
            test.accept(context);
        }
        finally {
            stop.add(true);
            try {
                drain.join(WAIT.toMillis());
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableIntegration
    static class IntegrationConfiguration {
    }
}
