package io.github.posixmq.integration;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.util.MimeTypeUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PosixMqEmbeddedHeadersTests {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final PosixMqEmbeddedHeaders headers = new PosixMqEmbeddedHeaders();

    @Test
    void carriesTheListedHeadersAsStringsAndThePayloadUnchanged() {
        UUID correlation = UUID.randomUUID();
        byte[] payload = { 0, 1, (byte) 0xff, '{' };
        byte[] sent = this.headers.encode(payload, new MessageHeaders(Map.of(MessageHeaders.CONTENT_TYPE,
                MimeTypeUtils.APPLICATION_JSON, IntegrationMessageHeaderAccessor.CORRELATION_ID, correlation,
                PosixMqEmbeddedHeaders.TRACEPARENT, TRACEPARENT, "secret", "not listed")));
        Message<byte[]> received = this.headers.decode(sent, "/orders");
        assertThat(received.getPayload()).isEqualTo(payload);
        assertThat(received.getHeaders()).containsEntry(MessageHeaders.CONTENT_TYPE, "application/json")
            .containsEntry(IntegrationMessageHeaderAccessor.CORRELATION_ID, correlation.toString())
            .containsEntry(PosixMqEmbeddedHeaders.TRACEPARENT, TRACEPARENT)
            .doesNotContainKey("secret");
    }

    @Test
    void writesTheDocumentedByteLayout() {
        byte[] sent = this.headers.encode("hi".getBytes(StandardCharsets.UTF_8),
                new MessageHeaders(Map.of(MessageHeaders.CONTENT_TYPE, "text/plain")));
        byte[] json = "{\"contentType\":\"text/plain\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(sent).isEqualTo(layout(json, "hi".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsWhatANonJavaPeerWritesKeepingOnlyTheListedHeaders() {
        String json = "{\"correlationId\":42,\"traceparent\":\"" + TRACEPARENT + "\",\"n\":7,\"x\":{\"a\":[1]}}";
        byte[] fromPeer = layout(json.getBytes(StandardCharsets.UTF_8), "payload".getBytes(StandardCharsets.UTF_8));
        Message<byte[]> received = this.headers.decode(fromPeer, "/orders");
        assertThat(received.getPayload()).asString(StandardCharsets.UTF_8).isEqualTo("payload");
        assertThat(received.getHeaders()).containsEntry(IntegrationMessageHeaderAccessor.CORRELATION_ID, 42)
            .containsEntry(PosixMqEmbeddedHeaders.TRACEPARENT, TRACEPARENT)
            .doesNotContainKeys("n", "x");
    }

    @Test
    void controlHeadersAreRefusedWithThePreciseCauseAndTheBytesKept() {
        Map<String, String> causes = new java.util.LinkedHashMap<>();
        causes.put("{\"replyChannel\":\"orders\"}", "header 'replyChannel' is a Spring Integration control header");
        causes.put("{\"errorChannel\":\"x\"}", "header 'errorChannel' is a Spring Integration control header");
        causes.put("{\"sequenceSize\":2}", "header 'sequenceSize' is a Spring Integration control header");
        causes.put("{\"priority\":\"1e300000000\"}", "header 'priority' is a Spring Integration control header");
        causes.put("{\"history\":[]}", "header 'history' is a Spring Integration control header");
        causes.put("{\"id\":\"x\"}", "header 'id' is not allowed: Spring sets the id and timestamp");
        causes.put("{\"timestamp\":1}", "header 'timestamp' is not allowed");
        causes.put("{\"correlationId\":" + "9".repeat(1001) + "}", "its headers exceed a JSON limit");
        causes.put("{\"correlationId\":" + "9".repeat(20) + "}", "header 'correlationId' is a number too large (20 digits");
        causes.put("{\"correlationId\":1e400}", "header 'correlationId' is a number too large for a double");
        causes.put("{\"correlationId\":[1]}", "header 'correlationId' is a JSON array");
        causes.put("{\"correlationId\":{}}", "header 'correlationId' is a JSON object");
        causes.put("{\"correlationId\":\"1\",\"correlationId\":\"2\"}", "header 'correlationId' appears twice");
        causes.put("{\"a\":1}{}", "bytes follow the JSON object of its headers");
        causes.put("{\"a\\n2026-01-01 INFO FORGED\":1,\"a\\n2026-01-01 INFO FORGED\":1}", "header 'a\\n2026-01-01 INFO FORGED' appears twice");
        causes.put("{nope", "its headers are not valid JSON");
        causes.put("[1,2]", "its headers are not a JSON object (they start with byte 0x5b");
        causes.put("{\"a\":" + "[".repeat(3000) + "]".repeat(3000) + "}", "its headers exceed a JSON limit");
        causes.forEach((json, cause) -> {
            byte[] bytes = layout(json.getBytes(StandardCharsets.UTF_8), "x".getBytes(StandardCharsets.UTF_8));
            assertThatExceptionOfType(MessageConversionException.class).as(json.length() > 80 ? cause : json)
                .isThrownBy(() -> this.headers.decode(bytes, "/orders"))
                .withMessageContaining(cause)
                .withMessageNotContaining("\n")
                .satisfies(ex -> assertThat(ex.getFailedMessage().getPayload()).isSameAs(bytes));
        });
    }

    @Test
    void aControlHeaderCannotBeListed() {
        for (String control : List.of("replyChannel", "errorChannel", "routingSlip", "sequenceNumber", "sequenceSize",
                "sequenceDetails", "expirationDate", "priority", "id", "timestamp", "history", "posixmq_priority")) {
            assertThatExceptionOfType(IllegalArgumentException.class)
                .isThrownBy(() -> new PosixMqEmbeddedHeaders(List.of("contentType", control)))
                .withMessageStartingWith("'" + control + "' is a Spring Integration control header");
        }
    }

    @Test
    void carriesAnEmptyPayloadAndNoHeaders() {
        Message<byte[]> received = this.headers.decode(this.headers.encode(new byte[0], new MessageHeaders(null)),
                "/orders");
        assertThat(received.getPayload()).isEmpty();
        assertThat(this.headers.encode(new byte[0], new MessageHeaders(null))).isEqualTo(
                layout("{}".getBytes(StandardCharsets.UTF_8), new byte[0]));
        Message<byte[]> withHeader = this.headers.decode(this.headers.encode(new byte[0],
                new MessageHeaders(Map.of(MessageHeaders.CONTENT_TYPE, "text/plain"))), "/orders");
        assertThat(withHeader.getHeaders()).containsEntry(MessageHeaders.CONTENT_TYPE, "text/plain");
    }

    @Test
    void aRawMessageIsAConversionErrorThatKeepsItsBytes() {
        for (String raw : List.of("", "hello", "{\"id\":42,\"item\":\"tea\"}", "\0\0\0\2{}")) {
            byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
            assertThatExceptionOfType(MessageConversionException.class)
                .isThrownBy(() -> this.headers.decode(bytes, "/orders"))
                .withMessageStartingWith("message of " + bytes.length + " bytes from queue /orders is not in the "
                        + "embedded headers format (header-mode embedded)")
                .satisfies(ex -> assertThat(ex.getFailedMessage().getPayload()).isSameAs(bytes));
        }
    }

    @Test
    void headersThatAreNotJsonAreAConversionError() {
        byte[] bytes = layout("{nope".getBytes(StandardCharsets.UTF_8), "x".getBytes(StandardCharsets.UTF_8));
        assertThatExceptionOfType(MessageConversionException.class)
            .isThrownBy(() -> this.headers.decode(bytes, "/orders"))
            .withMessageContaining("its headers are not valid JSON")
            .satisfies(ex -> assertThat(ex.getFailedMessage().getPayload()).isSameAs(bytes));
    }

    @Test
    void carriesOnlyTheConfiguredHeaders() {
        PosixMqEmbeddedHeaders onlyType = new PosixMqEmbeddedHeaders(List.of(MessageHeaders.CONTENT_TYPE));
        byte[] sent = onlyType.encode(new byte[] { 1 }, new MessageHeaders(Map.of(MessageHeaders.CONTENT_TYPE,
                "text/plain", IntegrationMessageHeaderAccessor.CORRELATION_ID, "7")));
        assertThat(onlyType.decode(sent, "/q").getHeaders()).containsEntry(MessageHeaders.CONTENT_TYPE, "text/plain")
            .doesNotContainKey(IntegrationMessageHeaderAccessor.CORRELATION_ID);
    }

    /** [4-byte big-endian length][headers][4-byte big-endian length][payload], as the README documents. */
    private static byte[] layout(byte[] json, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(4).putInt(json.length).array());
        out.writeBytes(json);
        out.writeBytes(ByteBuffer.allocate(4).putInt(payload.length).array());
        out.writeBytes(payload);
        return out.toByteArray();
    }
}
