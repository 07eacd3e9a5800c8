package io.github.posixmq.integration.inbound;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.OtherUser;
import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.TestQueues;
import io.github.posixmq.integration.dsl.PosixMqs;
import io.github.posixmq.integration.outbound.PosixMqReplyQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Issue 19, rows 2 (reply path), 3 and 4, against real queues: a request's {@code posixmq_replyTo} is written by an
 * untrusted peer. The service's own queues, invalid names, names outside the allowed reply names, missing, full,
 * wider-mode and (as root) another user's queues get no reply; the reply goes to the dead-letter queue with a reason
 * (or is dropped loudly and counted), the flow runs exactly once per request, and a full reply queue does not stall
 * the gateway.
 */
class PosixMqInboundGatewayHostileTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final TestQueues names = new TestQueues();

    private final PosixMqEmbeddedHeaders headers = new PosixMqEmbeddedHeaders();

    /** Reads what the gateway dead-letters: the carried headers plus the reason. */
    private final PosixMqEmbeddedHeaders deadLetterHeaders = new PosixMqEmbeddedHeaders(List.of("contentType",
            "correlationId", PosixMqEmbeddedHeaders.REPLY_TO, PosixMqHeaders.DEAD_LETTER_REASON));

    /** How often the flow ran for each request payload. */
    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    @AfterEach
    void removeQueues() {
        this.names.close();
    }

    private PosixMq queue(String hint, int capacity, int maxMessageSize) {
        return this.names.open(hint,
                OpenOptions.readWrite().createNew().mode(0600).capacity(capacity).maxMessageSize(maxMessageSize));
    }

    /** A reply queue for {@code requests} that others may write too (mode 0622), as its owner could make it. */
    private PosixMq wideReplyQueue(PosixMq requests) throws IOException {
        String name = replyName(requests);
        PosixMq wide = this.names.hold(OpenOptions.readWrite().createNew().capacity(10).maxMessageSize(1024).open(name));
        // chmod on the mqueue file system, as its owner could (the umask would narrow a created mode)
        Files.setPosixFilePermissions(Path.of("/dev/mqueue" + name), PosixFilePermissions.fromString("rw--w--w-"));
        assertThat(wide.stat().mode()).isEqualTo(0622);
        return wide;
    }

    /** A queue named as a requester's reply queue for {@code requests}, created by this test (mode 0600). */
    private PosixMq replyQueue(PosixMq requests, int capacity) {
        PosixMq queue = OpenOptions.readWrite().createNew().mode(0600).capacity(capacity).maxMessageSize(1024)
            .open(replyName(requests));
        this.names.hold(queue);
        return queue;
    }

    /** A fresh name of the form PosixMqReplyQueue creates for {@code requests} (removed after the test). */
    private String replyName(PosixMq requests) {
        byte[] random = new byte[16];
        ThreadLocalRandom.current().nextBytes(random);
        String name = requests.name() + PosixMqReplyQueue.INFIX + HexFormat.of().formatHex(random);
        this.names.track(name);
        return name;
    }

    private byte[] request(String payload, String replyTo) {
        return this.headers.encode(payload.getBytes(StandardCharsets.UTF_8), MessageBuilder.withPayload("")
            .setHeader(IntegrationMessageHeaderAccessor.CORRELATION_ID, "c-" + payload)
            .setHeader(PosixMqEmbeddedHeaders.REPLY_TO, replyTo)
            .build()
            .getHeaders());
    }

    /** A replier whose flow counts its runs per payload and answers {@code RE:<payload>}. */
    private AnnotationConfigApplicationContext replier(PosixMq requests, Consumer<PosixMqInboundGateway> settings) {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.register(IntegrationConfiguration.class);
        context.registerBean("outbound", DirectChannel.class);
        context.registerBean("replier", IntegrationFlow.class, () -> {
            PosixMqInboundGateway gateway = PosixMqs.inboundGateway(PosixMqQueueSupplier.of(requests), this.headers);
            gateway.getReceiver().setRetry(3, Duration.ofMillis(1), 1, Duration.ofMillis(1));
            settings.accept(gateway);
            return IntegrationFlow.from(gateway).transform(byte[].class, (bytes) -> {
                String payload = new String(bytes, StandardCharsets.UTF_8);
                this.runs.computeIfAbsent(payload, (key) -> new AtomicInteger()).incrementAndGet();
                return "RE:" + payload;
            }).get();
        });
        context.refresh();
        return context;
    }

    /** The next dead letter: its payload and headers. */
    private Message<byte[]> deadLetter(PosixMq deadLetters) {
        Optional<io.github.posixmq.Message> received = deadLetters.receive(WAIT);
        assertThat(received).as("a dead-lettered reply").isPresent();
        return this.deadLetterHeaders.decode(received.get().bytes(), deadLetters.name());
    }

    private static String text(Message<byte[]> message) {
        return new String(message.getPayload(), StandardCharsets.UTF_8);
    }

    /** A valid request answered proves every request before it was handled (one receiving thread). */
    private void assertAnswered(PosixMq requests, PosixMq replies, String payload) {
        requests.send(request(payload, replies.name()), 0);
        Optional<io.github.posixmq.Message> reply = replies.receive(WAIT);
        assertThat(reply).as("the reply to " + payload).isPresent();
        assertThat(text(this.headers.decode(reply.get().bytes(), replies.name()))).isEqualTo("RE:" + payload);
    }

    @Test
    void refusedReplyNamesAreDeadLetteredWithAReasonAndTheFlowRunsOncePerRequest() {
        PosixMq requests = queue("requests", 10, 1024);
        PosixMq deadLetters = queue("requests-dlq", 10, 2048);
        PosixMq privateQueue = queue("private", 10, 1024);
        PosixMq replies = replyQueue(requests, 10);
        String longName = "/" + "x".repeat(300);
        Map<String, String> hostile = new LinkedHashMap<>();
        hostile.put(privateQueue.name(), "names one of this application's own queues");       // row 3
        hostile.put(requests.name(), "names one of this application's own queues");
        hostile.put(deadLetters.name(), "names one of this application's own queues");
        hostile.put("/..", "is not a valid queue name");                                        // row 4
        hostile.put(longName, "is not a valid queue name");
        hostile.put(replyName(requests), "does not exist");
        hostile.put("/elsewhere", "is not an allowed reply queue name");
        hostile.put(privateQueue.name() + "\n2026-12-07 INFO FORGED LINE", "is not an allowed reply queue name");
        try (AnnotationConfigApplicationContext context = replier(requests, (gateway) -> {
            gateway.getReceiver().setDeadLetterQueue(deadLetters);
            gateway.setApplicationQueueNames(List.of(privateQueue.name()));
        })) {
            int i = 0;
            for (String replyTo : hostile.keySet()) {
                requests.send(request("order-" + i++, replyTo), 5);
            }
            i = 0;
            for (Map.Entry<String, String> expected : hostile.entrySet()) {
                Message<byte[]> dead = deadLetter(deadLetters);
                assertThat(text(dead)).isEqualTo("RE:order-" + i);
                assertThat(dead.getHeaders()).containsEntry(IntegrationMessageHeaderAccessor.CORRELATION_ID,
                        "c-order-" + i++);
                assertThat(dead.getHeaders()).containsEntry(PosixMqEmbeddedHeaders.REPLY_TO, expected.getKey());
                assertThat((String) dead.getHeaders().get(PosixMqHeaders.DEAD_LETTER_REASON))
                    .contains(expected.getValue())
                    .doesNotContain("\n");
            }
            assertAnswered(requests, replies, "valid");
            assertThat(this.runs).hasSize(hostile.size() + 1).allSatisfy((payload, runs) -> assertThat(runs.get())
                .as("runs of the flow for " + payload).isEqualTo(1));
            assertThat(privateQueue.currentMessages()).as("nothing written to the private queue").isZero();
            assertThat(requests.currentMessages()).isZero();
            assertThat(deadLetters.currentMessages()).isZero();
            assertThat(context.getBean(PosixMqInboundGateway.class).getFailedReplies()).isEqualTo(hostile.size());
        }
    }

    @Test
    void aFullReplyQueueDoesNotStallTheGatewayAndItsRepliesAreDeadLettered() {
        PosixMq requests = queue("full", 10, 1024);
        PosixMq deadLetters = queue("full-dlq", 10, 2048);
        PosixMq full = replyQueue(requests, 1);
        full.send("occupied".getBytes(StandardCharsets.UTF_8), 0);
        PosixMq replies = replyQueue(requests, 10);
        try (AnnotationConfigApplicationContext context = replier(requests,
                (gateway) -> gateway.getReceiver().setDeadLetterQueue(deadLetters))) {
            // before: 3 attempts x 5 s per request; now the default reply send timeout (1 s) once per request, so
            // the valid request behind five such requests is answered well within the wait
            for (int i = 0; i < 5; i++) {
                requests.send(request("full-" + i, full.name()), 0);
            }
            assertAnswered(requests, replies, "behind-the-full-ones");
            for (int i = 0; i < 5; i++) {
                Message<byte[]> dead = deadLetter(deadLetters);
                assertThat(text(dead)).isEqualTo("RE:full-" + i);
                assertThat((String) dead.getHeaders().get(PosixMqHeaders.DEAD_LETTER_REASON))
                    .contains("stayed full (1 messages) for the reply send timeout of PT1S");
            }
            assertThat(full.currentMessages()).isEqualTo(1);
            assertThat(this.runs).hasSize(6).allSatisfy((payload, runs) -> assertThat(runs.get()).isEqualTo(1));
        }
    }

    @Test
    void aReplyQueueThatGrantsOtherUsersMoreThan0600IsRefused() throws Exception {
        PosixMq requests = queue("wide", 10, 1024);
        PosixMq deadLetters = queue("wide-dlq", 10, 2048);
        PosixMq wide = wideReplyQueue(requests);
        String wideName = wide.name();
        PosixMq replies = replyQueue(requests, 10);
        try (AnnotationConfigApplicationContext context = replier(requests,
                (gateway) -> gateway.getReceiver().setDeadLetterQueue(deadLetters))) {
            requests.send(request("to-wide", wideName), 0);
            Message<byte[]> dead = deadLetter(deadLetters);
            assertThat(text(dead)).isEqualTo("RE:to-wide");
            assertThat((String) dead.getHeaders().get(PosixMqHeaders.DEAD_LETTER_REASON)).contains("is not trusted")
                .contains("mode 0622");
            assertAnswered(requests, replies, "after");
            assertThat(wide.currentMessages()).isZero();
            assertThat(this.runs).allSatisfy((payload, runs) -> assertThat(runs.get()).isEqualTo(1));
        }
    }

    @Test
    void sharedReplyQueuesOptsInToAWiderModeReplyQueueButNotToOtherNames() throws Exception {
        PosixMq requests = queue("optin", 10, 1024);
        PosixMq deadLetters = queue("optin-dlq", 10, 2048);
        PosixMq wide = wideReplyQueue(requests);
        try (AnnotationConfigApplicationContext context = replier(requests, (gateway) -> {
            gateway.getReceiver().setDeadLetterQueue(deadLetters);
            gateway.setSharedReplyQueues(true);
        })) {
            assertAnswered(requests, wide, "shared");
            requests.send(request("elsewhere", "/elsewhere"), 0);
            assertThat((String) deadLetter(deadLetters).getHeaders().get(PosixMqHeaders.DEAD_LETTER_REASON))
                .contains("is not an allowed reply queue name");
            assertThat(this.runs).hasSize(2).allSatisfy((payload, runs) -> assertThat(runs.get()).isEqualTo(1));
        }
    }

    @Test
    void anotherUsersReplyQueueIsRefused() throws Exception {
        StringBuilder why = new StringBuilder();
        Optional<OtherUser> otherUser = OtherUser.create(why);
        assumeThat(otherUser).as(why.toString()).isPresent();
        try (OtherUser other = otherUser.get()) {
            PosixMq requests = queue("foreign", 10, 1024);
            PosixMq deadLetters = queue("foreign-dlq", 10, 2048);
            String privateName = replyName(requests);
            String openName = replyName(requests);
            other.createQueue(privateName, 0600, 10, 1024);
            other.createQueue(openName, 0622, 10, 1024);
            PosixMq replies = replyQueue(requests, 10);
            try (AnnotationConfigApplicationContext context = replier(requests,
                    (gateway) -> gateway.getReceiver().setDeadLetterQueue(deadLetters))) {
                requests.send(request("to-private", privateName), 0);
                requests.send(request("to-open", openName), 0);
                for (String payload : List.of("to-private", "to-open")) {
                    Message<byte[]> dead = deadLetter(deadLetters);
                    assertThat(text(dead)).isEqualTo("RE:" + payload);
                    assertThat((String) dead.getHeaders().get(PosixMqHeaders.DEAD_LETTER_REASON))
                        .contains("is not trusted")
                        .contains("owned by uid " + OtherUser.UID);
                }
                assertAnswered(requests, replies, "after");
                for (String name : List.of(privateName, openName)) {
                    try (PosixMq foreign = OpenOptions.readOnly().existing().open(name)) {
                        assertThat(foreign.currentMessages()).as("nothing written to " + name).isZero();
                    }
                }
                assertThat(this.runs).hasSize(3).allSatisfy((payload, runs) -> assertThat(runs.get()).isEqualTo(1));
            }
        }
    }

    @Test
    void withoutADeadLetterQueueARefusedReplyIsDroppedLoudlyAndCounted() {
        PosixMq requests = queue("nodlq", 10, 1024);
        PosixMq privateQueue = queue("nodlq-private", 10, 1024);
        PosixMq replies = replyQueue(requests, 10);
        List<String> drops = new ArrayList<>();
        try (AnnotationConfigApplicationContext context = replier(requests, (gateway) -> {
            gateway.getReceiver().setOperationListener(new PosixMqOperationListener() {
                @Override
                public void onDrop(String queueName, int priority, int size) {
                    drops.add(queueName);
                }
            });
            gateway.setApplicationQueueNames(List.of(privateQueue.name()));
        })) {
            requests.send(request("dropped", privateQueue.name()), 0);
            assertAnswered(requests, replies, "after");
            assertThat(drops).containsExactly(requests.name());
            assertThat(privateQueue.currentMessages()).isZero();
            assertThat(this.runs).hasSize(2).allSatisfy((payload, runs) -> assertThat(runs.get()).isEqualTo(1));
        }
    }

    @Test
    void allowedReplyNamesWidenTheDefaultButNeverReachTheApplicationsOwnQueues() {
        PosixMq requests = queue("widen", 10, 1024);
        PosixMq deadLetters = queue("widen-dlq", 10, 2048);
        PosixMq clients = queue("widen-clients-1", 10, 1024);
        PosixMq ownClients = queue("widen-clients-own", 10, 1024);
        String pattern = clients.name().substring(0, clients.name().lastIndexOf('-')) + "-*";
        try (AnnotationConfigApplicationContext context = replier(requests, (gateway) -> {
            gateway.getReceiver().setDeadLetterQueue(deadLetters);
            gateway.setAllowedReplyNames(List.of(pattern));
            gateway.setApplicationQueueNames(List.of(ownClients.name()));
        })) {
            requests.send(request("own", ownClients.name()), 0);
            assertAnswered(requests, clients, "widened");
            Message<byte[]> dead = deadLetter(deadLetters);
            assertThat(text(dead)).isEqualTo("RE:own");
            assertThat((String) dead.getHeaders().get(PosixMqHeaders.DEAD_LETTER_REASON))
                .contains("names one of this application's own queues");
            assertThat(ownClients.currentMessages()).isZero();
        }
    }

    @Test
    void aRequestsReplyChannelHeaderNeverRedirectsTheReply() {
        PosixMq requests = queue("channel", 10, 1024);
        PosixMq deadLetters = queue("channel-dlq", 10, 2048);
        PosixMq replies = replyQueue(requests, 10);
        AtomicInteger redirected = new AtomicInteger();
        try (AnnotationConfigApplicationContext context = replier(requests,
                (gateway) -> gateway.getReceiver().setDeadLetterQueue(deadLetters))) {
            context.getBean("outbound", DirectChannel.class).subscribe((message) -> redirected.incrementAndGet());
            // row 2: a channel feeding another queue's outbound adapter, named by the peer in a frame written by hand;
            // control headers never cross a queue, so the request is refused whole and dead-lettered byte-identical
            byte[] steer = frame("{\"correlationId\":\"c-steer\",\"posixmq_replyTo\":\"" + replies.name()
                    + "\",\"replyChannel\":\"outbound\",\"errorChannel\":\"outbound\"}", "steer");
            requests.send(steer, 4);
            assertThat(deadLetters.receive(WAIT)).contains(new io.github.posixmq.Message(4, steer));
            assertAnswered(requests, replies, "after");
            assertThat(redirected).hasValue(0);
            assertThat(replies.currentMessages()).isZero();
            assertThat(this.runs).containsOnlyKeys("after").allSatisfy((payload, runs) -> assertThat(runs.get())
                .isEqualTo(1));
        }
    }

    /** An embedded-headers frame as any peer can write it: {@code json} headers, then {@code payload}. */
    private static byte[] frame(String json, String payload) {
        byte[] headers = json.getBytes(StandardCharsets.UTF_8);
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + headers.length + body.length).putInt(headers.length).put(headers)
            .putInt(body.length).put(body).array();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableIntegration
    static class IntegrationConfiguration {
    }
}
