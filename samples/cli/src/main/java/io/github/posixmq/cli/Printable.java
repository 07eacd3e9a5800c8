package io.github.posixmq.cli;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Text safe for a terminal: bytes that are not well-formed UTF-8 and code points that do not print (C0 and C1 controls
 * such as ESC, CR and LF, DEL, format characters such as bidi overrides, line and paragraph separators, unassigned
 * code points) become {@code \xNN} per byte, {@code \n}, {@code \r} and {@code \t}; a backslash becomes
 * {@code \\}. So a name or message can neither move the cursor, hide text nor forge lines, and {@code printf '%b'}
 * turns the result back into the original bytes.
 */
final class Printable {

    private Printable() {
    }

    /** The escaped form of {@code text}'s UTF-8 bytes. */
    static String of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The escaped form of {@code bytes}. */
    static String of(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length + 8);
        // the JDK's decoder is strict (no overlong forms, surrogates or code points above U+10FFFF); REPORT, so
        // malformed bytes come back to be shown as they are instead of as U+FFFD
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer chars = CharBuffer.allocate(bytes.length);
        while (true) {
            CoderResult result = decoder.decode(in, chars, true);
            append(out, chars.flip());
            chars.clear();
            if (!result.isError()) {
                return out.toString();
            }
            for (int k = 0; k < result.length(); k++) {
                hex(out, in.get());
            }
        }
    }

    private static void append(StringBuilder out, CharSequence text) {
        text.codePoints().forEach(codePoint -> {
            switch (codePoint) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (printable(codePoint)) {
                        out.appendCodePoint(codePoint);
                    }
                    else {
                        for (byte b : Character.toString(codePoint).getBytes(StandardCharsets.UTF_8)) {
                            hex(out, b);
                        }
                    }
                }
            }
        });
    }

    private static boolean printable(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.UNASSIGNED, Character.SURROGATE -> false;
            default -> true;
        };
    }

    private static void hex(StringBuilder out, byte b) {
        out.append("\\x").append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
}
