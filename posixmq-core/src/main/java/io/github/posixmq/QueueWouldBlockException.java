package io.github.posixmq;

import org.jspecify.annotations.Nullable;

/** A blocking operation was called on a queue in non-blocking mode and the queue was full or empty ({@code EAGAIN}). */
public class QueueWouldBlockException extends PosixMqException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code errno} is 0 when detected before any system call. */
    public QueueWouldBlockException(String message, int errno, @Nullable String queueName) {
        super(message, errno, queueName);
    }
}
