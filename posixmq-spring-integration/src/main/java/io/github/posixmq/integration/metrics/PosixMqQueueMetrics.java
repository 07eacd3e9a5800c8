package io.github.posixmq.integration.metrics;

import java.util.function.ToLongFunction;

import io.github.posixmq.Attributes;
import io.github.posixmq.integration.runtime.PosixMqQueueProbe;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.util.Assert;

/**
 * Gauges of every configured queue, tagged {@code queue} (the queue name, such as {@code /orders}) and {@code key}
 * (its key under {@code posixmq.queues}): {@value #MESSAGES} and {@value #CAPACITY} (base unit {@code messages}) and
 * {@value #MAX_MESSAGE_SIZE} (base unit {@code bytes}). Each read is an {@code mq_getattr} at scrape time; a queue
 * that cannot be read (closed, removed with {@code mq_unlink} and not yet recovered) reports {@code NaN}, never an
 * exception; once recovery switched to the recreated queue, the gauges read that one.
 */
public final class PosixMqQueueMetrics implements MeterBinder {

    /** Gauge of the messages in the queue now ({@code mq_curmsgs}); Prometheus: {@code posixmq_queue_messages}. */
    public static final String MESSAGES = "posixmq.queue.messages";

    /**
     * Gauge of the most messages the queue holds ({@code mq_maxmsg}); Prometheus:
     * {@code posixmq_queue_capacity_messages}.
     */
    public static final String CAPACITY = "posixmq.queue.capacity";

    /**
     * Gauge of the largest message in bytes ({@code mq_msgsize}); Prometheus:
     * {@code posixmq_queue_message_size_max_bytes}.
     */
    public static final String MAX_MESSAGE_SIZE = "posixmq.queue.message.size.max";

    /** Tag holding the queue name, such as {@code /orders}. */
    public static final String QUEUE_TAG = "queue";

    /** Tag holding the queue's key under {@code posixmq.queues}. */
    public static final String KEY_TAG = "key";

    private final PosixMqQueues queues;

    /** Creates the gauges' binder for the queues of {@code queues}. */
    public PosixMqQueueMetrics(PosixMqQueues queues) {
        Assert.notNull(queues, "queues must not be null");
        this.queues = queues;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String key : this.queues.keys()) {
            Tags tags = Tags.of(QUEUE_TAG, this.queues.queueName(key), KEY_TAG, key);
            gauge(registry, MESSAGES, "Messages in the POSIX message queue now (mq_curmsgs)", "messages", tags, key,
                    Attributes::currentMessages);
            gauge(registry, CAPACITY, "Most messages the POSIX message queue holds (mq_maxmsg)", "messages", tags, key,
                    Attributes::capacity);
            gauge(registry, MAX_MESSAGE_SIZE, "Largest message the POSIX message queue accepts (mq_msgsize)", "bytes",
                    tags, key, Attributes::maxMessageSize);
        }
    }

    private void gauge(MeterRegistry registry, String name, String description, String baseUnit, Tags tags, String key,
            ToLongFunction<Attributes> value) {
        Gauge.builder(name, this.queues, (queues) -> read(queues, key, value))
            .description(description)
            .baseUnit(baseUnit)
            .tags(tags)
            .strongReference(true)
            .register(registry);
    }

    private static double read(PosixMqQueues queues, String key, ToLongFunction<Attributes> value) {
        try {
            return value.applyAsLong(PosixMqQueueProbe.heldAttributes(queues, key));
        }
        catch (RuntimeException ex) {
            return Double.NaN;
        }
    }
}
