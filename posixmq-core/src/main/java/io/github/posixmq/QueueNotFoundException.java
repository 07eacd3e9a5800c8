package io.github.posixmq;

import org.jspecify.annotations.Nullable;

/** The queue does not exist ({@code ENOENT}): it was never created, or was unlinked. */
public class QueueNotFoundException extends PosixMqException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code errno} is 0 when detected before any system call. */
    public QueueNotFoundException(String message, int errno, @Nullable String queueName) {
        super(message, errno, queueName);
    }
}
