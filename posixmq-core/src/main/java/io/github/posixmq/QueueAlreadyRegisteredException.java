package io.github.posixmq;

import org.jspecify.annotations.Nullable;

/**
 * The queue's descriptor is already registered with this selector ({@code EEXIST}); change what its key watches
 * with {@link PosixMqSelector.Key#setInterest(int)} instead.
 */
public class QueueAlreadyRegisteredException extends PosixMqException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code errno} is {@code EEXIST}. */
    public QueueAlreadyRegisteredException(String message, int errno, @Nullable String queueName) {
        super(message, errno, queueName);
    }
}
