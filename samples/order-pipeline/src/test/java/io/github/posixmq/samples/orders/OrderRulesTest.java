package io.github.posixmq.samples.orders;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The routing rules, on their own. */
class OrderRulesTest {

    private final OrderRules rules = new OrderRules();

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void aValidOrderIsAcceptedWithEveryFieldKeptInOrderAndTheStatusAdded() {
        OrderRules.Decision decision = this.rules.decide(utf8("{\"id\":42,\"item\":\"book\",\"qty\":3}"));
        assertThat(decision.accepted()).isTrue();
        assertThat(text(decision.payload())).isEqualTo("{\"id\":42,\"item\":\"book\",\"qty\":3,\"status\":\"ACCEPTED\"}");
    }

    @Test
    void acceptedOrdersKeepTheirOriginalBytesExactly() {
        // field order, spacing, number formats, nested values, escapes and non-ASCII text stay as they were
        String order = "{ \"qty\" : 1.50, \"note\":\"caf\u00e9 \\u00e9\\n\", \"id\":7e0,\n \"lines\":[{\"a\":1}] }\n";
        OrderRules.Decision decision = this.rules.decide(utf8(order));
        assertThat(decision.accepted()).isTrue();
        assertThat(text(decision.payload())).isEqualTo("{ \"qty\" : 1.50, \"note\":\"caf\u00e9 \\u00e9\\n\", \"id\":7e0,\n"
                + " \"lines\":[{\"a\":1}] ,\"status\":\"ACCEPTED\"}\n");
    }

    @Test
    void anOrderThatAlreadyHasAStatusGetsItReplacedInPlace() {
        OrderRules.Decision decision = this.rules.decide(utf8("{\"id\":1,\"status\":\"NEW\",\"qty\":2}"));
        assertThat(decision.accepted()).isTrue();
        assertThat(text(decision.payload())).isEqualTo("{\"id\":1,\"status\":\"ACCEPTED\",\"qty\":2}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"id\":1,\"item\":\"book\",\"qty\":0}",
            "{\"id\":1,\"item\":\"book\",\"qty\":-3}",
            "{\"id\":1,\"item\":\"book\",\"qty\":-0.5}",
            "{\"id\":1,\"item\":\"book\"}",
            "{\"item\":\"book\",\"qty\":1}",
            "{\"id\":\"1\",\"item\":\"book\",\"qty\":1}",
            "{\"id\":1,\"qty\":\"2\"}",
            "{\"id\":null,\"qty\":2}",
            "{\"id\":1,\"qty\":true}",
            "{}",
            "[{\"id\":1,\"qty\":1}]",
            "42",
            "\"order\"",
            "",
            "   ",
            "{\"id\":1,\"qty\":1} {\"id\":2,\"qty\":1}",
            "{\"id\":1,\"qty\":1,\"qty\":0}",
            "{\"id\":1,\"qty\":1",
            "id=1 qty=1",
    })
    void invalidOrdersAreRejectedUnchanged(String order) {
        byte[] bytes = utf8(order);
        OrderRules.Decision decision = this.rules.decide(bytes);
        assertThat(decision.accepted()).as(order).isFalse();
        assertThat(decision.payload()).isEqualTo(bytes);
        assertThat(decision.reason()).isNotEqualTo("accepted");
    }

    @Test
    void bytesThatAreNotUtf8AreRejectedByteForByte() {
        byte[] bytes = {'{', '"', 'i', 'd', '"', ':', '1', ',', '"', 'x', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"',
                ',', '"', 'q', 't', 'y', '"', ':', '1', '}'};
        OrderRules.Decision decision = this.rules.decide(bytes);
        assertThat(decision.accepted()).isFalse();
        assertThat(decision.payload()).isEqualTo(bytes);
        assertThat(decision.reason()).startsWith("not JSON");

        byte[] binary = {0, 1, 2, (byte) 0x80, '}'};
        assertThat(this.rules.decide(binary).payload()).isEqualTo(binary);
    }

    @Test
    void reasonsSayWhatIsWrong() {
        assertThat(this.rules.decide(utf8("{\"id\":1,\"qty\":0}")).reason()).isEqualTo("qty must be greater than 0");
        assertThat(this.rules.decide(utf8("{\"qty\":1}")).reason()).isEqualTo("no id");
        assertThat(this.rules.decide(utf8("{\"id\":\"x\",\"qty\":1}")).reason()).isEqualTo("id is not a number");
        assertThat(this.rules.decide(utf8("[]")).reason()).isEqualTo("not a JSON object");
    }
}
