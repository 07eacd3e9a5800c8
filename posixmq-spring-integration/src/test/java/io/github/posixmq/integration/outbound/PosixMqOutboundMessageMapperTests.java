package io.github.posixmq.integration.outbound;

import java.nio.charset.StandardCharsets;

import io.github.posixmq.integration.PosixMqHeaders;
import org.junit.jupiter.api.Test;

import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PosixMqOutboundMessageMapperTests {

    private final PosixMqOutboundMessageMapper mapper = new PosixMqOutboundMessageMapper("/shipping");

    @Test
    void priorityFromHeaderThenExpressionThenDefault() {
        this.mapper.setPriority(5);
        this.mapper.setPriorityExpression(new SpelExpressionParser().parseExpression("headers['level']"));
        assertThat(this.mapper.fromMessage(MessageBuilder.withPayload("a").setHeader(PosixMqHeaders.PRIORITY, 20)
            .setHeader("level", 10).build()).priority()).isEqualTo(20);
        assertThat(this.mapper.fromMessage(MessageBuilder.withPayload("b").setHeader("level", "10").build()).priority())
            .isEqualTo(10);
        io.github.posixmq.Message fallback = this.mapper.fromMessage(MessageBuilder.withPayload("c").build());
        assertThat(fallback).isEqualTo(new io.github.posixmq.Message(5, "c".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> this.mapper.fromMessage(MessageBuilder.withPayload("d").setHeader("level", 40000)
            .build())).isInstanceOf(MessageDeliveryException.class)
            .hasMessageContaining("gave priority 40000, outside 0 to 32767 for queue /shipping");
    }

    @Test
    void fallbackPriorityHeaderAfterThePosixMqHeaderAndBeforeTheExpression() {
        this.mapper.setPriority(5);
        this.mapper.setFallbackPriorityHeader("priority");
        this.mapper.setPriorityExpression(new SpelExpressionParser().parseExpression("headers['level']"));
        assertThat(this.mapper.fromMessage(MessageBuilder.withPayload("a").setHeader(PosixMqHeaders.PRIORITY, 20)
            .setHeader("priority", 7).setHeader("level", 10).build()).priority()).isEqualTo(20);
        assertThat(this.mapper.fromMessage(MessageBuilder.withPayload("b").setHeader("priority", 7)
            .setHeader("level", 10).build()).priority()).isEqualTo(7);
        assertThat(this.mapper.fromMessage(MessageBuilder.withPayload("c").setHeader("priority", "8").build())
            .priority()).isEqualTo(8);
        assertThat(this.mapper.fromMessage(MessageBuilder.withPayload("d").setHeader("level", 10).build()).priority())
            .isEqualTo(10);
        assertThat(this.mapper.fromMessage(MessageBuilder.withPayload("e").build()).priority()).isEqualTo(5);
        assertThatThrownBy(() -> this.mapper.fromMessage(MessageBuilder.withPayload("f").setHeader("priority", 40000)
            .build())).isInstanceOf(MessageDeliveryException.class)
            .hasMessageContaining("the header priority gave priority 40000, outside 0 to 32767 for queue /shipping");
    }

    /**
     * Issue 19 row 10: a hostile priority text is refused from its digits, before any big-number arithmetic (the old
     * {@code toBigIntegerExact()} of {@code 1e300000000} took seconds and hundreds of MB).
     */
    @Test
    void hugeOrFractionalPrioritiesFailAtOnceWithoutBigNumberWork() {
        for (Object value : new Object[] { "1e300000000", "-1e300000000", "1e-300000000", "1.5", "9".repeat(5000),
                new java.math.BigDecimal("1e300000000"), 1e300, Double.NaN, "\n2026-01-01 INFO FORGED" }) {
            assertThatThrownBy(() -> this.mapper.fromMessage(MessageBuilder.withPayload("x")
                .setHeader(PosixMqHeaders.PRIORITY, value)
                .build())).isInstanceOf(MessageDeliveryException.class)
                .hasMessageContaining("for queue /shipping")
                .hasMessageNotContaining("\n");
        }
        for (Object value : new Object[] { "7", " 7 ", "7.0", "0.7e1", 7L, (short) 7, new java.math.BigDecimal("7.00"),
                7.0 }) {
            assertThat(this.mapper.fromMessage(MessageBuilder.withPayload("x").setHeader(PosixMqHeaders.PRIORITY, value)
                .build()).priority()).as("%s", value).isEqualTo(7);
        }
    }

    @Test
    void payloadsOtherThanBytesAndTextNeedAConverterThatMakesThemSo() {
        assertThatThrownBy(() -> this.mapper.toBytes(MessageBuilder.withPayload(42).build()))
            .isInstanceOf(MessageConversionException.class)
            .hasMessageContaining("cannot send a java.lang.Integer payload to queue /shipping")
            .hasMessageContaining("set a MessageConverter");
        this.mapper.setMessageConverter(new StringMessageConverter());
        assertThatThrownBy(() -> this.mapper.toBytes(MessageBuilder.withPayload(42).build()))
            .isInstanceOf(MessageConversionException.class)
            .hasMessageContaining("did not produce byte[] or String");
    }
}
