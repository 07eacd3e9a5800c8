package io.github.posixmq.integration;

/** Message header names used by the POSIX message queue channel adapters. */
public final class PosixMqHeaders {

    /** Prefix of every header set by these adapters. */
    public static final String PREFIX = "posixmq_";

    /**
     * The message priority (an {@code Integer}, 0 to 32767, higher first): set by the inbound adapter, and used by
     * the outbound adapter before its priority expression and default priority.
     */
    public static final String PRIORITY = PREFIX + "priority";

    /** The name of the queue a message was received from, such as {@code /orders}. */
    public static final String QUEUE = PREFIX + "queue";

    private PosixMqHeaders() {
    }
}
