package io.github.posixmq;

import org.jspecify.annotations.Nullable;

/** A system limit stops the operation: capacity or message size above {@code /proc/sys/fs/mqueue}, {@code RLIMIT_MSGQUEUE}, {@code queues_max} or the open-file limit. The message names the limit and its value. */
public class QueueLimitExceededException extends PosixMqException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code errno} is 0 when detected before any system call. */
    public QueueLimitExceededException(String message, int errno, @Nullable String queueName) {
        super(message, errno, queueName);
    }
}
