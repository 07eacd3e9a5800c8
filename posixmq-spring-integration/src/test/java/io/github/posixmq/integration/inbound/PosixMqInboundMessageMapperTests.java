package io.github.posixmq.integration.inbound;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.github.posixmq.integration.PosixMqHeaders;
import org.junit.jupiter.api.Test;

import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.integration.support.DefaultMessageBuilderFactory;
import org.springframework.integration.support.MutableMessage;
import org.springframework.integration.support.MutableMessageBuilderFactory;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PosixMqInboundMessageMapperTests {

    private final PosixMqInboundMessageMapper mapper = new PosixMqInboundMessageMapper("/orders");

    @Test
    void bytesWithPriorityAndQueueHeadersAndTheCallersHeaders() {
        byte[] bytes = { 0, (byte) 0xFF };
        Message<?> message = this.mapper.toMessage(new io.github.posixmq.Message(9, bytes), Map.of("trace", "t1"));
        assertThat(message.getPayload()).isEqualTo(bytes);
        assertThat(message.getHeaders()).containsEntry(PosixMqHeaders.PRIORITY, 9)
            .containsEntry(PosixMqHeaders.QUEUE, "/orders")
            .containsEntry("trace", "t1");
    }

    @Test
    void theStandardPriorityHeaderOnlyWhenAsked() {
        io.github.posixmq.Message received = new io.github.posixmq.Message(6, new byte[] { 1 });
        assertThat(this.mapper.toMessage(received).getHeaders())
            .doesNotContainKey(IntegrationMessageHeaderAccessor.PRIORITY);
        this.mapper.setStandardPriorityHeader(true);
        assertThat(this.mapper.toMessage(received).getHeaders()).containsEntry(PosixMqHeaders.PRIORITY, 6)
            .containsEntry(IntegrationMessageHeaderAccessor.PRIORITY, 6);
        this.mapper.setCharset(StandardCharsets.UTF_8);
        assertThat(this.mapper.toMessage(new io.github.posixmq.Message(3, "a".getBytes(StandardCharsets.UTF_8)))
            .getHeaders()).containsEntry(IntegrationMessageHeaderAccessor.PRIORITY, 3);
    }

    @Test
    void textInTheCharsetAndInvalidBytesAreAConversionErrorHoldingTheBytes() {
        this.mapper.setCharset(StandardCharsets.UTF_8);
        assertThat(this.mapper.toMessage(new io.github.posixmq.Message(1, "café".getBytes(StandardCharsets.UTF_8)))
            .getPayload()).isEqualTo("café");
        byte[] invalid = { 'o', 'k', (byte) 0xC3, (byte) 0x28 };
        MessageConversionException ex = catchThrowableOfType(MessageConversionException.class,
                () -> this.mapper.toMessage(new io.github.posixmq.Message(4, invalid)));
        assertThat(ex).hasMessageContaining("message of 4 bytes (priority 4) from queue /orders is not valid UTF-8");
        assertThat(ex.getFailedMessage().getPayload()).isEqualTo(invalid);
        assertThat(ex.getFailedMessage().getHeaders()).containsEntry(PosixMqHeaders.PRIORITY, 4);
    }

    @Test
    void exactlyTheHeadersTheMessageBuilderFactoryWouldSet() {
        io.github.posixmq.Message received = new io.github.posixmq.Message(5, new byte[] { 1 });
        this.mapper.setContentType("application/json");
        assertThat(this.mapper.toMessage(received).getHeaders()).containsOnlyKeys(PosixMqHeaders.PRIORITY,
                PosixMqHeaders.QUEUE, MessageHeaders.CONTENT_TYPE, MessageHeaders.ID, MessageHeaders.TIMESTAMP);
        DefaultMessageBuilderFactory readOnlyQueue = new DefaultMessageBuilderFactory();
        readOnlyQueue.setReadOnlyHeaders(PosixMqHeaders.QUEUE);
        this.mapper.setMessageBuilderFactory(readOnlyQueue);
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> this.mapper.toMessage(received)))
            .hasMessageContaining(PosixMqHeaders.QUEUE);
        this.mapper.setMessageBuilderFactory(new MutableMessageBuilderFactory());
        assertThat(this.mapper.toMessage(received)).isInstanceOf(MutableMessage.class);
        this.mapper.setMessageBuilderFactory(new DefaultMessageBuilderFactory());
        assertThat(this.mapper.toMessage(received).getHeaders()).containsEntry(PosixMqHeaders.QUEUE, "/orders");
    }
}
