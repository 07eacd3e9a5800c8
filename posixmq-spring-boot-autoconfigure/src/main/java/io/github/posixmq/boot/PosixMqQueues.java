package io.github.posixmq.boot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.PosixMqException;
import io.github.posixmq.QueueAccessDeniedException;
import io.github.posixmq.QueueAlreadyExistsException;
import io.github.posixmq.QueueLimitExceededException;
import io.github.posixmq.QueueNotFoundException;
import io.github.posixmq.SystemLimits;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * The queues configured under {@code posixmq.queues}, open and ready, by key (like Spring Boot's {@code SslBundles}).
 * Every queue is opened read-write when the registry is created, so a queue that cannot be opened fails start-up
 * with a {@link PosixMqConfigurationException} (and removes the queues it created); {@link #close()} closes the
 * descriptors and removes the queues configured with {@code remove-on-shutdown: true}.
 *
 * <pre>{@code
 * PosixMq orders = queues.get("orders");
 * orders.send(bytes, 1);
 * }</pre>
 */
public final class PosixMqQueues implements AutoCloseable {

    private static final Log logger = LogFactory.getLog(PosixMqQueues.class);

    private final Map<String, QueueInfo> infos;

    private final Map<String, PosixMq> descriptors;

    private volatile boolean closed;

    /**
     * Validates {@code properties} and opens (creating where configured) every queue.
     *
     * @throws PosixMqConfigurationException naming the property at fault when a queue is misconfigured or cannot be
     *         opened
     */
    public PosixMqQueues(PosixMqProperties properties) {
        Assert.notNull(properties, "properties must not be null");
        Map<String, QueueInfo> resolved = PosixMqPropertiesValidator.validate(properties);
        Map<String, PosixMq> open = new LinkedHashMap<>();
        Map<String, QueueInfo> infos = new LinkedHashMap<>();
        List<String> created = new ArrayList<>();
        try {
            for (QueueInfo info : resolved.values()) {
                PosixMq mq = open(info, created);
                open.put(info.key(), mq);
                infos.put(info.key(), info.withActual(mq.capacity(), mq.maxMessageSize()));
            }
            checkDeadLetterSizes(infos);
        }
        catch (RuntimeException ex) {
            // a failed start leaves nothing behind: close what it opened, remove what it created
            open.values().forEach(PosixMq::close);
            created.forEach(PosixMq::unlinkIfExists);
            throw ex;
        }
        this.infos = Collections.unmodifiableMap(infos);
        this.descriptors = Collections.unmodifiableMap(open);
    }

    /** A dead-letter queue must take every message of the queue it serves. */
    private static void checkDeadLetterSizes(Map<String, QueueInfo> infos) {
        for (QueueInfo info : infos.values()) {
            String deadLetter = info.properties().getInbound().getDeadLetterQueue();
            if (deadLetter == null) {
                continue;
            }
            QueueInfo target = infos.get(PosixMqPropertiesValidator.findKey(deadLetter, infos));
            if (target != null && target.maxMessageSize() < info.maxMessageSize()) {
                String prefix = PosixMqPropertiesValidator.prefix(info.key());
                throw new PosixMqConfigurationException(prefix + ".inbound.dead-letter-queue", deadLetter,
                        "its max message size " + target.maxMessageSize() + " is smaller than the "
                                + info.maxMessageSize() + " bytes of " + info.name()
                                + ", so a large failed message could not be kept",
                        "Set posixmq.queues." + target.key() + ".max-message-size to at least "
                                + info.maxMessageSize() + " (and recreate that queue if it exists).",
                        null);
            }
        }
    }

    /** Opens (creating if configured) the queue; adds its name to {@code created} when this call created it. */
    private static PosixMq open(QueueInfo info, List<String> created) {
        OpenOptions options = OpenOptions.readWrite().mode(info.mode());
        if (info.capacity() > 0) {
            options.capacity(info.capacity());
        }
        if (info.maxMessageSize() > 0) {
            options.maxMessageSize(info.maxMessageSize());
        }
        PosixMq mq;
        try {
            if (info.create()) {
                try {
                    mq = options.createNew().open(info.name());
                    created.add(info.name());
                }
                catch (QueueAlreadyExistsException ex) {
                    mq = options.create().open(info.name());
                }
            }
            else {
                mq = options.existing().open(info.name());
            }
        }
        catch (PosixMqException ex) {
            throw openFailure(info, ex);
        }
        if ((info.capacity() > 0 && info.capacity() != mq.capacity())
                || (info.maxMessageSize() > 0 && info.maxMessageSize() != mq.maxMessageSize())) {
            logger.warn("Queue " + info.name() + " (posixmq.queues." + info.key() + ") already existed with capacity "
                    + mq.capacity() + " and max message size " + mq.maxMessageSize() + ", not the configured "
                    + describe(info.capacity()) + " and " + describe(info.maxMessageSize())
                    + "; a queue's attributes are fixed when it is created: remove it (mq_unlink) to apply the settings");
        }
        return mq;
    }

    private static String describe(long value) {
        return value > 0 ? Long.toString(value) : "system default";
    }

    private static PosixMqConfigurationException openFailure(QueueInfo info, PosixMqException ex) {
        String prefix = "posixmq.queues." + info.key();
        if (ex instanceof QueueNotFoundException) {
            return new PosixMqConfigurationException(prefix + ".create", false, "queue " + info.name()
                    + " does not exist and create is false", "Start the program that creates " + info.name()
                    + " first, or set " + prefix + ".create=true so this application creates it.", ex);
        }
        if (ex instanceof QueueLimitExceededException) {
            SystemLimits limits = SystemLimits.read();
            if (limits.msgMax() > 0 && info.capacity() > limits.msgMax()) {
                return new PosixMqConfigurationException(prefix + ".capacity", info.capacity(), "the capacity exceeds "
                        + SystemLimits.path("msg_max") + " (" + limits.msgMax() + ")", "Set " + prefix
                        + ".capacity to at most " + limits.msgMax() + ", or raise the limit (sysctl fs.mqueue.msg_max="
                        + info.capacity() + ").", ex);
            }
            if (limits.msgsizeMax() > 0 && info.maxMessageSize() > limits.msgsizeMax()) {
                return new PosixMqConfigurationException(prefix + ".max-message-size", info.maxMessageSize(),
                        "the max message size exceeds " + SystemLimits.path("msgsize_max") + " (" + limits.msgsizeMax()
                                + ")",
                        "Set " + prefix + ".max-message-size to at most " + limits.msgsizeMax()
                                + ", or raise the limit (sysctl fs.mqueue.msgsize_max=" + info.maxMessageSize() + ").",
                        ex);
            }
            return new PosixMqConfigurationException(prefix, null, String.valueOf(ex.getMessage()), "Lower " + prefix
                    + ".capacity or " + prefix + ".max-message-size, remove unused queues, or raise the system limit "
                    + "named above.", ex);
        }
        if (ex instanceof QueueAccessDeniedException) {
            return new PosixMqConfigurationException(prefix + ".name", info.name(), String.valueOf(ex.getMessage()),
                    "Run as the queue's owner, ask the owner to create it with a mode that grants this user read and write "
                    + "access (" + prefix + ".mode in that application), or remove the queue so this application can "
                    + "create it.", ex);
        }
        return new PosixMqConfigurationException(prefix, null, String.valueOf(ex.getMessage()),
                "Check the settings of " + prefix + " and the system limits under " + SystemLimits.PROC_DIR + ".", ex);
    }

    /**
     * The open queue configured under {@code key}; shared, do not close it.
     *
     * @throws IllegalArgumentException when no queue has that key (the message lists the keys)
     */
    public PosixMq get(String key) {
        return this.descriptors.get(checkKey(key));
    }

    /** The configured keys, in configuration order. */
    public Set<String> keys() {
        return this.infos.keySet();
    }

    /** Whether a queue is configured under {@code key}. */
    public boolean contains(String key) {
        return this.infos.containsKey(key);
    }

    /** The queue name configured under {@code key}, such as {@code /orders}. */
    public String queueName(String key) {
        return this.infos.get(checkKey(key)).name();
    }

    /** The resolved settings of the queue configured under {@code key}. */
    public QueueInfo info(String key) {
        return this.infos.get(checkKey(key));
    }

    /** The resolved settings of every queue, in configuration order. */
    public List<QueueInfo> infos() {
        return List.copyOf(this.infos.values());
    }

    /** The key of the configured queue whose key or queue name is {@code keyOrName}, if any. */
    public Optional<String> findKey(String keyOrName) {
        Assert.hasText(keyOrName, "keyOrName must not be empty");
        return Optional.ofNullable(PosixMqPropertiesValidator.findKey(keyOrName, this.infos));
    }

    private String checkKey(String key) {
        Assert.notNull(key, "key must not be null");
        if (!this.infos.containsKey(key)) {
            throw new IllegalArgumentException("no POSIX message queue is configured under posixmq.queues." + key
                    + "; the configured keys are " + this.infos.keySet());
        }
        return key;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return this.closed;
    }

    /** Closes every descriptor and removes the queues configured with {@code remove-on-shutdown}. Idempotent. */
    @Override
    public void close() {
        if (this.closed) {
            return;
        }
        this.closed = true;
        List<RuntimeException> failures = new ArrayList<>();
        for (QueueInfo info : this.infos.values()) {
            try {
                this.descriptors.get(info.key()).close();
                if (info.removeOnShutdown()) {
                    PosixMq.unlinkIfExists(info.name());
                }
            }
            catch (RuntimeException ex) {
                failures.add(ex);
            }
        }
        for (RuntimeException failure : failures) {
            logger.warn("Failed to close or remove a POSIX message queue: " + failure.getMessage());
        }
    }

    @Override
    public String toString() {
        return "PosixMqQueues" + this.infos.keySet();
    }

    /**
     * The resolved settings of one configured queue.
     *
     * @param key the key under {@code posixmq.queues}
     * @param name the queue name, such as {@code /orders}
     * @param create whether the queue is created when missing
     * @param mode the permission bits of a created queue
     * @param capacity the capacity in messages (the queue's actual one once open; 0 = system default)
     * @param maxMessageSize the largest message in bytes (the queue's actual one once open; 0 = system default)
     * @param removeOnShutdown whether the queue name is removed on shutdown
     * @param properties the configured properties
     */
    public record QueueInfo(String key, String name, boolean create, int mode, long capacity, long maxMessageSize,
            boolean removeOnShutdown, PosixMqProperties.Queue properties) {

        QueueInfo withActual(long actualCapacity, long actualMaxMessageSize) {
            return new QueueInfo(this.key, this.name, this.create, this.mode, actualCapacity, actualMaxMessageSize,
                    this.removeOnShutdown, this.properties);
        }

        /** The mode as an octal string, such as {@code 0600}. */
        public String modeString() {
            return String.format("0%03o", this.mode);
        }

        /** Whether the inbound channel adapter is enabled (explicitly, or by setting its channel). */
        public boolean inboundEnabled() {
            return PosixMqPropertiesValidator.inboundEnabled(this.properties);
        }

        /** Whether the outbound channel adapter is enabled (explicitly, or by setting its channel). */
        public boolean outboundEnabled() {
            return PosixMqPropertiesValidator.outboundEnabled(this.properties);
        }
    }
}
