package io.github.posixmq;

import org.jspecify.annotations.Nullable;

/** The message is longer than the queue's maximum message size ({@code EMSGSIZE}). */
public class MessageTooLargeException extends PosixMqException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code errno} is {@code EMSGSIZE}, also when Java caught it before the system call. */
    public MessageTooLargeException(String message, int errno, @Nullable String queueName) {
        super(message, errno, queueName);
    }
}
