package io.github.posixmq;

import io.github.posixmq.internal.Linux;
import org.jspecify.annotations.Nullable;

/**
 * A POSIX message queue operation failed. Carries the {@code errno} (0 when the problem was detected in Java before
 * any system call) and the queue name; the message says what to do about it.
 */
public class PosixMqException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The C errno, or 0 when the error was found in Java. */
    private final int errno;

    /** The queue involved, or null. */
    private final @Nullable String queueName;

    /** Creates an exception for {@code queueName} (may be null when no queue is involved). */
    public PosixMqException(String message, int errno, @Nullable String queueName) {
        super(message);
        this.errno = errno;
        this.queueName = queueName;
    }

    /** The C {@code errno}, or 0 when the error was found before any system call. */
    public int errno() {
        return errno;
    }

    /** The symbolic errno ({@code "EACCES"}), or {@code "none"} when {@link #errno()} is 0. */
    public String errnoName() {
        return errno == 0 ? "none" : Linux.errnoName(errno);
    }

    /** The queue name ({@code "/orders"}), or null when no queue is involved. */
    public @Nullable String queueName() {
        return queueName;
    }
}
