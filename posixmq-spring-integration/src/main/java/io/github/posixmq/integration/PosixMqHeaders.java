package io.github.posixmq.integration;

import java.util.List;
import java.util.Set;

import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.integration.history.MessageHistory;
import org.springframework.messaging.MessageHeaders;

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

    /**
     * {@code true} on a redelivered message whose length the in-flight journal inferred: a crash caught it inside the
     * receive system call, before its length was recorded, so zero bytes it ended with are missing. Absent otherwise.
     */
    public static final String LENGTH_INFERRED = PREFIX + "lengthInferred";

    /** The headers carried in header-mode embedded unless set otherwise: content type, correlation id, reply queue and the trace context. */
    public static final List<String> EMBEDDED_DEFAULTS = List.of(MessageHeaders.CONTENT_TYPE,
            IntegrationMessageHeaderAccessor.CORRELATION_ID, PREFIX + "replyTo", "traceparent", "tracestate");

    /**
     * Headers that steer Spring Integration (where replies and errors go, routing, sequences, expiry, priority,
     * identity, history) or that the adapters set from the kernel: never listed, never taken from a queue.
     */
    public static final Set<String> CONTROL_HEADERS = Set.of(MessageHeaders.ID, MessageHeaders.TIMESTAMP,
            MessageHeaders.REPLY_CHANNEL, MessageHeaders.ERROR_CHANNEL, IntegrationMessageHeaderAccessor.ROUTING_SLIP,
            IntegrationMessageHeaderAccessor.SEQUENCE_NUMBER, IntegrationMessageHeaderAccessor.SEQUENCE_SIZE,
            IntegrationMessageHeaderAccessor.SEQUENCE_DETAILS, IntegrationMessageHeaderAccessor.EXPIRATION_DATE,
            IntegrationMessageHeaderAccessor.PRIORITY, IntegrationMessageHeaderAccessor.DUPLICATE_MESSAGE,
            IntegrationMessageHeaderAccessor.CLOSEABLE_RESOURCE, IntegrationMessageHeaderAccessor.DELIVERY_ATTEMPT,
            IntegrationMessageHeaderAccessor.ACKNOWLEDGMENT_CALLBACK, IntegrationMessageHeaderAccessor.SOURCE_DATA,
            IntegrationMessageHeaderAccessor.REACTOR_CONTEXT, IntegrationMessageHeaderAccessor.CONTROL_BUS_ARGUMENTS,
            MessageHistory.HEADER_NAME, PRIORITY, QUEUE);

    /**
     * Whether {@code name} is a header that must never come from a queue (one of {@link #CONTROL_HEADERS}, compared
     * as Spring compares header names: exactly).
     */
    public static boolean isControlHeader(String name) {
        return CONTROL_HEADERS.contains(name);
    }

    /** Why {@code name} cannot be an embedded header: one sentence for an exception or a start-up failure. */
    public static String controlHeaderRefusal(String name) {
        return "'" + PosixMqLogText.escape(name) + "' is a Spring Integration control header (one of "
                + CONTROL_HEADERS.stream().sorted().toList() + "), which never crosses a queue: any writer of the "
                + "queue could set it and steer the flow (where replies and errors go, routing, identity)";
    }

    private PosixMqHeaders() {
    }
}
