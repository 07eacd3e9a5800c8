package io.github.posixmq;

import org.jspecify.annotations.Nullable;

/**
 * The queue's permissions deny this user the access asked for ({@code EACCES}; {@code EPERM} when a user other than
 * its owner removes it). A descriptor opened without the direction an operation needs throws
 * {@link QueueDirectionException} instead.
 */
public class QueueAccessDeniedException extends PosixMqException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code errno} is {@code EACCES} or {@code EPERM}. */
    public QueueAccessDeniedException(String message, int errno, @Nullable String queueName) {
        super(message, errno, queueName);
    }
}
