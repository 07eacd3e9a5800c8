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

    /**
     * Why a message went to a dead-letter queue instead of its destination, such as a reply the inbound gateway
     * refused to send to the queue a request named: carried in the embedded headers of that dead letter.
     */
    public static final String DEAD_LETTER_REASON = PREFIX + "deadLetterReason";

    /**
     * {@code true} on a message delivered again after the consumer that held it ended without finishing it (the
     * in-flight journal; the twin of AMQP's {@code redelivered} flag). Absent on a first delivery.
     */
    public static final String REDELIVERED = PREFIX + "redelivered";

    /** How often a redelivered message was delivered before (an {@code Integer}, 1 or more). */
    public static final String REDELIVERY_COUNT = PREFIX + "redeliveryCount";

    private PosixMqHeaders() {
    }
}
