package io.github.posixmq.integration;

import java.util.Arrays;
import java.util.Base64;

import org.jspecify.annotations.Nullable;

/**
 * Text a peer controls (header names and values, payload previews, queue names) made safe for one log line: control
 * characters, line and paragraph separators and bidirectional overrides become visible escapes ({@code \n},
 * {@code \u001b}), a backslash is doubled, and long text is cut with the count of what was left out; bytes are
 * logged as base64, capped. A writer of a queue can therefore neither start a forged log line nor flood the log.
 */
public final class PosixMqLogText {

    /** Bytes of a message logged (base64) unless set otherwise: the first 1 KiB. */
    public static final int DEFAULT_LOGGED_BYTES = 1024;

    /** Characters of peer text logged before it is cut. */
    public static final int MAX_TEXT = 256;

    private PosixMqLogText() {
    }

    /** {@code text} escaped for a log line and cut after {@value #MAX_TEXT} characters; "null" for null. */
    public static String escape(@Nullable Object text) {
        return escape(text, MAX_TEXT);
    }

    /** {@code text} escaped for a log line and cut after {@code max} characters; "null" for null. */
    public static String escape(@Nullable Object text, int max) {
        String value = String.valueOf(text);
        StringBuilder out = new StringBuilder(Math.min(value.length(), max) + 16);
        int length = Math.min(value.length(), max);
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (needsEscape(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    }
                    else {
                        out.append(c);
                    }
                }
            }
        }
        if (value.length() > max) {
            out.append("...(").append(value.length() - max).append(" more chars)");
        }
        return out.toString();
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || c == '\u0085'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u200e'
                || c == '\u200f' || c == '\u061c' || c == '\ufeff';
    }

    /**
     * The first {@code maxBytes} of {@code bytes} as base64, with a note of how many were left out:
     * {@code "aGVsbG8="} or {@code "aGVs... (first 3 of 5 bytes)"}.
     */
    public static String base64(byte[] bytes, int maxBytes) {
        int shown = Math.max(0, Math.min(bytes.length, maxBytes));
        String encoded = Base64.getEncoder().encodeToString(shown == bytes.length ? bytes
                : Arrays.copyOf(bytes, shown));
        return shown == bytes.length ? encoded : encoded + " (first " + shown + " of " + bytes.length + " bytes)";
    }

    /**
     * {@code failure} as one escaped line for a log: its type and message and, when another exception caused it, the
     * type and message of the root cause. The stack trace belongs at DEBUG.
     */
    public static String cause(@Nullable Throwable failure) {
        if (failure == null) {
            return "null";
        }
        Throwable root = failure;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 32; depth++) {
            root = root.getCause();
        }
        String line = describe(failure);
        return root == failure ? line : line + "; root cause: " + describe(root);
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getName() + (message != null ? ": " + escape(message, 1000) : "");
    }
}
