package io.github.posixmq.boot.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.posixmq.Attributes;
import io.github.posixmq.SystemLimits;
import io.github.posixmq.integration.runtime.PosixMqQueueProbe;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.util.Assert;

/**
 * The {@code posixmq} Actuator endpoint: {@code /actuator/posixmq} lists the configured queues (their attributes read
 * now, or the error that prevents it), the system limits and the native binding in use; {@code /actuator/posixmq/{key}} shows one queue (404
 * for a key that is not configured).
 */
@Endpoint(id = "posixmq")
public final class PosixMqEndpoint {

    private final PosixMqQueues queues;

    /** Creates the endpoint over the configured {@code queues}. */
    public PosixMqEndpoint(PosixMqQueues queues) {
        Assert.notNull(queues, "queues must not be null");
        this.queues = queues;
    }

    /** Every configured queue, by key, and the system limits. */
    @ReadOperation
    public QueuesDescriptor queues() {
        Map<String, QueueDescriptor> descriptors = new LinkedHashMap<>();
        for (String key : this.queues.keys()) {
            descriptors.put(key, describe(key));
        }
        return new QueuesDescriptor(descriptors, SystemLimits.read(), SystemLimits.binding());
    }

    /** The queue configured under {@code key}, or null (404) when there is none. */
    @ReadOperation
    public @Nullable QueueDescriptor queue(@Selector String key) {
        return this.queues.contains(key) ? describe(key) : null;
    }

    private QueueDescriptor describe(String key) {
        String name = this.queues.queueName(key);
        try {
            Attributes attributes = PosixMqQueueProbe.check(this.queues, key);
            return new QueueDescriptor(key, name, attributes.currentMessages(), attributes.capacity(),
                    attributes.maxMessageSize(), this.queues.attributeMismatch(key).orElse(null), null);
        }
        catch (RuntimeException ex) {
            return new QueueDescriptor(key, name, null, null, null, this.queues.attributeMismatch(key).orElse(null),
                    ex.getClass().getName() + ": " + ex.getMessage());
        }
    }

    /**
     * The answer of {@code /actuator/posixmq}.
     *
     * @param queues the configured queues, by key
     * @param limits the system limits now ({@link SystemLimits#UNKNOWN} = -2 where unreadable, -1 = unlimited)
     * @param binding the native binding posixmq uses in this JVM, {@code ffm} or {@code jna}
     *     ({@link SystemLimits#binding()})
     */
    public record QueuesDescriptor(Map<String, QueueDescriptor> queues, SystemLimits limits, String binding)
            implements OperationResponseBody {
    }

    /**
     * One configured queue: its attributes read now, or the error that prevented reading them.
     *
     * @param key the key under {@code posixmq.queues}
     * @param name the queue name, such as {@code /orders}
     * @param currentMessages messages in the queue now, or null on error
     * @param capacity the most messages the queue holds, or null on error
     * @param maxMessageSize the largest message in bytes, or null on error
     * @param attributeMismatch how the queue, which already existed, differs from its configuration (capacity, max
     *     message size, mode; fixed when a queue is created), or null when it matches
     * @param error why the queue could not be opened or read (class and message), or null
     */
    public record QueueDescriptor(String key, String name, @Nullable Long currentMessages, @Nullable Long capacity,
            @Nullable Long maxMessageSize, @Nullable String attributeMismatch, @Nullable String error)
            implements OperationResponseBody {
    }
}
