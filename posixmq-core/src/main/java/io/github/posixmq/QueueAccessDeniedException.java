package io.github.posixmq;

import org.jspecify.annotations.Nullable;

/** The caller may not use the queue this way: its mode denies access ({@code EACCES}), or the descriptor was opened without the access the operation needs. */
public class QueueAccessDeniedException extends PosixMqException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code errno} is 0 when detected before any system call. */
    public QueueAccessDeniedException(String message, int errno, @Nullable String queueName) {
        super(message, errno, queueName);
    }
}
