package io.github.posixmq.boot;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.PosixMqException;
import io.github.posixmq.QueueAccessDeniedException;
import io.github.posixmq.QueueAlreadyExistsException;
import io.github.posixmq.QueueLimitExceededException;
import io.github.posixmq.QueueNotFoundException;
import io.github.posixmq.SystemLimits;
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
 * for this process only: no other process can reach it any more. Unless {@code posixmq.recovery.enabled} is false,
 * a daemon thread checks every queue each {@code posixmq.recovery.check-interval} (one {@code readlink} of
 * {@code /proc/self/fd/<fd>} per queue). When a name was removed it logs one WARN line and marks the queue
 * {@linkplain #detachedReason detached} (health DOWN); it then recreates the queue with its configured settings
 * ({@code create: true}) or waits until another program creates it ({@code create: false}), switches {@link #get} to
 * the new descriptor, closes the old one, and moves the messages still in the removed queue into the new one
 * (priorities kept; what does not fit yet follows as room frees up). {@link PosixMqTemplate} and the channel
 * adapters look the descriptor up for each operation, and an operation that meets the closed old descriptor is
 * retried once on the new one: nothing is lost. Code that keeps a {@code PosixMq} from {@link #get} for long should
 * look it up again when it gets a {@link io.github.posixmq.QueueClosedException}.
 */
public final class PosixMqQueues implements PosixMqQueueResolver, AutoCloseable {

    private static final Log logger = LogFactory.getLog(PosixMqQueues.class);


    /** The resolved settings as configured (capacity and size 0 = system default), by key. */
    private final Map<String, QueueInfo> configured;

    private final Map<String, Entry> entries;

    /** The property prefix of the queues, named in errors and log lines ({@code posixmq.queues}). */
    private final String root;

    private final boolean recoveryEnabled;

    private final Duration checkInterval;

    private final @Nullable ScheduledThreadPoolExecutor watchdog;

    /** Held by a recovery check and by {@link #close()}: they never overlap. */
    private final Object lock = new Object();

    private volatile boolean closed;

    /**
     * Validates {@code properties}, opens (creating where configured) every queue and, unless
     * {@code posixmq.recovery.enabled} is false, starts watching them for a removed name.
     *
     * @throws PosixMqConfigurationException naming the property at fault when a queue is misconfigured or cannot be
     *         opened
     */
    public PosixMqQueues(PosixMqProperties properties) {
        this(properties, PosixMqPropertiesValidator.ROOT);
    }

    /**
     * Like {@link #PosixMqQueues(PosixMqProperties)} for queues configured under another property prefix than
     * {@code posixmq.queues}, such as a binder's binding properties: errors and log lines name
     * {@code <root>.<key>.<property>}.
     */
    public PosixMqQueues(PosixMqProperties properties, String root) {
        Assert.notNull(properties, "properties must not be null");
        Assert.hasText(root, "root must not be empty");
        this.root = root;
        Map<String, QueueInfo> resolved = PosixMqPropertiesValidator.validate(properties, root);
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<String> created = new ArrayList<>();
        try {
            for (QueueInfo info : resolved.values()) {
                PosixMq mq;
                try {
                    mq = open(PosixMqPropertiesValidator.prefix(root, info.key()), info, created);
                }
                catch (PosixMqException ex) {
                    throw openFailure(root, info, ex);
                }
                entries.put(info.key(), new Entry(info, mq));
            }
            Map<String, QueueInfo> actual = new LinkedHashMap<>();
            entries.forEach((key, entry) -> actual.put(key, entry.info));
            checkDeadLetterSizes(root, actual);
        }
        catch (RuntimeException ex) {
            // a failed start leaves nothing behind: close what it opened, remove what it created
            entries.values().forEach(entry -> entry.current.close());
            created.forEach(PosixMq::unlinkIfExists);
            throw ex;
        }
        this.configured = Collections.unmodifiableMap(resolved);
        this.entries = Collections.unmodifiableMap(entries);
        this.checkInterval = properties.getRecovery().getCheckInterval();
        this.recoveryEnabled = properties.getRecovery().isEnabled() && canTellRemovedQueues(entries.values());
        this.watchdog = this.recoveryEnabled && !entries.isEmpty() ? startWatchdog() : null;
    }

    /** Whether /proc/self/fd shows which queues were removed (checked on the first queue); recovery depends on it. */
    private static boolean canTellRemovedQueues(Collection<Entry> entries) {
        if (entries.isEmpty()) {
            return true;
        }
        PosixMq mq = entries.iterator().next().current;
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

    private ScheduledThreadPoolExecutor startWatchdog() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
            Thread thread = new Thread(runnable, "posixmq-recovery");
            thread.setDaemon(true);
            return thread;
        });
        long nanos = this.checkInterval.toNanos();
        executor.scheduleWithFixedDelay(this::check, nanos, nanos, TimeUnit.NANOSECONDS);
        return executor;
    }

    /** A dead-letter queue must take every message of the queue it serves. */
    private static void checkDeadLetterSizes(String root, Map<String, QueueInfo> infos) {
        for (QueueInfo info : infos.values()) {
            String deadLetter = info.properties().getInbound().getDeadLetterQueue();
            if (deadLetter == null) {
                continue;
            }
            QueueInfo target = infos.get(PosixMqPropertiesValidator.findKey(deadLetter, infos));
            if (target != null && target.maxMessageSize() < info.maxMessageSize()) {
                String prefix = PosixMqPropertiesValidator.prefix(root, info.key());
                throw new PosixMqConfigurationException(prefix + ".inbound.dead-letter-queue", deadLetter,
                        "its max message size " + target.maxMessageSize() + " is smaller than the "
                                + info.maxMessageSize() + " bytes of " + info.name()
                                + ", so a large failed message could not be kept",
                        "Set " + PosixMqPropertiesValidator.prefix(root, target.key()) + ".max-message-size to at least "
                                + info.maxMessageSize() + " (and recreate that queue if it exists).",
                        null);
            }
        }
    }

    /**
     * Opens (creating if configured) the queue; adds its name to {@code created} when this call created it, and warns
     * when an existing queue has other attributes than configured.
     */
    private static PosixMq open(String prefix, QueueInfo info, List<String> created) {
        OpenOptions options = OpenOptions.readWrite().mode(info.mode());
        if (info.capacity() > 0) {
            options.capacity(info.capacity());
        }
        if (info.maxMessageSize() > 0) {
            options.maxMessageSize(info.maxMessageSize());
        }
        PosixMq mq;
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
        if ((info.capacity() > 0 && info.capacity() != mq.capacity())
                || (info.maxMessageSize() > 0 && info.maxMessageSize() != mq.maxMessageSize())) {
            logger.warn("Queue " + info.name() + " (" + prefix + ") already existed with capacity "
                    + mq.capacity() + " and max message size " + mq.maxMessageSize() + ", not the configured "
                    + describe(info.capacity()) + " and " + describe(info.maxMessageSize())
                    + "; a queue's attributes are fixed when it is created: remove it (mq_unlink) to apply the settings");
        }
        return mq;
    }

    private static String describe(long value) {
        return value > 0 ? Long.toString(value) : "system default";
    }

    private static PosixMqConfigurationException openFailure(String root, QueueInfo info, PosixMqException ex) {
        String prefix = PosixMqPropertiesValidator.prefix(root, info.key());
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
     * The open queue configured under {@code key}; shared, do not close it. Look it up for each use: when recovery
     * switches to a recreated queue, the descriptor returned before is closed.
     *
     * @throws IllegalArgumentException when no queue has that key (the message lists the keys)
     */
    public PosixMq get(String key) {
        return this.entries.get(checkKey(key)).current;
    }

    /**
     * The queue configured under {@code key} as a supplier for the channel adapters and the DSL: it looks the
     * descriptor up at each use, so it follows recovery.
     *
     * @throws IllegalArgumentException when no queue has that key (the message lists the keys)
     */
    @Override
    public PosixMqQueueSupplier resolve(String key) {
        return new RegistryQueueSupplier(this, checkKey(key));
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
        return this.configured.get(checkKey(key)).name();
    }

    /** The resolved settings of the queue configured under {@code key}, with the open queue's actual attributes. */
    public QueueInfo info(String key) {
        return this.entries.get(checkKey(key)).info;
    }

    /** The resolved settings of every queue, in configuration order. */
    public List<QueueInfo> infos() {
        return this.entries.values().stream().map((entry) -> entry.info).toList();
    }

    /** The key of the configured queue whose key or queue name is {@code keyOrName}, if any. */
    public Optional<String> findKey(String keyOrName) {
        Assert.hasText(keyOrName, "keyOrName must not be empty");
        return Optional.ofNullable(PosixMqPropertiesValidator.findKey(keyOrName, this.configured));
    }

    /**
     * Why the queue configured under {@code key} is detached: its name was removed ({@code mq_unlink}) while the
     * application held it, and recovery has not yet switched to a queue of that name; empty while it is attached.
     */
    public Optional<String> detachedReason(String key) {
        return Optional.ofNullable(this.entries.get(checkKey(key)).detachedReason);
    }

    /** Whether the queues are watched for a removed name and recovered ({@code posixmq.recovery.enabled}). */
    public boolean isRecoveryEnabled() {
        return this.recoveryEnabled;
    }

    /** How often recovery checks the queues ({@code posixmq.recovery.check-interval}). */
    public Duration recoveryCheckInterval() {
        return this.checkInterval;
    }

    /** The property prefix of the queue configured under {@code key}, such as {@code posixmq.queues.orders}. */
    public String prefix(String key) {
        return PosixMqPropertiesValidator.prefix(this.root, key);
    }

    private String checkKey(String key) {
        Assert.notNull(key, "key must not be null");
        if (!this.entries.containsKey(key)) {
            throw new IllegalArgumentException("no POSIX message queue is configured under " + prefix(key)
                    + "; the configured keys are " + this.entries.keySet());
        }
        return key;
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

    // ---------------------------------------------------------------- recovery

    /** One recovery check of every queue; run by the watchdog thread every check interval. */
    void check() {
        synchronized (this.lock) {
            if (this.closed || !this.recoveryEnabled) {
                return;
            }
            for (Entry entry : this.entries.values()) {
                try {
                    check(entry);
                }
                catch (RuntimeException ex) {
                    failed(entry, "check", ex);
                }
            }
        }
    }

    private void check(Entry entry) {
        if (entry.detachedReason == null && isRemoved(entry.current)) {
            detach(entry);
        }
        if (entry.detachedReason != null) {
            reattach(entry);
        }
        if (entry.hasMessagesToMove()) {
            moveMessages(entry, false);
        }
    }

    private void detach(Entry entry) {
        QueueInfo info = entry.configured;
        String prefix = prefix(info.key());
        entry.detachedBecause = "queue " + info.name() + " was removed (mq_unlink) while this application held it "
                + "open, so no other process can reach the queue this application uses; "
                + (info.create() ? "recreating it" : "waiting for another program to create it again (" + prefix
                        + ".create is false)")
                + ", then its messages are moved to the new queue";
        logger.warn("POSIX message queue " + info.name() + " (" + prefix + ") was removed (mq_unlink) while this "
                + "application used it: other processes can no longer reach it. "
                + (info.create() ? "Recreating it now (capacity " + describe(info.capacity()) + ", max message size "
                        + describe(info.maxMessageSize()) + ", mode " + info.modeString() + ")"
                        : "Waiting for another program to create it again (" + prefix + ".create is false), checking "
                                + "every " + format(this.checkInterval) + "; until then this application keeps "
                                + "sending to and receiving from the removed queue")
                + "; the messages in the removed queue will be moved to the new one.");
        entry.detachedReason = entry.detachedBecause;
    }

    private void reattach(Entry entry) {
        QueueInfo info = entry.configured;
        List<String> created = new ArrayList<>(1);
        PosixMq fresh;
        try {
            fresh = open(prefix(info.key()), info, created);
        }
        catch (QueueNotFoundException ex) {
            if (!info.create()) {
                return; // still waiting for another program to create it
            }
            failed(entry, "recreate", ex);
            return;
        }
        catch (PosixMqException ex) {
            failed(entry, info.create() ? "recreate" : "reopen", ex);
            return;
        }
        if (isRemoved(fresh)) {
            fresh.close(); // removed again already: the next check tries again
            return;
        }
        PosixMq old = entry.current;
        PosixMq removed;
        try {
            // keeps the removed queue alive after the old descriptor is closed, to move its messages
            removed = old.duplicate();
        }
        catch (RuntimeException ex) {
            fresh.close();
            failed(entry, "switch", ex);
            return;
        }
        entry.info = info.withActual(fresh.capacity(), fresh.maxMessageSize());
        entry.current = fresh;
        entry.detachedReason = null;
        entry.lastFailure = null;
        // wakes the threads blocked on the old descriptor (QueueClosedException, selectors): they follow get()
        old.close();
        entry.removed.add(new RemovedQueue(removed, System.nanoTime()));
        long[] moved = moveMessages(entry, false);
        logger.info("POSIX message queue " + info.name() + " (" + prefix(info.key())
                + ") is back: " + (created.isEmpty() ? "opened the queue that now has that name" : "recreated it")
                + " and switched to it; moved " + moved[0] + " message(s) from the removed queue"
                + (moved[1] > 0 ? "; " + moved[1] + " more wait until the new queue has room" : ""));
    }

    /** Logs a failed recovery step once per distinct message, and puts it into the detached reason. */
    private void failed(Entry entry, String step, RuntimeException ex) {
        String failure = ex.getClass().getSimpleName() + ": " + ex.getMessage();
        String because = entry.detachedBecause;
        if (entry.detachedReason != null && because != null) {
            entry.detachedReason = because + "; the last attempt to " + step + " it failed: " + failure;
        }
        if (!failure.equals(entry.lastFailure)) {
            entry.lastFailure = failure;
            logger.warn("Cannot " + step + " POSIX message queue " + entry.configured.name() + " ("
                    + prefix(entry.configured.key()) + "): " + failure + "; trying again every "
                    + format(this.checkInterval));
        }
    }

    /**
     * Moves the messages taken from removed queues, then those still in them, into the current queue while it has
     * room; closes a removed queue once it is empty and no send can still reach it (one check interval after its
     * descriptor was closed, or at once when {@code closing}). Returns the messages moved and those left.
     */
    private long[] moveMessages(Entry entry, boolean closing) {
        PosixMq target = entry.current;
        long moved = 0;
        for (Iterator<HeldMessage> held = entry.held.iterator(); held.hasNext();) {
            HeldMessage message = held.next();
            if (message.bytes().length > target.maxMessageSize()) {
                continue;
            }
            if (!target.trySend(message.bytes(), message.priority())) {
                break;
            }
            held.remove();
            moved++;
        }
        long left = entry.held.size();
        for (Iterator<RemovedQueue> queues = entry.removed.iterator(); queues.hasNext();) {
            RemovedQueue removed = queues.next();
            moved += drain(entry, removed.queue(), target);
            long remaining = removed.queue().currentMessages();
            if (remaining == 0
                    && (closing || System.nanoTime() - removed.closedAt() >= this.checkInterval.toNanos())) {
                removed.queue().close();
                queues.remove();
            }
            left += remaining;
        }
        return new long[] { moved, left };
    }

    /** Moves the messages of {@code removed} into {@code target} while it has room; returns how many. */
    private long drain(Entry entry, PosixMq removed, PosixMq target) {
        long pending = removed.currentMessages();
        if (pending == 0) {
            return 0;
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) removed.maxMessageSize());
        long moved = 0;
        for (; pending > 0 && target.currentMessages() < target.capacity(); pending--) {
            buffer.clear();
            int priority = removed.tryReceive(buffer);
            if (priority == PosixMq.NO_MESSAGE) {
                break;
            }
            buffer.flip();
            int size = buffer.remaining();
            if (size > target.maxMessageSize()) {
                hold(entry, buffer, priority);
                logger.warn("A message of " + size + " bytes in the removed POSIX message queue "
                        + entry.configured.name() + " is larger than the max message size " + target.maxMessageSize()
                        + " of the queue that now has that name; it is kept in memory and lost at shutdown");
                continue;
            }
            boolean sent;
            try {
                sent = target.trySend(buffer, priority);
            }
            catch (RuntimeException ex) {
                hold(entry, buffer, priority);
                throw ex;
            }
            if (!sent) {
                hold(entry, buffer, priority); // another sender took the room: the next check sends it first
                break;
            }
            moved++;
        }
        return moved;
    }

    private static void hold(Entry entry, ByteBuffer buffer, int priority) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        entry.held.add(new HeldMessage(bytes, priority));
    }

    private static String format(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }

    // ---------------------------------------------------------------- closing

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return this.closed;
    }

    /**
     * Stops recovery, closes every descriptor and removes the queues configured with {@code remove-on-shutdown}.
     * Idempotent.
     */
    @Override
    public void close() {
        synchronized (this.lock) {
            if (this.closed) {
                return;
            }
            this.closed = true;
            if (this.watchdog != null) {
                this.watchdog.shutdown();
            }
            List<RuntimeException> failures = new ArrayList<>();
            for (Entry entry : this.entries.values()) {
                try {
                    closeEntry(entry);
                }
                catch (RuntimeException ex) {
                    failures.add(ex);
                }
            }
            for (RuntimeException failure : failures) {
                logger.warn("Failed to close or remove a POSIX message queue: " + failure.getMessage());
            }
        }
    }

    private void closeEntry(Entry entry) {
        try {
            if (entry.hasMessagesToMove()) {
                long left = moveMessages(entry, true)[1];
                if (left > 0) {
                    logger.error("LOST " + left + " message(s) of POSIX message queue " + entry.configured.name()
                            + " at shutdown: they were still in the removed queue (or too large for the queue that "
                            + "replaced it) because the new queue had no room");
                }
            }
        }
        finally {
            entry.removed.forEach((removed) -> removed.queue().close());
            entry.removed.clear();
            entry.current.close();
            if (entry.configured.removeOnShutdown()) {
                PosixMq.unlinkIfExists(entry.configured.name());
            }
        }
    }

    @Override
    public String toString() {
        return "PosixMqQueues" + this.entries.keySet();
    }

    /** The state of one configured queue. */
    private static final class Entry {

        final QueueInfo configured;

        volatile QueueInfo info;

        volatile PosixMq current;

        volatile @Nullable String detachedReason;

        /** The detached reason without the last failure; recovery thread only. */
        @Nullable String detachedBecause;

        /** The last recovery failure logged; recovery thread only. */
        @Nullable String lastFailure;

        /** Removed queues still held open for their messages; recovery thread only. */
        final List<RemovedQueue> removed = new ArrayList<>();

        /** Messages taken out of a removed queue that the new queue had no room for yet; recovery thread only. */
        final Deque<HeldMessage> held = new ArrayDeque<>();

        Entry(QueueInfo configured, PosixMq mq) {
            this.configured = configured;
            this.info = configured.withActual(mq.capacity(), mq.maxMessageSize());
            this.current = mq;
        }

        boolean hasMessagesToMove() {
            return !this.removed.isEmpty() || !this.held.isEmpty();
        }
    }

    /** A removed queue, held open on a duplicate of the descriptor that was closed at {@code closedAt}. */
    private record RemovedQueue(PosixMq queue, long closedAt) {
    }

    /** A message taken out of a removed queue, not yet in the new one. */
    private record HeldMessage(byte[] bytes, int priority) {
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
