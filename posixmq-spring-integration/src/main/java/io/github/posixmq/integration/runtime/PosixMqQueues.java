package io.github.posixmq.integration.runtime;

import io.github.posixmq.integration.template.PosixMqTemplate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.github.posixmq.PosixMq;
import io.github.posixmq.PosixMqException;
import io.github.posixmq.QueueStat;
import io.github.posixmq.integration.PosixMqQueueResolver;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The queues configured under {@code posixmq.queues}, open and ready, by key (like Spring Boot's {@code SslBundles}).
 * Every queue is opened read-write when the registry is created, so a queue that cannot be opened fails start-up
 * with a {@link PosixMqConfigurationException} (and removes the queues it created); {@link #close()} closes the
 * descriptors and removes the queues configured with {@code remove-on-shutdown: true}.
 *
 * <pre>{@code
 * queues.get("orders").send(bytes, 1);
 * }</pre>
 *
 * <p><b>Recovery.</b> A queue whose name is removed ({@code mq_unlink}) while the application holds it keeps working
 * for this process only: no other process can reach it any more. {@link PosixMqRecovery} (a lifecycle bean) notices
 * it, marks the queue {@linkplain #detachedReason detached} (health DOWN), recreates or reopens the queue of that
 * name and switches {@link #get} to the new descriptor, closing the old one. {@link PosixMqTemplate} and the channel
 * adapters (through {@link #resolve}) look the descriptor up for each operation, and an operation that meets the
 * closed old descriptor is retried once on the new one. Code that keeps a {@code PosixMq} from {@link #get} for long
 * should look it up again when it gets a {@link io.github.posixmq.QueueClosedException}.
 */
public final class PosixMqQueues implements PosixMqQueueResolver, AutoCloseable {

    private static final Log logger = LogFactory.getLog(PosixMqQueues.class);

    private final PosixMqSettings settings;

    private final Map<String, Entry> entries;

    private final boolean recoveryEnabled;

    /** Held by a recovery step and by {@link #close()}: they never overlap. */
    private final Object lock = new Object();

    private volatile boolean closed;

    /** Whether {@link #close()} removes the queues this registry created: until the application has started. */
    private volatile boolean startPending;

    /**
     * Opens (creating where configured) every queue of {@code settings}.
     *
     * @throws PosixMqConfigurationException naming the property at fault when a queue cannot be opened
     */
    public PosixMqQueues(PosixMqSettings settings) {
        Assert.notNull(settings, "settings must not be null");
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<String> created = new ArrayList<>();
        try {
            for (PosixMqQueueSettings queue : settings.queues().values()) {
                PosixMqQueueOpener.Opened opened;
                try {
                    opened = PosixMqQueueOpener.open(queue, created);
                }
                catch (PosixMqException ex) {
                    throw PosixMqQueueOpener.failure(queue, ex);
                }
                entries.put(queue.key(), new Entry(queue, opened));
            }
            checkDeadLetterSizes(entries);
        }
        catch (RuntimeException ex) {
            // a failed start leaves nothing behind: close what it opened, remove what it created, but only while the
            // name still refers to the queue it created (same device and inode): another process may have removed
            // and recreated it meanwhile
            for (Entry entry : entries.values()) {
                Attached attached = entry.attached;
                attached.mq().close();
                if (attached.created() != null) {
                    try {
                        removeIfCreated(entry.configured, attached.created());
                    }
                    catch (RuntimeException removal) {
                        ex.addSuppressed(removal);
                    }
                }
                created.remove(entry.configured.name());
            }
            // created by the call that failed, before its fstat: its identity is unknown, so it is not removed
            created.forEach((name) -> logger.warn("Not removing POSIX message queue " + name + " after the failed "
                    + "start: it was created but its identity (device, inode) could not be read"));
            throw ex;
        }
        this.settings = settings;
        this.entries = Collections.unmodifiableMap(entries);
        this.recoveryEnabled = settings.recoveryEnabled() && canTellRemovedQueues(entries.values());
    }

    /** Whether /proc/self/fd shows which queues were removed (checked on the first queue); recovery depends on it. */
    private static boolean canTellRemovedQueues(Collection<Entry> entries) {
        if (entries.isEmpty()) {
            return true;
        }
        PosixMq mq = entries.iterator().next().attached.mq();
        try {
            mq.isUnlinked();
            return true;
        }
        catch (UnsupportedOperationException ex) {
            logger.warn("Cannot tell whether POSIX message queue " + mq.name() + " is removed while in use: "
                    + ex.getMessage() + "; posixmq.recovery is off, so a queue removed (mq_unlink) while the "
                    + "application runs needs a restart");
            return false;
        }
    }

    /** A dead-letter queue must take every message of the queue it serves. */
    private static void checkDeadLetterSizes(Map<String, Entry> entries) {
        for (Entry entry : entries.values()) {
            PosixMqQueueSettings queue = entry.attached.info();
            String deadLetter = queue.inbound().deadLetterQueue();
            PosixMqQueueSettings target = deadLetter != null ? entries.get(deadLetter).attached.info() : null;
            if (target != null && target.maxMessageSize() < queue.maxMessageSize()) {
                throw new PosixMqConfigurationException(queue.prefix() + ".inbound.dead-letter-queue",
                        entry.configured.inbound().deadLetterQueue(), "its max message size " + target.maxMessageSize()
                                + " is smaller than the " + queue.maxMessageSize() + " bytes of " + queue.name()
                                + ", so a large failed message could not be kept",
                        "Set " + target.prefix() + ".max-message-size to at least " + queue.maxMessageSize()
                                + " (and recreate that queue if it exists).",
                        null);
            }
        }
    }

    /**
     * The open queue configured under {@code key}; shared, do not close it. Look it up for each use: when recovery
     * switches to a recreated queue, the descriptor returned before is closed. Use this descriptor rather than
     * opening and closing the queue by name: closing any descriptor of a queue drops this process's
     * {@code mq_notify} registration on it.
     *
     * @throws IllegalArgumentException when no queue has that key (the message lists the keys)
     */
    public PosixMq get(String key) {
        return entry(key).attached.mq();
    }

    /**
     * The queue configured under {@code key} as a supplier for the channel adapters and the DSL: it looks the
     * descriptor up at each use, so it follows recovery.
     *
     * @throws IllegalArgumentException when no queue has that key (the message lists the keys)
     */
    @Override
    public PosixMqQueueSupplier resolve(String key) {
        return new RegistryQueueSupplier(this, entry(key).configured);
    }

    /** The configured keys, in configuration order. */
    public Set<String> keys() {
        return this.entries.keySet();
    }

    /** Whether a queue is configured under {@code key}. */
    public boolean contains(String key) {
        return this.entries.containsKey(key);
    }

    /** The queue name configured under {@code key}, such as {@code /orders}. */
    public String queueName(String key) {
        return entry(key).configured.name();
    }

    /** The resolved settings of the queue configured under {@code key}, with the open queue's actual attributes. */
    public PosixMqQueueSettings info(String key) {
        return entry(key).attached.info();
    }

    /** The resolved settings of every queue, in configuration order. */
    public List<PosixMqQueueSettings> infos() {
        return this.entries.values().stream().map((entry) -> entry.attached.info()).toList();
    }

    /** All resolved settings, as configured (capacity and size 0 = system default). */
    public PosixMqSettings settings() {
        return this.settings;
    }

    /** The key of the configured queue whose key or queue name is {@code keyOrName}, if any. */
    public Optional<String> findKey(String keyOrName) {
        return this.settings.findKey(keyOrName);
    }

    /**
     * Why the queue configured under {@code key} is detached: its name was removed ({@code mq_unlink}) while the
     * application held it, and recovery has not yet switched to a queue of that name; empty while it is attached.
     */
    public Optional<String> detachedReason(String key) {
        return Optional.ofNullable(entry(key).detachedReason);
    }

    /** Whether the queues are watched for a removed name and recovered ({@code posixmq.recovery.enabled}). */
    public boolean isRecoveryEnabled() {
        return this.recoveryEnabled;
    }

    /** How often recovery checks the queues ({@code posixmq.recovery.check-interval}). */
    public Duration recoveryCheckInterval() {
        return this.settings.recoveryCheckInterval();
    }

    /** The property prefix of the queue configured under {@code key}, such as {@code posixmq.queues.orders}. */
    public String prefix(String key) {
        Assert.notNull(key, "key must not be null");
        return PosixMqSettings.prefix(this.settings.root(), key);
    }

    private Entry entry(String key) {
        Assert.notNull(key, "key must not be null");
        Entry entry = this.entries.get(key);
        if (entry == null) {
            throw new IllegalArgumentException("no POSIX message queue is configured under " + prefix(key)
                    + "; the configured keys are " + this.entries.keySet());
        }
        return entry;
    }

    /**
     * Whether the queue {@code mq} refers to was removed with {@code mq_unlink} since it was opened
     * ({@link PosixMq#isUnlinked()}); false when that cannot be told or {@code mq} is closed.
     */
    public static boolean isRemoved(PosixMq mq) {
        Assert.notNull(mq, "mq must not be null");
        try {
            return mq.isUnlinked();
        }
        catch (UnsupportedOperationException | PosixMqException ex) {
            return false;
        }
    }

    // ---------------------------------------------------------------- for recovery

    /** The lock that recovery steps hold, so that they never overlap {@link #close()}. */
    Object lock() {
        return this.lock;
    }

    /** Marks the queue under {@code key} detached for {@code reason}, or attached again when null. */
    void setDetachedReason(String key, @Nullable String reason) {
        entry(key).detachedReason = reason;
    }

    /**
     * Makes the {@code fresh} queue the one under {@code key} (attached again): descriptor, attributes and identity
     * change in one write, so a reader never sees the attributes of one queue with the descriptor of another.
     * Returns the descriptor it replaces, which the caller closes.
     */
    PosixMq switchTo(String key, PosixMqQueueOpener.Opened fresh) {
        Entry entry = entry(key);
        PosixMq old = entry.attached.mq();
        entry.attached = Attached.of(entry.configured, fresh);
        entry.detachedReason = null;
        return old;
    }

    // ---------------------------------------------------------------- closing

    /**
     * Until {@link #started()}, {@link #close()} removes every queue this registry created (a failed start leaves
     * nothing behind); the auto-configuration calls this when it creates the registry.
     */
    public void removeCreatedUnlessStarted() {
        this.startPending = true;
    }

    /** The application started: {@link #close()} removes only the queues configured with remove-on-shutdown. */
    public void started() {
        this.startPending = false;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return this.closed;
    }

    /** Closes every descriptor and removes the queues configured with {@code remove-on-shutdown}. Idempotent. */
    @Override
    public void close() {
        synchronized (this.lock) {
            if (this.closed) {
                return;
            }
            this.closed = true;
            for (Entry entry : this.entries.values()) {
                try {
                    Attached attached = entry.attached;
                    attached.mq().close();
                    if (this.startPending) {
                        if (attached.created() != null) {
                            removeIfCreated(entry.configured, attached.created());
                        }
                    }
                    else if (entry.configured.removeOnShutdown()) {
                        removeIfCreated(entry.configured, attached.created());
                    }
                }
                catch (RuntimeException ex) {
                    logger.warn("Failed to close or remove POSIX message queue " + entry.configured.name() + ": "
                            + ex.getMessage());
                }
            }
        }
    }

    @Override
    public String toString() {
        return "PosixMqQueues" + this.entries.keySet();
    }

    /**
     * Removes the queue now named as {@code queue} configures when it is the one this application created (same
     * device and inode as {@code created}); logs why not otherwise.
     */
    private static void removeIfCreated(PosixMqQueueSettings queue, @Nullable QueueStat created) {
        String name = queue.name();
        if (created == null) {
            logger.info("Not removing POSIX message queue " + name + " (" + queue.prefix() + ".remove-on-shutdown): "
                    + "this application did not create it");
            return;
        }
        if (!QueueTrust.unlinkIfSame(name, created)) {
            logger.warn("Not removing POSIX message queue " + name + " (" + queue.prefix() + "): the queue that now "
                    + "has that name is not the one this application created (another device or inode)");
        }
    }

    /**
     * The queue one configured key is attached to, replaced as a whole by recovery.
     *
     * @param mq the open descriptor
     * @param info the settings with the queue's actual attributes
     * @param created the identity of the queue when this application created it, else null
     */
    private record Attached(PosixMq mq, PosixMqQueueSettings info, @Nullable QueueStat created) {

        static Attached of(PosixMqQueueSettings configured, PosixMqQueueOpener.Opened opened) {
            PosixMq mq = opened.mq();
            return new Attached(mq, configured.withActual(mq.capacity(), mq.maxMessageSize()),
                    opened.created() ? opened.stat() : null);
        }
    }

    /** The state of one configured queue. */
    private static final class Entry {

        final PosixMqQueueSettings configured;

        volatile Attached attached;

        volatile @Nullable String detachedReason;

        Entry(PosixMqQueueSettings configured, PosixMqQueueOpener.Opened opened) {
            this.configured = configured;
            this.attached = Attached.of(configured, opened);
        }
    }
}
