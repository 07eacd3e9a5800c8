package io.github.posixmq.samples.orders;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The order pipeline's rules. An order is valid when it is one UTF-8 JSON object with a numeric {@code id} and a
 * numeric {@code qty} greater than 0. A valid order is accepted: its JSON is kept byte for byte, fields in their
 * order, with {@code "status":"ACCEPTED"} added as the last field. Anything else is rejected unchanged.
 */
public final class OrderRules {

    /** The field the pipeline adds to accepted orders. */
    public static final String STATUS = "status";

    /** The value of {@value #STATUS} in accepted orders. */
    public static final String ACCEPTED = "ACCEPTED";

    private static final byte[] STATUS_FIELD = (",\"" + STATUS + "\":\"" + ACCEPTED + "\"")
            .getBytes(StandardCharsets.UTF_8);

    private final JsonMapper mapper = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * What to do with one order.
     *
     * @param accepted whether it goes to the processed queue (else to the rejected queue)
     * @param payload the bytes to send: the accepted JSON, or the original bytes of a rejected order
     * @param reason why it was rejected, or {@code "accepted"}
     */
    public record Decision(boolean accepted, byte[] payload, String reason) {
    }

    /** Decides what happens to the order {@code bytes}. */
    public Decision decide(byte[] bytes) {
        JsonNode order;
        try {
            order = this.mapper.readTree(bytes);
        }
        catch (JacksonException ex) {
            return reject(bytes, "not JSON: " + ex.getOriginalMessage());
        }
        String problem = problem(order);
        if (problem != null) {
            return reject(bytes, problem);
        }
        return new Decision(true, withStatus(bytes, (ObjectNode) order), "accepted");
    }

    private static @Nullable String problem(@Nullable JsonNode order) {
        if (order == null || !order.isObject()) {
            return "not a JSON object";
        }
        JsonNode id = order.get("id");
        if (id == null || !id.isNumber()) {
            return id == null ? "no id" : "id is not a number";
        }
        JsonNode qty = order.get("qty");
        if (qty == null || !qty.isNumber()) {
            return qty == null ? "no qty" : "qty is not a number";
        }
        if (!(qty.doubleValue() > 0)) {
            return "qty must be greater than 0";
        }
        return null;
    }

    /** The original bytes with the status field spliced in before the closing brace, so nothing else changes. */
    private byte[] withStatus(byte[] bytes, ObjectNode order) {
        if (order.has(STATUS)) {
            // splicing would duplicate the key: replace the value in place and write the object again
            order.put(STATUS, ACCEPTED);
            return this.mapper.writeValueAsBytes(order);
        }
        int close = bytes.length - 1;
        while (bytes[close] != '}') {
            close--;
        }
        byte[] accepted = Arrays.copyOf(bytes, bytes.length + STATUS_FIELD.length);
        System.arraycopy(STATUS_FIELD, 0, accepted, close, STATUS_FIELD.length);
        System.arraycopy(bytes, close, accepted, close + STATUS_FIELD.length, bytes.length - close);
        return accepted;
    }

    private static Decision reject(byte[] bytes, String reason) {
        return new Decision(false, bytes, reason);
    }
}
