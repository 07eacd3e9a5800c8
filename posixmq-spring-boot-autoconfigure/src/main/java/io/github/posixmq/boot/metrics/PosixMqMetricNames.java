package io.github.posixmq.boot.metrics;

import java.util.List;

/**
 * The one list of the Micrometer meters posixmq registers, with their tags: the meter binders and listeners of this
 * package register under these names, and the Grafana dashboard ({@code dashboards/posixmq.json}) and the Prometheus
 * alert rules ({@code dashboards/posixmq-alerts.yml}) query them (a test fails when they name a meter that is not
 * registered). The Prometheus name of each follows Micrometer's naming convention and is given in its comment.
 */
public final class PosixMqMetricNames {

    /** Gauge of the messages in the queue now ({@code mq_curmsgs}); Prometheus: {@code posixmq_queue_messages}. */
    public static final String QUEUE_MESSAGES = "posixmq.queue.messages";

    /**
     * Gauge of the most messages the queue holds ({@code mq_maxmsg}); Prometheus:
     * {@code posixmq_queue_capacity_messages}.
     */
    public static final String QUEUE_CAPACITY = "posixmq.queue.capacity";

    /**
     * Gauge of the largest message in bytes ({@code mq_msgsize}); Prometheus:
     * {@code posixmq_queue_message_size_max_bytes}.
     */
    public static final String QUEUE_MESSAGE_SIZE_MAX = "posixmq.queue.message.size.max";

    /**
     * Timer of sends, waits for room included; Prometheus: {@code posixmq_send_seconds_count}, {@code _sum},
     * {@code _max} and {@code _bucket} (a histogram for latency quantiles).
     */
    public static final String SEND = "posixmq.send";

    /**
     * Timer of receives that returned a message or failed (idle waits excluded); Prometheus:
     * {@code posixmq_receive_seconds_count}, {@code _sum}, {@code _max} and {@code _bucket}.
     */
    public static final String RECEIVE = "posixmq.receive";

    /**
     * Counter of received messages dropped after their flow failed (no dead-letter queue, or the dead-letter send
     * failed); Prometheus: {@code posixmq_messages_dropped_total}.
     */
    public static final String MESSAGES_DROPPED = "posixmq.messages.dropped";

    /**
     * Counter of received messages whose flow failed and that were sent to the dead-letter queue, tagged with the
     * queue they came from; Prometheus: {@code posixmq_messages_dead_lettered_total}.
     */
    public static final String MESSAGES_DEAD_LETTERED = "posixmq.messages.dead.lettered";

    /**
     * Counter of messages an in-flight journal delivered again after a crash caught them inside the receive system
     * call, their length inferred from the zero-filled slot (each logged at WARN; trailing zero bytes are lost);
     * Prometheus: {@code posixmq_journal_recovered_inferred_total}.
     */
    public static final String JOURNAL_RECOVERED_INFERRED = "posixmq.journal.recovered.inferred";

    /** Gauge of the receiving threads of an inbound adapter running now; Prometheus: {@code posixmq_receivers_active}. */
    public static final String RECEIVERS_ACTIVE = "posixmq.receivers.active";

    /**
     * Gauge of the receiving threads an inbound adapter is configured to run ({@code concurrency}) while it runs, 0
     * while it is stopped; Prometheus: {@code posixmq_receivers_concurrency}.
     */
    public static final String RECEIVERS_CONCURRENCY = "posixmq.receivers.concurrency";

    /**
     * Counter of receiving threads that ended unexpectedly and were started again; Prometheus:
     * {@code posixmq_receivers_restarted_total}.
     */
    public static final String RECEIVERS_RESTARTED = "posixmq.receivers.restarted";

    /**
     * Gauge of each queue's health as Spring Boot's documented mapping of statuses to numbers: 3 {@code UP}, 2
     * {@code OUT_OF_SERVICE}, 1 {@code DOWN}, 0 anything else; Prometheus: {@code posixmq_health}.
     */
    public static final String HEALTH = "posixmq.health";

    /** Every meter name above. */
    public static final List<String> ALL = List.of(QUEUE_MESSAGES, QUEUE_CAPACITY, QUEUE_MESSAGE_SIZE_MAX, SEND,
            RECEIVE, MESSAGES_DROPPED, MESSAGES_DEAD_LETTERED, JOURNAL_RECOVERED_INFERRED, RECEIVERS_ACTIVE, RECEIVERS_CONCURRENCY,
            RECEIVERS_RESTARTED, HEALTH);

    /** Tag holding the queue name, such as {@code /orders}. */
    public static final String QUEUE_TAG = "queue";

    /** Tag holding the queue's key under {@code posixmq.queues}. */
    public static final String KEY_TAG = "key";

    /** Tag of the timers holding {@code success} or {@code failure}. */
    public static final String RESULT_TAG = "result";

    /** Tag of the timers holding the simple class name of the failure, or {@code none}. */
    public static final String EXCEPTION_TAG = "exception";

    private PosixMqMetricNames() {
    }
}
