package io.github.posixmq.samples.orders;

import java.nio.charset.StandardCharsets;

import io.github.posixmq.integration.PosixMqHeaders;
import org.junit.jupiter.api.Test;

import org.springframework.integration.metadata.SimpleMetadataStore;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The handler between channels, without queues: which channel, which bytes, which priority. */
class OrderHandlerTest {

    private final QueueChannel processed = new QueueChannel();

    private final QueueChannel rejected = new QueueChannel();

    private final SimpleMetadataStore store = new SimpleMetadataStore();

    private final OrderHandler handler = new OrderHandler(new OrderRules(), this.processed, this.rejected,
            this.store);

    private static Message<byte[]> order(byte[] bytes, int priority) {
        return MessageBuilder.withPayload(bytes)
                .setHeader(PosixMqHeaders.PRIORITY, priority)
                .setHeader(PosixMqHeaders.QUEUE, "/orders")
                .build();
    }

    @Test
    void aValidOrderGoesToProcessedWithItsPriority() {
        this.handler.handle(order("{\"id\":1,\"qty\":2}".getBytes(StandardCharsets.UTF_8), 7));
        Message<?> result = this.processed.receive(0);
        assertThat(result).isNotNull();
        assertThat(new String((byte[]) result.getPayload(), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":1,\"qty\":2,\"status\":\"ACCEPTED\"}");
        assertThat(result.getHeaders().get(PosixMqHeaders.PRIORITY)).isEqualTo(7);
        // the source queue is not carried over: the outbound adapter decides where the message goes
        assertThat(result.getHeaders()).doesNotContainKey(PosixMqHeaders.QUEUE);
        assertThat(this.rejected.getQueueSize()).isZero();
    }

    @Test
    void anOrderWithAHugeNumberIsProcessedInsteadOfFailingTheHandler() {
        // {"id":18,"qty":<999 nines>} used to throw (BigIntegerNode to double), sending every such order to the
        // dead-letter queue until it was full and the pipeline stopped
        byte[] order = ("{\"id\":18,\"qty\":" + "9".repeat(999) + "}").getBytes(StandardCharsets.UTF_8);
        this.handler.handle(order(order, 4));
        Message<?> result = this.processed.receive(0);
        assertThat(result).isNotNull();
        assertThat(new String((byte[]) result.getPayload(), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":18,\"qty\":" + "9".repeat(999) + ",\"status\":\"ACCEPTED\"}");
    }

    @Test
    void anInvalidOrderGoesToRejectedByteForByteWithItsPriority() {
        byte[] bytes = {'{', 'x', (byte) 0xff};
        this.handler.handle(order(bytes, 3));
        Message<?> result = this.rejected.receive(0);
        assertThat(result).isNotNull();
        assertThat(result.getPayload()).isEqualTo(bytes);
        assertThat(result.getHeaders().get(PosixMqHeaders.PRIORITY)).isEqualTo(3);
        assertThat(this.processed.getQueueSize()).isZero();
    }

    @Test
    void anOutputThatRefusesTheOrderFailsTheHandlerSoTheOrderIsNotLost() {
        MessageChannel refusing = (message, timeout) -> false;
        OrderHandler handler = new OrderHandler(new OrderRules(), refusing, this.rejected, this.store);
        assertThatExceptionOfType(MessageDeliveryException.class)
                .isThrownBy(() -> handler.handle(order("{\"id\":2,\"qty\":2}".getBytes(StandardCharsets.UTF_8), 0)))
                .withMessageContaining("processed channel did not take the order");
    }
}
