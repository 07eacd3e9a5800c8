package io.github.posixmq;

import org.jspecify.annotations.Nullable;

/** The queue already exists and {@code createNew} ({@code O_EXCL}) was asked for ({@code EEXIST}). */
public class QueueAlreadyExistsException extends PosixMqException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code errno} is 0 when detected before any system call. */
    public QueueAlreadyExistsException(String message, int errno, @Nullable String queueName) {
        super(message, errno, queueName);
    }
}
