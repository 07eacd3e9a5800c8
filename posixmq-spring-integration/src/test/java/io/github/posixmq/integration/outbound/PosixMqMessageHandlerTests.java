package io.github.posixmq.integration.outbound;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.TestQueues;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PosixMqMessageHandlerTests {

    private final TestQueues names = new TestQueues();

    private final List<String> sends = new CopyOnWriteArrayList<>();

    private PosixMq queue;

    private PosixMqMessageHandler handler;

    @BeforeEach
    void setUp() {
        this.queue = OpenOptions.readWrite().create().capacity(2).maxMessageSize(16).open(this.names.name("handler"));
        this.handler = new PosixMqMessageHandler(this.queue);
        this.handler.setOperationListener(new PosixMqOperationListener() {
            @Override
            public void onSend(String queueName, long durationNanos, @Nullable Throwable failure) {
                PosixMqMessageHandlerTests.this.sends.add(failure == null ? "ok" : failure.getClass().getSimpleName());
            }
        });
    }

    @AfterEach
    void tearDown() {
        this.queue.close();
        this.names.close();
    }

    @Test
    void sendsBytesAndTextInTheCharsetWithHeaderPriority() {
        this.handler.setCharset(StandardCharsets.ISO_8859_1);
        this.handler.handleMessage(MessageBuilder.withPayload("café").setHeader(PosixMqHeaders.PRIORITY, "12").build());
        this.handler.handleMessage(MessageBuilder.withPayload(new byte[] { 1 }).build());
        assertThat(this.queue.tryReceive()).contains(new Message(12, new byte[] { 'c', 'a', 'f', (byte) 0xE9 }));
        assertThat(this.queue.tryReceive()).contains(new Message(0, new byte[] { 1 }));
        assertThat(this.sends).containsExactly("ok", "ok");
    }

    @Test
    void invalidPrioritiesAreRejectedClearly() {
        assertThatThrownBy(() -> this.handler.handleMessage(MessageBuilder.withPayload("x")
            .setHeader(PosixMqHeaders.PRIORITY, "high").build())).isInstanceOf(MessageDeliveryException.class)
            .hasMessageContaining("the header posixmq_priority gave 'high' (String), not a priority (an integer 0 to 32767) "
                    + "for queue " + this.queue.name());
        assertThatThrownBy(() -> this.handler.handleMessage(MessageBuilder.withPayload("x")
            .setHeader(PosixMqHeaders.PRIORITY, 4294967301L).build())).isInstanceOf(MessageDeliveryException.class)
            .hasMessageContaining("the header posixmq_priority gave priority 4294967301, outside 0 to 32767");
        assertThatThrownBy(() -> this.handler.handleMessage(MessageBuilder.withPayload("x")
            .setHeader(PosixMqHeaders.PRIORITY, 3.9).build())).isInstanceOf(MessageDeliveryException.class)
            .hasMessageContaining("the header posixmq_priority gave '3.9' (Double), not a priority");
        this.handler.handleMessage(MessageBuilder.withPayload("x").setHeader(PosixMqHeaders.PRIORITY, 4.0).build());
        assertThat(this.queue.receive().priority()).as("a whole number of any type is exact").isEqualTo(4);
        assertThatIllegalArgumentException().isThrownBy(() -> this.handler.setPriority(-1));
        assertThat(this.queue.currentMessages()).isZero();
    }

    @Test
    void aFailedSendIsAMessageDeliveryExceptionAndIsReported() {
        assertThatThrownBy(() -> this.handler.handleMessage(MessageBuilder.withPayload(new byte[17]).build()))
            .isInstanceOf(MessageDeliveryException.class)
            .hasMessageContaining("cannot send to queue " + this.queue.name());
        this.handler.setSendTimeout(Duration.ZERO);
        this.handler.handleMessage(MessageBuilder.withPayload("1").build());
        this.handler.handleMessage(MessageBuilder.withPayload("2").build());
        assertThatThrownBy(() -> this.handler.handleMessage(MessageBuilder.withPayload("3").build()))
            .isInstanceOf(MessageDeliveryException.class)
            .hasMessageContaining("queue " + this.queue.name() + " stayed full (2 messages)");
        assertThat(this.sends).containsExactly("MessageTooLargeException", "ok", "ok", "MessageDeliveryException");
    }

    @Test
    void refusesAQueueOpenedForReceivingOnly() {
        try (PosixMq readOnly = OpenOptions.readOnly().open(this.queue.name())) {
            assertThatIllegalArgumentException().isThrownBy(() -> new PosixMqMessageHandler(readOnly))
                .withMessage("queue " + this.queue.name() + " must be opened for sending");
        }
    }
}
