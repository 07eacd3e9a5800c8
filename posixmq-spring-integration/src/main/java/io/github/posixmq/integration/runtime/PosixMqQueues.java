package io.github.posixmq.integration.runtime;

import io.github.posixmq.integration.template.PosixMqTemplate;
import java.time.Duration;
import java.util.ArrayList;
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
 * Every queue is opened read-write by {@link #open()} (at once by the constructor; at bean initialization for
 * {@link #unopened}), so a queue that cannot be opened fails start-up with a {@link PosixMqConfigurationException}
 * (and removes the queues it created); {@link #close()} closes them and removes those configured
 * {@code remove-on-shutdown: true}.
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

    private volatile boolean recoveryEnabled;

    private volatile boolean opened;

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
        this(settings, true);
    }

    private PosixMqQueues(PosixMqSettings settings, boolean open) {
        Assert.notNull(settings, "settings must not be null");
        Map<String, Entry> entries = new LinkedHashMap<>();
        settings.queues().values().forEach((queue) -> entries.put(queue.key(), new Entry(queue)));
        this.settings = settings;
        this.entries = Collections.unmodifiableMap(entries);
        this.recoveryEnabled = settings.recoveryEnabled();
        if (open) {
            open();
        }
    }

    /**
     * A registry of the queues of {@code settings} that opens none of them until {@link #open()} (no I/O here): what
     * a bean method returns, leaving the opening to the bean's initialization ({@link PosixMqRuntime}, the Spring
     * Boot auto-configuration). Until then only the configured settings can be read ({@link #info}, {@link #resolve}).
     */
    public static PosixMqQueues unopened(PosixMqSettings settings) {
        return new PosixMqQueues(settings, false);
    }

    /**
     * Opens (creating where configured) every queue, unless done already; a queue that cannot be opened fails with a
     * {@link PosixMqConfigurationException} and leaves nothing behind (what was opened is closed, what was created
     * removed).
     *
     * @throws PosixMqConfigurationException naming the property at fault when a queue cannot be opened
     */
    public void open() {
        synchronized (this.lock) {
            Assert.state(!this.closed, "PosixMqQueues is closed");
            if (this.opened) {
                return;
            }
            List<String> created = new ArrayList<>();
            try {
                for (Entry entry : this.entries.values()) {
                    PosixMqQueueSettings queue = entry.configured;
                    PosixMqQueueOpener.Opened opened;
                    try {
                        opened = PosixMqQueueOpener.open(queue, created);
                    }
                    catch (PosixMqException ex) {
                        throw PosixMqQueueOpener.failure(queue, ex);
                    }
                    entry.attached = Attached.of(queue, opened);
                }
                Map<String, PosixMqQueueSettings> infos = new LinkedHashMap<>();
                this.entries.forEach((key, entry) -> infos.put(key, entry.info()));
                PosixMqQueueOpener.checkDeadLetterSizes(infos);
            }
            catch (RuntimeException ex) {
                // a failed start leaves nothing behind (see PosixMqQueueOpener.undo)
                for (Entry entry : this.entries.values()) {
                    Attached attached = entry.attached;
                    entry.attached = null;
                    if (attached != null) {
                        PosixMqQueueOpener.undo(entry.configured, attached.mq(), attached.created(), created, ex);
                    }
                }
                PosixMqQueueOpener.warnUnidentified(created);
                throw ex;
            }
            this.recoveryEnabled = this.settings.recoveryEnabled()
                    && PosixMqQueueOpener.canTellRemovedQueues(this.entries.values().stream().map((e) -> e.attached().mq()).toList());
            this.opened = true;
        }
    }

    /** Whether {@link #open()} opened the queues. */
    public boolean isOpen() {
        return this.opened && !this.closed;
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
        return entry(key).attached().mq();
    }

    /**
     * The queue configured under {@code key} as a supplier for the channel adapters and the DSL: it looks the
     * descriptor up at each use, so it follows recovery.
     *
     * @throws IllegalArgumentException when no queue has that key (the message lists the keys)
     */
    @Override
    public PosixMqQueueSupplier resolve(String key) {
        return new Supplier(this, entry(key).configured);
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

    /**
     * The resolved settings of the queue configured under {@code key}, with the open queue's actual attributes (the
     * configured ones until {@link #open()}).
     */
    public PosixMqQueueSettings info(String key) {
        return entry(key).info();
    }

    /** The resolved settings of every queue, in configuration order. */
    public List<PosixMqQueueSettings> infos() {
        return this.entries.values().stream().map(Entry::info).toList();
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

    /**
     * How the queue configured under {@code key} differs from its configuration when it already existed with other
     * attributes (capacity, max message size, mode; logged as a WARN when opened); empty when it matches.
     */
    public Optional<String> attributeMismatch(String key) {
        return Optional.ofNullable(entry(key).attached.mismatch());
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
        PosixMq old = entry.attached().mq();
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
                    if (attached == null) {
                        continue; // never opened
                    }
                    long left = this.startPending ? 0 : PosixMqQueueOpener.messagesIn(attached.mq());
                    attached.mq().close();
                    if (this.startPending) {
                        if (attached.created() != null) {
                            PosixMqQueueOpener.removeIfCreated(entry.configured, attached.created());
                        }
                    }
                    else if (entry.configured.removeOnShutdown()) {
                        PosixMqQueueOpener.removeIfCreated(entry.configured, attached.created(), left);
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
     * The queue one configured key is attached to, replaced as a whole by recovery.
     *
     * @param mq the open descriptor
     * @param info the settings with the queue's actual attributes
     * @param created the identity of the queue when this application created it, else null
     */
    private record Attached(PosixMq mq, PosixMqQueueSettings info, @Nullable QueueStat created,
            @Nullable String mismatch) {

        static Attached of(PosixMqQueueSettings configured, PosixMqQueueOpener.Opened opened) {
            PosixMq mq = opened.mq();
            return new Attached(mq, configured.withActual(mq.capacity(), mq.maxMessageSize()),
                    opened.created() ? opened.stat() : null, opened.mismatch());
        }
    }

    /** The state of one configured queue. */
    private static final class Entry {

        final PosixMqQueueSettings configured;

        /** The open queue; null until {@link PosixMqQueues#open()}. */
        volatile @Nullable Attached attached;

        volatile @Nullable String detachedReason;

        Entry(PosixMqQueueSettings configured) {
            this.configured = configured;
        }

        Attached attached() {
            Attached attached = this.attached;
            if (attached == null) {
                throw new IllegalStateException("POSIX message queue " + this.configured.name() + " ("
                        + this.configured.prefix() + ") is not open yet: the registry opens its queues when its bean "
                        + "is initialized (PosixMqQueues.open())");
            }
            return attached;
        }

        PosixMqQueueSettings info() {
            Attached attached = this.attached;
            return attached != null ? attached.info() : this.configured;
        }
    }

    /** The queue configured under one key, looked up at each use so that it follows recovery. */
    private record Supplier(PosixMqQueues queues, String key, String name, String prefix)
            implements PosixMqQueueSupplier {

        Supplier(PosixMqQueues queues, PosixMqQueueSettings queue) {
            this(queues, queue.key(), queue.name(), queue.prefix());
        }

        @Override
        public PosixMq get() {
            return this.queues.get(this.key);
        }

        @Override
        public String queueName() {
            return this.name;
        }

        @Override
        public String toString() {
            return "PosixMqQueueSupplier[" + this.name + ", " + this.prefix + "]";
        }
    }
}
