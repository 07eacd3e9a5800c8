package io.github.posixmq.samples.orders;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * {@link OrderRules} over random and adversarial input: it never throws, rejected orders come back unchanged, and an
 * accepted order differs from its input only in the status value. Random runs print their seed on failure; rerun
 * with {@code -Dorders.fuzz.seed=N} (and {@code -Dorders.fuzz.iterations=N} for more).
 */
class OrderRulesPropertyTest {

    private static final long SEED = Long.getLong("orders.fuzz.seed", System.nanoTime());

    private static final int ITERATIONS = Integer.getInteger("orders.fuzz.iterations", 10_000);

    private static final byte[] STATUS_FIELD = utf8(",\"status\":\"ACCEPTED\"");

    /**
     * The independent oracle: the JDK's strict decoder (REPORT on malformed input) and Jackson's parser with no size
     * limits, duplicate names and trailing tokens refused.
     */
    private static final JsonMapper JACKSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNumberLength(Integer.MAX_VALUE)
                            .maxNestingDepth(Integer.MAX_VALUE)
                            .build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private final OrderRules rules = new OrderRules();

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** The decision, asserting the properties every decision has whatever the input. */
    private OrderRules.Decision decide(byte[] input, String context) {
        byte[] copy = input.clone();
        OrderRules.Decision[] decision = new OrderRules.Decision[1];
        assertThatNoException().as(context).isThrownBy(() -> decision[0] = this.rules.decide(input));
        assertThat(input).as("%s: the input is not modified", context).isEqualTo(copy);
        if (!decision[0].accepted()) {
            assertThat(decision[0].payload()).as("%s: rejected unchanged", context).isEqualTo(input);
            assertThat(decision[0].reason()).as(context).isNotEqualTo("accepted");
        }
        else if (oracleCanTell(input) && oracleTree(input) != null) {
            assertOnlyTheStatusChanged(input, decision[0].payload(), context);
        }
        return decision[0];
    }

