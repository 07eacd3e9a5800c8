package io.github.posixmq;

import org.jspecify.annotations.Nullable;

/**
 * The descriptor was not opened for this direction: sending on a read-only or receiving on a write-only descriptor
 * ({@code EBADF}). Unlike {@link QueueAccessDeniedException}, the queue's permissions are not the problem: open it
 * with the access the operation needs.
 */
public class QueueDirectionException extends PosixMqException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code errno} is {@code EBADF}. */
    public QueueDirectionException(String message, int errno, @Nullable String queueName) {
        super(message, errno, queueName);
    }
}
