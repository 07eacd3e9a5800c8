package io.github.posixmq;

import java.nio.charset.StandardCharsets;

/**
 * Queue name rules, checked in Java before any system call: a missing leading {@code /} is added; empty names,
 * {@code /}, {@code /.}, {@code /..}, names with another {@code /}, a NUL byte or an unpaired surrogate (which UTF-8
 * cannot encode), and names longer than {@value #NAME_MAX} bytes after the slash are rejected with an
 * {@link IllegalArgumentException}.
 */
public final class QueueNames {

    /** Longest name in bytes, not counting the leading slash ({@code NAME_MAX}). */
    public static final int NAME_MAX = 255;

    private QueueNames() {
    }

    /** The normalized name ({@code "orders"} becomes {@code "/orders"}); throws if it is invalid. */
    public static String normalize(String name) {
        if (name == null) {
            throw new IllegalArgumentException("queue name must not be null");
        }
        String full = name.startsWith("/") ? name : "/" + name;
        String bare = full.substring(1);
        if (bare.isEmpty()) {
            throw new IllegalArgumentException("queue name must not be empty (got \"" + name + "\")");
        }
        if (bare.equals(".") || bare.equals("..")) {
            throw new IllegalArgumentException("queue name \"" + name + "\" is reserved: choose a name other than . or ..");
        }
        if (bare.indexOf('/') >= 0) {
            throw new IllegalArgumentException("queue name \"" + name
                    + "\" contains a '/' after the leading one; POSIX queue names are a single component like /orders");
        }
        if (bare.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("queue name \"" + name.replace("\0", "\\0") + "\" contains a NUL byte");
        }
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(bare)) {
            // getBytes would replace it with '?', silently naming another queue
            throw new IllegalArgumentException("queue name \"" + name + "\" contains an unpaired surrogate, which UTF-8 "
                    + "cannot encode; pass a well-formed string");
        }
        int bytes = bare.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > NAME_MAX) {
            throw new IllegalArgumentException("queue name is " + bytes + " bytes long after the leading '/'; the limit is "
                    + NAME_MAX + " bytes (NAME_MAX)");
        }
        return full;
    }

    /** Whether {@link #normalize(String)} accepts the name. */
    public static boolean isValid(String name) {
        try {
            normalize(name);
            return true;
        }
        catch (IllegalArgumentException ex) {
            return false;
        }
    }

    static byte[] cString(String normalized) {
        byte[] utf8 = normalized.getBytes(StandardCharsets.UTF_8);
        byte[] c = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, c, 0, utf8.length);
        return c;
    }
}
