package io.github.posixmq.samples.orders;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The order pipeline's rules. An order is valid when it is one UTF-8 JSON object (RFC 8259, every byte sequence
 * well-formed UTF-8, no {@code \\u} escape of an unpaired surrogate, no duplicate names at any depth) with a numeric {@code id} and a numeric {@code qty} greater
 * than 0. A valid order is accepted: its bytes are kept exactly, with {@code ,"status":"ACCEPTED"} added before the
 * closing brace, or, when it already has a {@code status}, that value's bytes replaced by {@code "ACCEPTED"}.
 * Anything else is rejected unchanged.
 *
 * <p>{@link #decide} never throws: numbers of any length (compared with 0 by their digits, never converted), any
 * nesting depth (parsed without recursion) and any bytes give a decision. Thread-safe.
 */
public final class OrderRules {

    /** The field the pipeline adds to accepted orders. */
    public static final String STATUS = "status";

    /** The value of {@value #STATUS} in accepted orders. */
    public static final String ACCEPTED = "ACCEPTED";

    private static final byte[] STATUS_FIELD = (",\"" + STATUS + "\":\"" + ACCEPTED + "\"")
            .getBytes(StandardCharsets.UTF_8);

    private static final byte[] STATUS_VALUE = ("\"" + ACCEPTED + "\"").getBytes(StandardCharsets.UTF_8);

    /**
     * What to do with one order.
     *
     * @param accepted whether it goes to the processed queue (else to the rejected queue)
     * @param payload the bytes to send: the accepted JSON, or the original bytes of a rejected order
     * @param reason why it was rejected, or {@code "accepted"}
     * @param id the text of an accepted order's numeric {@code id}, or null for a rejected order
     */
    public record Decision(boolean accepted, byte[] payload, String reason, @Nullable String id) {
    }

    /** Decides what happens to the order {@code bytes}; never throws. */
    public Decision decide(byte[] bytes) {
        int malformed = malformedUtf8(bytes);
        if (malformed >= 0) {
            return reject(bytes, "not JSON: malformed UTF-8 at byte " + malformed);
        }
        Scan scan = new Scan(bytes);
        String error = scan.run();
        if (error != null) {
            return reject(bytes, "not JSON: " + error);
        }
        if (scan.closingBrace < 0) {
            return reject(bytes, "not a JSON object");
        }
        String problem = problem(bytes, scan);
        if (problem != null) {
            return reject(bytes, problem);
        }
        return new Decision(true, withStatus(bytes, scan), "accepted", numberAt(bytes, scan.idStart));
    }

    private static String problem(byte[] bytes, Scan scan) {
        if (scan.idStart < 0) {
            return "no id";
        }
        if (!isNumber(bytes[scan.idStart])) {
            return "id is not a number";
        }
        if (scan.qtyStart < 0) {
            return "no qty";
        }
        if (!isNumber(bytes[scan.qtyStart])) {
            return "qty is not a number";
        }
        if (!isPositive(bytes, scan.qtyStart)) {
            return "qty must be greater than 0";
        }
        return null;
    }

    private static boolean isNumber(byte first) {
        return first == '-' || (first >= '0' && first <= '9');
    }

    /** A valid JSON number is greater than 0 when it has no minus sign and a digit other than 0 before its exponent. */
    private static boolean isPositive(byte[] bytes, int start) {
        if (bytes[start] == '-') {
            return false;
        }
        for (int i = start; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b >= '1' && b <= '9') {
                return true;
            }
            if (b != '0' && b != '.') {
                return false;
            }
        }
        return false;
    }

    /** The original bytes with the status set, so every other byte stays as it was. */
    private static byte[] withStatus(byte[] bytes, Scan scan) {
        if (scan.statusStart >= 0) {
            return splice(bytes, scan.statusStart, scan.statusEnd, STATUS_VALUE);
        }
        return splice(bytes, scan.closingBrace, scan.closingBrace, STATUS_FIELD);
    }

    /** {@code bytes} with {@code [from, to)} replaced by {@code insert}. */
    private static byte[] splice(byte[] bytes, int from, int to, byte[] insert) {
        byte[] result = Arrays.copyOf(bytes, bytes.length - (to - from) + insert.length);
        System.arraycopy(insert, 0, result, from, insert.length);
        System.arraycopy(bytes, to, result, from + insert.length, bytes.length - to);
        return result;
    }

    /** The JSON number starting at {@code start} (digits, sign, fraction and exponent characters), as ASCII text. */
    private static String numberAt(byte[] bytes, int start) {
        int end = start;
        while (end < bytes.length && (isNumber(bytes[end]) || bytes[end] == '.' || bytes[end] == 'e'
                || bytes[end] == 'E' || bytes[end] == '+')) {
            end++;
        }
        return new String(bytes, start, end - start, StandardCharsets.US_ASCII);
    }

    private static Decision reject(byte[] bytes, String reason) {
        return new Decision(false, bytes, reason, null);
    }

    /**
     * The index of the first byte that does not start or continue a well-formed UTF-8 sequence (Unicode table 3-7:
     * no overlong forms, no surrogates, nothing above U+10FFFF, no truncated sequence), or -1 when all are well-formed.
     */
    static int malformedUtf8(byte[] bytes) {
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xff;
            if (b < 0x80) {
                i++;
                continue;
            }
            int length;
            int low = 0x80;
            int high = 0xbf;
            if (b >= 0xc2 && b <= 0xdf) {
                length = 2;
            }
            else if (b >= 0xe0 && b <= 0xef) {
                length = 3;
                low = b == 0xe0 ? 0xa0 : 0x80;
                high = b == 0xed ? 0x9f : 0xbf;
            }
            else if (b >= 0xf0 && b <= 0xf4) {
                length = 4;
                low = b == 0xf0 ? 0x90 : 0x80;
                high = b == 0xf4 ? 0x8f : 0xbf;
            }
            else {
                return i;
            }
            for (int k = 1; k < length; k++) {
                if (i + k >= bytes.length) {
                    return i;
                }
                int c = bytes[i + k] & 0xff;
                if (c < (k == 1 ? low : 0x80) || c > (k == 1 ? high : 0xbf)) {
                    return i;
                }
            }
            i += length;
        }
        return -1;
    }

    /**
     * One pass over well-formed UTF-8 that checks the JSON grammar without recursion (an explicit stack, so any depth
     * is fine) and notes where the top-level object's {@code id}, {@code qty} and {@code status} values are.
     */
    private static final class Scan {

        /** Up to this many names an object's duplicate check compares bytes in place, without a set of Strings. */
        private static final int RAW_NAME_CHECK = 16;

        private static final byte[] ID_NAME = "id".getBytes(StandardCharsets.US_ASCII);

        private static final byte[] QTY_NAME = "qty".getBytes(StandardCharsets.US_ASCII);

        private static final byte[] STATUS_NAME = STATUS.getBytes(StandardCharsets.US_ASCII);

        private final byte[] bytes;

        private int pos;

        /** One bit per open container, set for an object. */
        private long[] objects = new long[1];

        private int depth;

        /** Start and end of each name of the open objects, innermost last, for the duplicate check. */
        private int[] names = new int[16];

        private int nameCount;

        /** Per open object, innermost last: where its names start in {@link #names}. */
        private int[] nameBases = new int[8];

        private int objectDepth;

        /** The top-level member whose value is being read: 0 none, 1 id, 2 qty, 3 status. */
        private int member;

        private int valueStart;

        /** The first byte after the opening quote of the last string read. */
        private int nameStart;

        int idStart = -1;

        int qtyStart = -1;

        int statusStart = -1;

        int statusEnd = -1;

        /** The top-level object's closing brace, or -1 when the value is not an object. */
        int closingBrace = -1;

        Scan(byte[] bytes) {
            this.bytes = bytes;
        }

        /** Checks the whole input; null when it is one JSON value, else what is wrong. */
        String run() {
            skipWhitespace();
            if (this.pos == this.bytes.length) {
                return "no JSON value";
            }
            boolean topLevelObject = this.bytes[this.pos] == '{';
            while (true) {
                // a value starts here
                String error = value();
                if (error != null) {
                    return error;
                }
                // a value ended: close containers until one needs another element
                while (true) {
                    if (this.depth == 1 && this.member != 0) {
                        memberValueEnded();
                    }
                    if (this.depth == 0) {
                        skipWhitespace();
                        if (this.pos != this.bytes.length) {
                            return unexpected("after the JSON value");
                        }
                        if (topLevelObject) {
                            this.closingBrace = lastClosingBrace();
                        }
                        return null;
                    }
                    skipWhitespace();
                    if (this.pos == this.bytes.length) {
                        return "unexpected end of input";
                    }
                    byte b = this.bytes[this.pos++];
                    boolean object = isObject(this.depth - 1);
                    if (b == ',') {
                        if (object) {
                            error = name();
                            if (error != null) {
                                return error;
                            }
                        }
                        break;
                    }
                    if (b == (object ? '}' : ']')) {
                        error = close();
                        if (error != null) {
                            return error;
                        }
                        continue;
                    }
                    this.pos--;
                    return unexpected(object ? "in an object, expected ',' or '}'" : "in an array, expected ',' or ']'");
                }
            }
        }

        /** Reads one value, or opens a container and reads up to its first element's start; null when fine. */
        private String value() {
            while (true) {
                skipWhitespace();
                if (this.pos == this.bytes.length) {
                    return "unexpected end of input";
                }
                byte b = this.bytes[this.pos];
                if (b == '{' || b == '[') {
                    boolean object = b == '{';
                    this.pos++;
                    push(object);
                    skipWhitespace();
                    if (this.pos < this.bytes.length && this.bytes[this.pos] == (object ? '}' : ']')) {
                        this.pos++;
                        return close();
                    }
                    if (object) {
                        String error = name();
                        if (error != null) {
                            return error;
                        }
                    }
                    continue;
                }
                if (b == '"') {
                    return string();
                }
                if (b == '-' || (b >= '0' && b <= '9')) {
                    return number();
                }
                if (literal("true") || literal("false") || literal("null")) {
                    return null;
                }
                return unexpected("where a value should start");
            }
        }

        /** Reads {@code "name" :} in the innermost object and notes the name; null when fine. */
        private String name() {
            skipWhitespace();
            if (this.pos == this.bytes.length || this.bytes[this.pos] != '"') {
                return this.pos == this.bytes.length ? "unexpected end of input" : unexpected("where a name should start");
            }
            String error = string();
            if (error != null) {
                return error;
            }
            int start = this.nameStart;
            int end = this.pos - 1;
            if (this.nameCount + 2 > this.names.length) {
                this.names = Arrays.copyOf(this.names, this.names.length * 2);
            }
            this.names[this.nameCount++] = start;
            this.names[this.nameCount++] = end;
            skipWhitespace();
            if (this.pos == this.bytes.length || this.bytes[this.pos] != ':') {
                return this.pos == this.bytes.length ? "unexpected end of input" : unexpected("expected ':'");
            }
            this.pos++;
            if (this.depth == 1) {
                this.member = hasEscape(start, end) ? switch (text(start, end)) {
                    case "id" -> 1;
                    case "qty" -> 2;
                    case STATUS -> 3;
                    default -> 0;
                } : rawMember(start, end);
                skipWhitespace();
                this.valueStart = this.pos;
            }
            return null;
        }

        private void memberValueEnded() {
            switch (this.member) {
                case 1 -> this.idStart = this.valueStart;
                case 2 -> this.qtyStart = this.valueStart;
                default -> {
                    this.statusStart = this.valueStart;
                    this.statusEnd = this.pos;
                }
            }
            this.member = 0;
        }

        private void push(boolean object) {
            int word = this.depth >>> 6;
            if (word == this.objects.length) {
                this.objects = Arrays.copyOf(this.objects, word * 2);
            }
            if (object) {
                this.objects[word] |= 1L << this.depth;
                if (this.objectDepth == this.nameBases.length) {
                    this.nameBases = Arrays.copyOf(this.nameBases, this.objectDepth * 2);
                }
                this.nameBases[this.objectDepth++] = this.nameCount;
            }
            else {
                this.objects[word] &= ~(1L << this.depth);
            }
            this.depth++;
        }

        private boolean isObject(int level) {
            return (this.objects[level >>> 6] & (1L << level)) != 0;
        }

        /** Closes the innermost container; an object must not repeat a name. */
        private String close() {
            this.depth--;
            if (!isObject(this.depth)) {
                return null;
            }
            int base = this.nameBases[--this.objectDepth];
            int entries = this.nameCount - base; // two per name: start and end
            String error = null;
            if (entries > 2) {
                // few names without escapes: equal text is equal bytes (well-formed UTF-8), compared in place
                boolean raw = entries <= 2 * RAW_NAME_CHECK && !anyEscape(base);
                error = raw ? rawDuplicate(base) : decodedDuplicate(base);
            }
            this.nameCount = base;
            return error;
        }

        /** The error for the first name (from {@code base}) whose decoded text equals an earlier one's, or null. */
        private String decodedDuplicate(int base) {
            Set<String> seen = new HashSet<>();
            for (int i = base; i < this.nameCount; i += 2) {
                String name = text(this.names[i], this.names[i + 1]);
                if (!seen.add(name)) {
                    return "duplicate name \"" + name + "\"";
                }
            }
            return null;
        }

        /** The member a top-level name without escapes is: 0 none, 1 id, 2 qty, 3 status. */
        private int rawMember(int start, int end) {
            if (isRaw(start, end, ID_NAME)) {
                return 1;
            }
            if (isRaw(start, end, QTY_NAME)) {
                return 2;
            }
            return isRaw(start, end, STATUS_NAME) ? 3 : 0;
        }

        private boolean isRaw(int start, int end, byte[] name) {
            return Arrays.equals(this.bytes, start, end, name, 0, name.length);
        }

        private boolean hasEscape(int start, int end) {
            for (int i = start; i < end; i++) {
                if (this.bytes[i] == '\\') {
                    return true;
                }
            }
            return false;
        }

        /** Whether a name of the innermost object, from {@code base} in {@link #names}, has an escape. */
        private boolean anyEscape(int base) {
            for (int i = base; i < this.nameCount; i += 2) {
                if (hasEscape(this.names[i], this.names[i + 1])) {
                    return true;
                }
            }
            return false;
        }

        /** The error for the first name (from {@code base}, none with escapes) equal to an earlier one, or null. */
        private String rawDuplicate(int base) {
            for (int i = base + 2; i < this.nameCount; i += 2) {
                for (int j = base; j < i; j += 2) {
                    if (Arrays.equals(this.bytes, this.names[i], this.names[i + 1], this.bytes, this.names[j],
                            this.names[j + 1])) {
                        return "duplicate name \"" + text(this.names[i], this.names[i + 1]) + "\"";
                    }
                }
            }
            return null;
        }

        /** The text of the string content {@code [start, end)}, escapes decoded. */
        private String text(int start, int end) {
            if (!hasEscape(start, end)) {
                return new String(this.bytes, start, end - start, StandardCharsets.UTF_8);
            }
            StringBuilder text = new StringBuilder(end - start);
            int from = start;
            for (int i = start; i < end; i++) {
                if (this.bytes[i] != '\\') {
                    continue;
                }
                text.append(new String(this.bytes, from, i - from, StandardCharsets.UTF_8));
                byte escape = this.bytes[++i];
                switch (escape) {
                    case 'b' -> text.append('\b');
                    case 'f' -> text.append('\f');
                    case 'n' -> text.append('\n');
                    case 'r' -> text.append('\r');
                    case 't' -> text.append('\t');
                    case 'u' -> {
                        text.append((char) Integer.parseInt(new String(this.bytes, i + 1, 4, StandardCharsets.US_ASCII), 16));
                        i += 4;
                    }
                    default -> text.append((char) escape);
                }
                from = i + 1;
            }
            return text.append(new String(this.bytes, from, end - from, StandardCharsets.UTF_8)).toString();
        }

        /** Reads a string starting at its opening quote; null when fine. */
        private String string() {
            int start = this.pos++;
            this.nameStart = this.pos;
            while (this.pos < this.bytes.length) {
                byte b = this.bytes[this.pos];
                if (b == '"') {
                    this.pos++;
                    return null;
                }
                if (b >= 0 && b < 0x20) {
                    return unexpected("in a string (control characters must be escaped)");
                }
                if (b == '\\') {
                    if (this.pos + 1 == this.bytes.length) {
                        break;
                    }
                    byte escape = this.bytes[this.pos + 1];
                    if (escape == 'u') {
                        int escaped = this.pos;
                        int unit = hexEscape();
                        if (unit < 0) {
                            return unit == -1 ? "unexpected end of input in a string starting at byte " + start
                                    : unexpected("in a \\u escape");
                        }
                        if (Character.isLowSurrogate((char) unit)) {
                            return "unpaired surrogate \\u" + Integer.toHexString(unit) + " at byte " + escaped;
                        }
                        if (Character.isHighSurrogate((char) unit)) {
                            int low = this.pos + 1 < this.bytes.length && this.bytes[this.pos] == '\\'
                                    && this.bytes[this.pos + 1] == 'u' ? hexEscape() : -3;
                            if (low < 0 || !Character.isLowSurrogate((char) low)) {
                                return "unpaired surrogate \\u" + Integer.toHexString(unit) + " at byte " + escaped;
                            }
                        }
                        continue;
                    }
                    if ("\"\\/bfnrt".indexOf(escape) < 0) {
                        this.pos++;
                        return unexpected("after a backslash");
                    }
                    this.pos += 2;
                    continue;
                }
                this.pos++;
            }
            return "unexpected end of input in a string starting at byte " + start;
        }

        /**
         * Reads the {@code \\uXXXX} escape at {@link #pos}: its UTF-16 code unit, -1 at the end of input, -2 (at the
         * offending byte) when a hex digit is missing.
         */
        private int hexEscape() {
            int unit = 0;
            for (int k = 2; k < 6; k++) {
                if (this.pos + k == this.bytes.length) {
                    return -1;
                }
                int digit = Character.digit(this.bytes[this.pos + k], 16);
                if (digit < 0) {
                    this.pos += k;
                    return -2;
                }
                unit = unit * 16 + digit;
            }
            this.pos += 6;
            return unit;
        }

        /** Reads {@code -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?}, of any length; null when fine. */
        private String number() {
            if (this.bytes[this.pos] == '-') {
                this.pos++;
            }
            if (this.pos < this.bytes.length && this.bytes[this.pos] == '0') {
                this.pos++;
            }
            else if (digits() == 0) {
                return numberError();
            }
            if (this.pos < this.bytes.length && this.bytes[this.pos] == '.') {
                this.pos++;
                if (digits() == 0) {
                    return numberError();
                }
            }
            if (this.pos < this.bytes.length && (this.bytes[this.pos] == 'e' || this.bytes[this.pos] == 'E')) {
                this.pos++;
                if (this.pos < this.bytes.length && (this.bytes[this.pos] == '+' || this.bytes[this.pos] == '-')) {
                    this.pos++;
                }
                if (digits() == 0) {
                    return numberError();
                }
            }
            return null;
        }

        private int digits() {
            int start = this.pos;
            while (this.pos < this.bytes.length && this.bytes[this.pos] >= '0' && this.bytes[this.pos] <= '9') {
                this.pos++;
            }
            return this.pos - start;
        }

        private String numberError() {
            return this.pos == this.bytes.length ? "unexpected end of input in a number" : unexpected("in a number");
        }

        private boolean literal(String word) {
            int length = word.length();
            if (this.pos + length > this.bytes.length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (this.bytes[this.pos + i] != word.charAt(i)) {
                    return false;
                }
            }
            this.pos += length;
            return true;
        }

        private void skipWhitespace() {
            while (this.pos < this.bytes.length) {
                byte b = this.bytes[this.pos];
                if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                    return;
                }
                this.pos++;
            }
        }

        private int lastClosingBrace() {
            int close = this.bytes.length - 1;
            while (this.bytes[close] != '}') {
                close--;
            }
            return close;
        }

        private String unexpected(String where) {
            int b = this.bytes[this.pos] & 0xff;
            String shown = b >= 0x21 && b < 0x7f ? "'" + (char) b + "'" : String.format("0x%02x", b);
            return "unexpected " + shown + " at byte " + this.pos + " " + where;
        }
    }
}
