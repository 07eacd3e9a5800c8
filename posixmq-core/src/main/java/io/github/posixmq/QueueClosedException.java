package io.github.posixmq;

import org.jspecify.annotations.Nullable;

/** The {@link PosixMq} was closed, before or while the operation ran. */
public class QueueClosedException extends PosixMqException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code errno} is 0 when detected before any system call. */
    public QueueClosedException(String message, int errno, @Nullable String queueName) {
        super(message, errno, queueName);
    }
}
