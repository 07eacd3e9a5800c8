package io.github.posixmq.integration.runtime;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The resolved, validated settings of one queue configured under {@code posixmq.queues.<key>}: what
 * the configuration said, with defaults applied and names normalized. Immutable.
 *
 * @param key the key under {@code posixmq.queues}
 * @param prefix the property prefix of the queue, such as {@code posixmq.queues.orders}, named in errors and logs
 * @param name the queue name, such as {@code /orders}
 * @param create whether the queue is created when missing
 * @param mode the permission bits of a created queue
 * @param capacity the capacity in messages (the queue's actual one once open; 0 = system default)
 * @param maxMessageSize the largest message in bytes (the queue's actual one once open; 0 = system default)
 * @param removeOnShutdown whether the queue name is removed on shutdown (only when it is still the queue this
 *        application created)
 * @param shared whether an existing queue owned by another user, or granting more than {@code mode}, is adopted
 * @param inbound the inbound channel adapter's settings
 * @param outbound the outbound channel adapter's settings
 */
public record PosixMqQueueSettings(String key, String prefix, String name, boolean create, int mode, long capacity,
        long maxMessageSize, boolean removeOnShutdown, boolean shared, Inbound inbound, Outbound outbound) {

    /** These settings with the capacity and max message size the open queue actually has. */
    PosixMqQueueSettings withActual(long actualCapacity, long actualMaxMessageSize) {
        return new PosixMqQueueSettings(this.key, this.prefix, this.name, this.create, this.mode, actualCapacity,
                actualMaxMessageSize, this.removeOnShutdown, this.shared, this.inbound, this.outbound);
    }

    /** The mode as an octal string, such as {@code 0600}. */
    public String modeString() {
        return QueueTrust.octal(this.mode);
    }

    /**
     * The inbound (message-driven) channel adapter of a queue.
     *
     * @param enabled whether it is registered
     * @param channel the channel received messages are sent to
     * @param concurrency the number of receiving threads
     * @param charset the charset of String payloads, or null for byte[] payloads
     * @param errorChannel the channel of ErrorMessages, or null for the global {@code errorChannel}
     * @param deadLetterQueue the key of the configured dead-letter queue, or null
     * @param deadLetterSendTimeout how long a dead-letter send waits for room before the message is dropped loudly
     * @param retry the retries before a failed message is dead-lettered (or dropped loudly)
     * @param contentType the contentType header of received messages, or null
     * @param embeddedHeaders the headers read from before the payload (header-mode embedded), or null for raw
     * @param allowedReplyNames the reply queue name patterns an inbound gateway on the queue allows besides the
     *        default ones
     * @param replySendTimeout how long an inbound gateway on the queue waits for room in a full reply queue
     * @param journalDirectory the directory of the in-flight journal, or null for none
     */
    public record Inbound(boolean enabled, String channel, int concurrency, @Nullable Charset charset,
            @Nullable String errorChannel, @Nullable String deadLetterQueue, Duration deadLetterSendTimeout,
            Retry retry, @Nullable String contentType, @Nullable List<String> embeddedHeaders,
            List<String> allowedReplyNames, Duration replySendTimeout, @Nullable Path journalDirectory) {
    }

    /**
     * Retries with back-off of a message whose flow failed.
     *
     * @param attempts how often the flow is tried (1 = no retry)
     * @param initialInterval the wait before the second attempt
     * @param multiplier the factor by which the wait grows
     * @param maxInterval the longest wait
     */
    public record Retry(int attempts, Duration initialInterval, double multiplier, Duration maxInterval) {
    }

    /**
     * The outbound channel adapter of a queue.
     *
     * @param enabled whether it is registered
     * @param channel the channel it subscribes to
     * @param priority the priority of messages without a priority header or expression value
     * @param priorityExpression a SpEL expression giving the priority, or null
     * @param sendTimeout how long a send waits for room in a full queue
     * @param embeddedHeaders the headers written before the payload (header-mode embedded), or null for raw
     */
    public record Outbound(boolean enabled, String channel, int priority, @Nullable String priorityExpression,
            Duration sendTimeout, @Nullable List<String> embeddedHeaders) {
    }
}
