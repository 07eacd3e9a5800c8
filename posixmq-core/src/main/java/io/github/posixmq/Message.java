package io.github.posixmq;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A received message: its priority and a copy of its bytes. The allocation-free alternative is
 * {@link PosixMq#receive(java.nio.ByteBuffer)}.
 *
 * @param priority the priority it was sent with (0 is lowest)
 * @param bytes the message bytes
 */
public record Message(int priority, byte[] bytes) {

    /** Validates the priority and keeps the array as given. */
    public Message {
        if (priority < 0) {
            throw new IllegalArgumentException("priority must be >= 0, got " + priority);
        }
        Objects.requireNonNull(bytes, "bytes");
    }

    /** The bytes decoded as UTF-8. */
    public String utf8() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Message that && priority == that.priority && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * priority + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Message[priority=" + priority + ", " + bytes.length + " bytes]";
    }
}
