package io.github.posixmq.integration.template;

import io.github.posixmq.integration.TestQueues;
import io.github.posixmq.integration.runtime.PosixMqQueueSettings;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.runtime.PosixMqSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueNotFoundException;
import io.github.posixmq.QueueWouldBlockException;
import io.github.posixmq.integration.PosixMqOperationListener;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.converter.StringMessageConverter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PosixMqTemplateTests {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final TestQueues names = new TestQueues();

    private final List<String> events = new CopyOnWriteArrayList<>();

    private PosixMqQueues queues;

    private PosixMqTemplate template;

    private String key;

    @BeforeEach
    void setUp() {
        this.key = this.names.name("tpl").substring(1);
        this.queues = new PosixMqQueues(PosixMqSettings.builder()
            .queue(PosixMqQueueSettings.builder(this.key).capacity(2L).maxMessageSize(128L).build())
            .build());
        this.template = new PosixMqTemplate(this.queues);
        this.template.setOperationListener(new PosixMqOperationListener() {
            @Override
            public void onSend(String queueName, long durationNanos, @Nullable Throwable failure) {
                PosixMqTemplateTests.this.events.add("send " + queueName + " " + describe(failure));
            }

            @Override
            public void onReceive(String queueName, long durationNanos, @Nullable Throwable failure) {
                PosixMqTemplateTests.this.events.add("receive " + queueName + " " + describe(failure));
            }
        });
    }

    private static String describe(@Nullable Throwable failure) {
        return failure == null ? "ok" : failure.getClass().getSimpleName();
    }

    @AfterEach
    void tearDown() {
        this.template.close();
        this.queues.close();
        this.names.close();
    }

    @Test
    void sendsAndReceivesBytesAndTextByKeyWithPriority() {
        this.template.send(this.key, new byte[] { 1, 2 });
        this.template.send(this.key, "urgent", 30);
        assertThat(this.template.receiveString(this.key, WAIT)).contains("urgent");
        assertThat(this.template.receive(this.key, WAIT)).contains(new Message(0, new byte[] { 1, 2 }));
        assertThat(this.events).containsExactly("send /" + this.key + " ok", "send /" + this.key + " ok",
                "receive /" + this.key + " ok", "receive /" + this.key + " ok");
    }

    @Test
    void sendsTextWithoutAPriorityAsPriorityZero() {
        this.template.send(this.key, "plain");
        this.template.send(this.key, "first", 1);
        assertThat(this.template.receive(this.key, WAIT))
            .contains(new Message(1, "first".getBytes(StandardCharsets.UTF_8)));
        assertThat(this.template.receive(this.key, WAIT))
            .contains(new Message(0, "plain".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void receiveWaitsForAMessageAndReturnsEmptyAfterTheTimeout() throws Exception {
        assertThat(this.template.receive(this.key, Duration.ofMillis(50))).isEmpty();
        assertThat(this.template.receive(this.key, Duration.ZERO)).isEmpty();
        Thread sender = new Thread(() -> {
            try (PosixMq mq = OpenOptions.writeOnly().open("/" + this.key)) {
                mq.send("late".getBytes(StandardCharsets.UTF_8), 4);
            }
        });
        sender.start();
        assertThat(this.template.receive(this.key, Duration.ofSeconds(30)))
            .contains(new Message(4, "late".getBytes(StandardCharsets.UTF_8)));
        sender.join();
        // idle waits and timeouts are not receives
        assertThat(this.events).containsExactly("receive /" + this.key + " ok");
    }

    @Test
    void addressesQueuesByNameToo() {
        String other = this.names.name("other");
        try (PosixMq external = OpenOptions.readWrite().create().capacity(2).maxMessageSize(64).open(other)) {
            this.template.send(other, "by name", 2);
            assertThat(external.receive(WAIT)).contains(new Message(2, "by name".getBytes(StandardCharsets.UTF_8)));
            external.send("back".getBytes(StandardCharsets.UTF_8), 1);
            assertThat(this.template.receiveString(other.substring(1), WAIT)).contains("back");
            assertThat(this.template.queue(other, true).canReceive()).isFalse();
            assertThat(this.template.queue(other, false).canSend()).isFalse();
            // the configured queue's name resolves to the registry's descriptor
            assertThat(this.template.queue("/" + this.key, true)).isSameAs(this.queues.get(this.key));
            PosixMq opened = this.template.queue(other, true);
            this.template.close();
            assertThat(opened.isClosed()).isTrue();
            assertThat(this.queues.get(this.key).isClosed()).isFalse();
            assertThatIllegalStateException().isThrownBy(() -> this.template.send(other, "closed", 0));
        }
    }

    @Test
    void unknownQueueNameFailsClearly() {
        String missing = this.names.name("missing");
        assertThatThrownBy(() -> this.template.send(missing, "x", 0)).isInstanceOf(QueueNotFoundException.class)
            .hasMessageContaining(missing);
        assertThatIllegalArgumentException().isThrownBy(() -> this.template.send("a/b", "x", 0))
            .withMessageContaining("a/b");
    }

    @Test
    void fullQueueFailsAfterTheSendTimeoutNamingTheQueue() {
        this.template.setSendTimeout(Duration.ofMillis(100));
        this.template.send(this.key, "1", 0);
        this.template.send(this.key, "2", 0);
        assertThatThrownBy(() -> this.template.send(this.key, "3", 0)).isInstanceOf(QueueWouldBlockException.class)
            .hasMessage("queue /" + this.key + " stayed full (2 messages) for the send timeout of "
                    + "PT0.1S; is anything receiving from it?");
        this.template.setSendTimeout(Duration.ZERO);
        assertThatThrownBy(() -> this.template.send(this.key, "4", 0)).isInstanceOf(QueueWouldBlockException.class);
        assertThat(this.events).endsWith("send /" + this.key + " QueueWouldBlockException");
    }

    @Test
    void tooLargeMessageIsReportedToTheListener() {
        assertThatThrownBy(() -> this.template.send(this.key, new byte[129], 0))
            .hasMessageContaining("larger than the max message size 128 of queue /" + this.key);
        assertThat(this.events).containsExactly("send /" + this.key + " MessageTooLargeException");
    }

    @Test
    void convertsObjectsWithTheMessageConverter() {
        Order order = new Order(7, "coffee");
        this.template.convertAndSend(this.key, order, 3);
        assertThat(this.template.receiveString(this.key, WAIT)).contains("{\"id\":7,\"item\":\"coffee\"}");
        this.template.convertAndSend(this.key, order);
        assertThat(this.template.receiveAndConvert(this.key, Order.class, WAIT)).contains(order);
        this.template.convertAndSend(this.key, "plain");
        assertThat(this.template.receiveAndConvert(this.key, String.class, WAIT)).contains("plain");
        this.template.convertAndSend(this.key, new byte[] { 5 });
        assertThat(this.template.receiveAndConvert(this.key, byte[].class, WAIT)).contains(new byte[] { 5 });
        assertThat(this.template.receiveAndConvert(this.key, Order.class, Duration.ofMillis(10))).isEmpty();
    }

    @Test
    void converterThatCannotProduceBytesFailsClearly() {
        this.template.setMessageConverter(new StringMessageConverter());
        assertThatThrownBy(() -> this.template.convertAndSend(this.key, new Order(1, "x")))
            .isInstanceOf(MessageConversionException.class)
            .hasMessageContaining("cannot send a " + Order.class.getName() + " payload to queue /" + this.key);
        this.template.send(this.key, "{}", 0);
        assertThatThrownBy(() -> this.template.receiveAndConvert(this.key, Order.class, WAIT))
            .isInstanceOf(MessageConversionException.class)
            .hasMessageContaining("cannot turn a message of 2 bytes into a " + Order.class.getName());
    }

    /** A JSON payload. */
    record Order(int id, String item) {
    }
}
