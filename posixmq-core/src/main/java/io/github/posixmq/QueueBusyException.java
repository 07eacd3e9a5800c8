package io.github.posixmq;

import org.jspecify.annotations.Nullable;

/** Another descriptor or process is already registered for notification on the queue ({@code EBUSY}). */
public class QueueBusyException extends PosixMqException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code errno} is 0 when detected before any system call. */
    public QueueBusyException(String message, int errno, @Nullable String queueName) {
        super(message, errno, queueName);
    }
}
