package io.github.posixmq.integration.runtime;

import io.github.posixmq.QueueStat;

/**
 * A queue opened by name (not configured) failed the trust check: another user owns it, or its mode lets other users
 * in ({@link QueueTrust#refusal(String, QueueStat, int)}). It was closed without being used.
 */
public final class UntrustedQueueException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String queueName;

    private final transient QueueStat stat;

    /** A refusal of the queue {@code queueName}, whose {@code fstat} gave {@code stat}, for {@code reason}. */
    public UntrustedQueueException(String queueName, QueueStat stat, String reason) {
        super(reason);
        this.queueName = queueName;
        this.stat = stat;
    }

    /** The refused queue's name. */
    public String queueName() {
        return this.queueName;
    }

    /** Owner, mode and identity of the refused queue. */
    public QueueStat stat() {
        return this.stat;
    }
}