    /**
     * Output = input with {@code ,"status":"ACCEPTED"} inserted at the last '}', or with one top-level value replaced
     * by {@code "ACCEPTED"}: the bytes before and after the change are the input's own, and the oracle reads the
     * output as the input's object with {@code status} set.
     */
    private static void assertOnlyTheStatusChanged(byte[] input, byte[] output, String context) {
        JsonNode in = oracleTree(input);
        if (!in.has("status")) {
            int close = lastIndexOf(input, (byte) '}');
            assertThat(output).as(context).isEqualTo(concat(Arrays.copyOfRange(input, 0, close), STATUS_FIELD,
                    Arrays.copyOfRange(input, close, input.length)));
            return;
        }
        int prefix = 0;
        while (prefix < input.length && prefix < output.length && input[prefix] == output[prefix]) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < input.length - prefix && suffix < output.length - prefix
                && input[input.length - 1 - suffix] == output[output.length - 1 - suffix]) {
            suffix++;
        }
        String changed = new String(output, prefix, output.length - prefix - suffix, StandardCharsets.UTF_8);
        assertThat("\"ACCEPTED\"").as("%s: only bytes of the new status value differ", context).contains(changed);
        JsonNode out = oracleTree(output);
        assertThat(out).as(context).isNotNull();
        assertThat(out.get("status").asString()).as(context).isEqualTo("ACCEPTED");
        ((ObjectNode) in).put("status", "ACCEPTED");
        assertThat(out).as(context).isEqualTo(in);
    }

    private static int lastIndexOf(byte[] bytes, byte b) {
        int i = bytes.length - 1;
        while (bytes[i] != b) {
            i--;
        }
        return i;
    }

    private static @Nullable JsonNode oracleTree(byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            if (text.startsWith("\uFEFF")) {
                return null; // Jackson skips a byte order mark; JSON text has none
            }
            // the bytes, not the text: Jackson 3.1's character-based parser takes U+xx36 as the hex digit '6' in a
            // \\u escape (it masks the char to 8 bits); its byte-based one does not
            return JACKSON.readTree(bytes);
        }
        catch (CharacterCodingException | JacksonException ex) {
            return null;
        }
    }

    /** Whether the oracle can read {@code bytes} at all: its BigDecimal parser refuses exponents beyond an int. */
    private static boolean oracleCanTell(byte[] bytes) {
        try {
            oracleTree(bytes);
            return true;
        }
        catch (NumberFormatException ex) {
            return false;
        }
    }

    /** Whether the oracle accepts the order. */
    private static boolean oracleAccepts(byte[] bytes) {
        JsonNode order = oracleTree(bytes);
        if (order == null || !order.isObject() || hasUnpairedSurrogate(order)) {
            return false;
        }
        JsonNode id = order.get("id");
        JsonNode qty = order.get("qty");
        return id != null && id.isNumber() && qty != null && qty.isNumber()
                && qty.decimalValue().signum() > 0;
    }

    /** Whether a name or string anywhere in {@code tree} holds an unpaired surrogate (a {@code \\uD800} escape). */
    private static boolean hasUnpairedSurrogate(JsonNode tree) {
        java.util.ArrayDeque<JsonNode> pending = new java.util.ArrayDeque<>(java.util.List.of(tree));
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            if (node.isString() && unpaired(node.asString())) {
                return true;
            }
            for (var property : node.properties()) {
                if (unpaired(property.getKey())) {
                    return true;
                }
            }
            node.values().forEach(pending::push);
        }
        return false;
    }

    private static boolean unpaired(String text) {
        return text.codePoints().anyMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE);
    }

    // ---- random input

    @Test
    void randomBytesNeverThrowAndAreRejectedUnchanged() {
        Random random = new Random(SEED);
        byte[] alphabet = utf8("{}[]\":,. -+0123456789eEtrufalsn\\/bu\t\n\r idqty");
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = new byte[random.nextInt(48)];
            for (int k = 0; k < input.length; k++) {
                input[k] = random.nextInt(4) == 0 ? (byte) random.nextInt(256)
                        : alphabet[random.nextInt(alphabet.length)];
            }
            String context = "seed " + SEED + " iteration " + i + ": " + HexFormat.of().formatHex(input);
            OrderRules.Decision decision = decide(input, context);
            assertThat(decision.accepted()).as(context).isEqualTo(oracleAccepts(input));
        }
    }

    @Test
    void mutatedOrdersAreDecidedAsTheOracleDecides() {
        Random random = new Random(SEED);
        int accepted = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] order = new Generator(random, false).order(random.nextBoolean()).bytes;
            byte[] input = mutate(random, order);
            String context = "seed " + SEED + " iteration " + i + ": " + HexFormat.of().formatHex(input);
            OrderRules.Decision decision = decide(input, context);
            if (oracleCanTell(input)) {
                assertThat(decision.accepted()).as(context).isEqualTo(oracleAccepts(input));
            }
            accepted += decision.accepted() ? 1 : 0;
        }
        // the mutations leave both outcomes well represented, so the comparison above means something
        assertThat(accepted).isBetween(ITERATIONS / 50, ITERATIONS - ITERATIONS / 50);
    }

    /** One to three edits: byte flips, insertions (also of adversarial sequences), deletions, truncation. */
    private static byte[] mutate(Random random, byte[] order) {
        byte[][] inserts = {hex("c0af"), hex("e080af"), hex("eda080"), hex("f4908080"), hex("f5"), hex("ff"),
                hex("80"), hex("c3"), hex("e282"), hex("00"), hex("1b"), utf8("\\"), utf8("\""), utf8(","), utf8("}"),
                utf8("]"), utf8("-"), utf8("0"), utf8("e"), utf8("\\u00"), utf8("\\ud800"), utf8("é"), utf8("😀"),
                utf8("\"status\":1,"), utf8("\"qty\":-1,"), utf8("\"id\":2,"), utf8("[["), utf8("{\"a\":")};
        byte[] bytes = order;
        for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
            int at = random.nextInt(bytes.length + 1);
            switch (random.nextInt(5)) {
                case 0 -> {
                    if (at < bytes.length) {
                        bytes = bytes.clone();
                        bytes[at] = (byte) random.nextInt(256);
                    }
                }
                case 1, 2 -> bytes = concat(Arrays.copyOfRange(bytes, 0, at), inserts[random.nextInt(inserts.length)],
                        Arrays.copyOfRange(bytes, at, bytes.length));
                case 3 -> bytes = concat(Arrays.copyOfRange(bytes, 0, at),
                        Arrays.copyOfRange(bytes, Math.min(bytes.length, at + 1 + random.nextInt(3)), bytes.length));
                default -> bytes = Arrays.copyOfRange(bytes, 0, at);
            }
        }
        return bytes;
    }

    @Test
    void generatedValidOrdersComeBackByteForByteWithOnlyTheStatusValueReplaced() {
        Random random = new Random(SEED);
        for (int i = 0; i < ITERATIONS / 4; i++) {
            Generated order = new Generator(random, true).order(random.nextBoolean());
            String context = "seed " + SEED + " iteration " + i + ": " + new String(order.bytes, StandardCharsets.UTF_8);
            OrderRules.Decision decision = decide(order.bytes, context);
            assertThat(decision.accepted()).as(context + ": " + decision.reason()).isTrue();
            assertThat(decision.payload()).as(context).isEqualTo(order.expected);
        }
    }

    /** An order with its exact expected output. */
    private record Generated(byte[] bytes, byte[] expected) {
    }

    /** Random JSON: every whitespace, number form, escape and code point JSON allows, nested values, big numbers. */
    private static final class Generator {

        private final Random random;

        /** Whether numbers may have exponents beyond what a BigDecimal (so the oracle) can hold. */
        private final boolean extreme;

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Generator(Random random, boolean extreme) {
            this.random = random;
            this.extreme = extreme;
        }

        /** An order with id and qty > 0 (and sometimes a status) among other members, in random order. */
        Generated order(boolean withStatus) {
            int others = this.random.nextInt(4);
            int members = 2 + others + (withStatus ? 1 : 0);
            int idAt = this.random.nextInt(members);
            int qtyAt = (idAt + 1 + this.random.nextInt(members - 1)) % members;
            int statusAt = -1;
            if (withStatus) {
                do {
                    statusAt = this.random.nextInt(members);
                }
                while (statusAt == idAt || statusAt == qtyAt);
            }
            int statusStart = -1;
            int statusEnd = -1;
            whitespace();
            write("{");
            for (int m = 0; m < members; m++) {
                if (m > 0) {
                    write(",");
                }
                whitespace();
                write(m == idAt ? "\"id\"" : m == qtyAt ? oneOf("\"qty\"", "\"q\\u0074y\"")
                        : m == statusAt ? oneOf("\"status\"", "\"\\u0073tatus\"") : "\"other" + m + "\"");
                whitespace();
                write(":");
                whitespace();
                if (m == idAt) {
                    number(false);
                }
                else if (m == qtyAt) {
                    number(true);
                }
                else if (m == statusAt) {
                    statusStart = this.out.size();
                    value(0);
                    statusEnd = this.out.size();
                }
                else {
                    value(0);
                }
                whitespace();
            }
            write("}");
            whitespace();
            byte[] bytes = this.out.toByteArray();
            byte[] expected;
            if (statusStart >= 0) {
                expected = concat(Arrays.copyOfRange(bytes, 0, statusStart), utf8("\"ACCEPTED\""),
                        Arrays.copyOfRange(bytes, statusEnd, bytes.length));
            }
            else {
                int close = lastIndexOf(bytes, (byte) '}');
                expected = concat(Arrays.copyOfRange(bytes, 0, close), STATUS_FIELD,
                        Arrays.copyOfRange(bytes, close, bytes.length));
            }
            return new Generated(bytes, expected);
        }

        private void write(String text) {
            this.out.writeBytes(utf8(text));
        }

        private String oneOf(String... choices) {
            return choices[this.random.nextInt(choices.length)];
        }

        private void whitespace() {
            String[] spaces = {"", "", "", " ", "\n", "\t", "\r\n", "  \t "};
            this.out.writeBytes(utf8(spaces[this.random.nextInt(spaces.length)]));
        }

        /** A JSON number; {@code positive}: greater than 0 (and sometimes far longer than a double or long). */
        private void number(boolean positive) {
            StringBuilder number = new StringBuilder();
            if (!positive && this.random.nextBoolean()) {
                number.append('-');
            }
            int digits = this.random.nextInt(10) == 0 ? 1 + this.random.nextInt(3000) : 1 + this.random.nextInt(6);
            number.append((char) ('1' + this.random.nextInt(9)));
            for (int i = 1; i < digits; i++) {
                number.append((char) ('0' + this.random.nextInt(10)));
            }
            if (this.random.nextInt(3) == 0) {
                number.append('.').append("0".repeat(this.random.nextInt(30))).append(1 + this.random.nextInt(9));
            }
            if (this.random.nextInt(4) == 0) {
                number.append("eE".charAt(this.random.nextInt(2))).append(new String[] {"", "+", "-"}[this.random.nextInt(3)])
                        .append(this.extreme && this.random.nextInt(10) == 0 ? "99999999999999999999" : this.random.nextInt(400));
            }
            write(number.toString());
        }

        private void value(int depth) {
            int kind = depth > 6 ? this.random.nextInt(5) : this.random.nextInt(8);
            switch (kind) {
                case 0 -> write(new String[] {"true", "false", "null"}[this.random.nextInt(3)]);
                case 1 -> number(false);
                case 2 -> write(this.random.nextBoolean() ? "0" : "-0.0e-0");
                case 3, 4 -> string();
                case 5 -> {
                    write("[");
                    int count = this.random.nextInt(4);
                    for (int i = 0; i < count; i++) {
                        whitespace();
                        if (i > 0) {
                            write(",");
                        }
                        value(depth + 1);
                    }
                    whitespace();
                    write("]");
                }
                case 6 -> {
                    write("{");
                    int count = this.random.nextInt(4);
                    for (int i = 0; i < count; i++) {
                        if (i > 0) {
                            write(",");
                        }
                        whitespace();
                        write("\"k" + i + "\":");
                        value(depth + 1);
                    }
                    write("}");
                }
                default -> {
                    // deep enough to leave any recursive parser's comfort zone, shallow enough for the oracle:
                    // Jackson's JsonNode.equals recurses and overflowed a test thread's stack at ~2000 levels under
                    // load (the million-level case is anyNestingDepthIsDecidedWithoutRecursion, without the oracle)
                    int deep = 1 + this.random.nextInt(300);
                    write("[".repeat(deep) + "{\"id\":-1}" + "]".repeat(deep));
                }
            }
        }

        /** A string of random code points (any plane, no surrogates), raw or escaped as JSON allows. */
        private void string() {
            StringBuilder text = new StringBuilder("\"");
            int length = this.random.nextInt(12);
            for (int i = 0; i < length; i++) {
                int codePoint;
                switch (this.random.nextInt(6)) {
                    case 0 -> codePoint = this.random.nextInt(0x80);
                    case 1 -> codePoint = 0x80 + this.random.nextInt(0x800 - 0x80);
                    case 2 -> {
                        codePoint = 0x800 + this.random.nextInt(0x10000 - 0x800);
                        if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
                            codePoint = 0xfffd;
                        }
                    }
                    case 3 -> codePoint = 0x10000 + this.random.nextInt(0x110000 - 0x10000);
                    case 4 -> codePoint = new int[] {0x10ffff, 0xffff, 0xd7ff, 0xe000, 0x7f, 0x80, 0x7ff, 0x800}
                            [this.random.nextInt(8)];
                    default -> {
                        text.append(new String[] {"\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0000",
                                "\\uD83D\\uDE00", "\\udbff\\udfff", "\\u00E9"}[this.random.nextInt(12)]);
                        continue;
                    }
                }
                if (codePoint < 0x20 || codePoint == '"' || codePoint == '\\') {
                    text.append(String.format("\\u%04x", codePoint));
                }
                else {
                    text.appendCodePoint(codePoint);
                }
            }
            write(text.append('"').toString());
        }
    }

    // ---- adversarial input

    @Test
    void numbersOfAnySizeAreDecidedByTheirDigits() {
        String nines = "9".repeat(999);
        assertThat(decide(utf8("{\"id\":18,\"qty\":" + nines + "}"), "999 nines").accepted()).isTrue();
        assertThat(decide(utf8("{\"id\":" + nines + ",\"qty\":1}"), "999 nines id").accepted()).isTrue();
        assertThat(decide(utf8("{\"id\":1,\"qty\":-" + "9".repeat(1_000_000) + "}"), "a million digits").reason())
                .isEqualTo("qty must be greater than 0");
        assertThat(decide(utf8("{\"id\":1,\"qty\":1e-99999999999999999999}"), "tiny").accepted()).isTrue();
        assertThat(decide(utf8("{\"id\":1,\"qty\":1e99999999999999999999}"), "huge").accepted()).isTrue();
        assertThat(decide(utf8("{\"id\":1,\"qty\":0.000000000000000000000000001}"), "small").accepted()).isTrue();
        assertThat(decide(utf8("{\"id\":1,\"qty\":0.0e5}"), "zero").accepted()).isFalse();
        assertThat(decide(utf8("{\"id\":1,\"qty\":-0}"), "minus zero").accepted()).isFalse();
        assertThat(decide(utf8("{\"id\":1,\"qty\":" + "0".repeat(500) + "}"), "leading zeros").accepted()).isFalse();
        assertThat(decide(utf8("{\"id\":1,\"qty\":1.}"), "no fraction digits").accepted()).isFalse();
        assertThat(decide(utf8("{\"id\":1,\"qty\":+1}"), "plus sign").accepted()).isFalse();
        assertThat(decide(utf8("{\"id\":1,\"qty\":1e}"), "no exponent digits").accepted()).isFalse();
    }

    @Test
    void anyNestingDepthIsDecidedWithoutRecursion() {
        // straight to the rules: the oracle would take a minute over a million levels
        int depth = 1_000_000;
        byte[] deep = utf8("{\"id\":1,\"qty\":2,\"x\":" + "[{\"a\":".repeat(depth) + "1" + "}]".repeat(depth) + "}");
        OrderRules.Decision accepted = this.rules.decide(deep);
        assertThat(accepted.accepted()).isTrue();
        assertThat(accepted.payload()).isEqualTo(concat(Arrays.copyOf(deep, deep.length - 1), STATUS_FIELD, utf8("}")));
        assertThat(this.rules.decide(utf8("[".repeat(depth))).reason()).isEqualTo("not JSON: unexpected end of input");
        assertThat(this.rules.decide(utf8("{\"a\":".repeat(depth))).reason()).isEqualTo("not JSON: unexpected end of input");
        assertThat(this.rules.decide(utf8("[".repeat(depth) + "]".repeat(depth))).reason()).isEqualTo("not a JSON object");
        byte[] mismatched = utf8("{\"id\":1,\"qty\":2,\"x\":" + "[".repeat(depth) + "]".repeat(depth - 1) + "}");
        assertThat(this.rules.decide(mismatched).reason()).startsWith("not JSON: unexpected '}'");
    }

    /** Each is malformed UTF-8 (Unicode table 3-7), which Java's {@code new String} would silently replace. */
    @ParameterizedTest
    @ValueSource(strings = {"c0af", "c1bf", "e080af", "e09fbf", "eda080", "edbfbf", "f08fbfbf", "f4908080", "f5808080",
            "f8888080af", "fe", "ff", "80", "bf", "c2", "e282", "f09f98", "c220", "e28220", "f09f9820", "eda0bdedb880"})
    void malformedUtf8AnywhereIsRejectedUnchanged(String sequence) {
        for (String order : new String[] {"{\"id\":1,\"qty\":2,\"note\":\"%s\"}", "{\"id\":1,\"qty\":2,\"%s\":0}",
                "{\"id\":1,\"qty\":2}%s", "%s{\"id\":1,\"qty\":2}", "{\"id\":1,\"qty\":2,\"status\":\"%s\"}"}) {
            String[] parts = order.split("%s", -1);
            byte[] input = concat(utf8(parts[0]), hex(sequence), utf8(parts[1]));
            OrderRules.Decision decision = decide(input, sequence + " in " + order);
            assertThat(decision.accepted()).as(order).isFalse();
            assertThat(decision.reason()).as(order).startsWith("not JSON: malformed UTF-8 at byte " + parts[0].length());
        }
    }

    /** The boundaries of table 3-7, each well-formed. */
    @ParameterizedTest
    @ValueSource(strings = {"7f", "c280", "dfbf", "e0a080", "e0bfbf", "e18080", "ec bfbf", "ed8080", "ed9fbf", "ee8080",
            "efbfbf", "f0908080", "f0bfbfbf", "f1808080", "f3bfbfbf", "f4808080", "f48fbfbf"})
    void wellFormedUtf8AtEveryBoundaryIsAccepted(String sequence) {
        byte[] input = concat(utf8("{\"id\":1,\"qty\":2,\"note\":\""), hex(sequence.replace(" ", "")), utf8("\"}"));
        assertThat(decide(input, sequence).accepted()).as(sequence).isTrue();
    }

    @Test
    void anExistingStatusIsReplacedAndEveryOtherByteKept() {
        String before = "{ \"qty\" : 1.00000000000000000001, \"status\" :  ";
        String after = " ,\"id\":1E+2, \"x\":[\"\\u00e9\",{\"status\":\"NEW\"}]}\n";
        for (String status : new String[] {"\"NEW\"", "null", "{\"a\":[1,{\"b\":\"}\"}]}", "[]", "-0.5e-3",
                "\"ACCEPTED\"", "\"\\\"}\"", "true"}) {
            OrderRules.Decision decision = decide(utf8(before + status + after), status);
            assertThat(decision.accepted()).isTrue();
            assertThat(new String(decision.payload(), StandardCharsets.UTF_8)).isEqualTo(before + "\"ACCEPTED\"" + after);
        }
    }

    @Test
    void escapesMustBeWholeCodePoints() {
        for (String escape : new String[] {"\\ud800", "\\udc00", "\\ud800x", "\\ud800\\n", "\\ud800\\u0041",
                "\\ud800\\ud800", "\\udfff\\ud800", "\\u12", "\\u12g4", "\\x41", "\\U0041", "\\u"}) {
            for (String order : new String[] {"{\"id\":1,\"qty\":2,\"n\":\"%s\"}", "{\"id\":1,\"qty\":2,\"%s\":3}"}) {
                String input = order.replace("%s", escape);
                assertThat(decide(utf8(input), input).accepted()).as(input).isFalse();
            }
        }
        String pairs = "{\"id\":1,\"qty\":2,\"n\":\"\\ud83d\\ude00\\uDBFF\\uDFFF\\u0000\\uffff\"}";
        assertThat(decide(utf8(pairs), pairs).accepted()).isTrue();
    }

    @Test
    void duplicateNamesAtAnyDepthAreRejected() {
        assertThat(decide(utf8("{\"id\":1,\"qty\":1,\"status\":\"A\",\"status\":\"B\"}"), "two statuses").reason())
                .isEqualTo("not JSON: duplicate name \"status\"");
        assertThat(decide(utf8("{\"id\":1,\"qty\":1,\"q\\u0074y\":-1}"), "escaped duplicate").accepted()).isFalse();
        assertThat(decide(utf8("{\"id\":1,\"qty\":1,\"x\":{\"a\":1,\"b\":{},\"a\":2}}"), "nested").accepted()).isFalse();
        assertThat(decide(utf8("{\"id\":1,\"qty\":1,\"x\":{\"a\":1,\"b\":{\"a\":2}},\"y\":{\"a\":3}}"), "same names "
                + "in different objects").accepted()).isTrue();
    }
}
