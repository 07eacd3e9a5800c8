package io.github.posixmq.integration.runtime;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.PosixMqException;
import io.github.posixmq.QueueAccessDeniedException;
import io.github.posixmq.QueueAlreadyExistsException;
import io.github.posixmq.QueueLimitExceededException;
import io.github.posixmq.QueueNotFoundException;
import io.github.posixmq.QueueStat;
import org.jspecify.annotations.Nullable;
import io.github.posixmq.SystemLimits;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Opens a configured queue read-write with its settings (creating it where configured), and turns a failure into a
 * {@link PosixMqConfigurationException} that names the property at fault and the fix.
 */
final class PosixMqQueueOpener {

    private static final Log logger = LogFactory.getLog(PosixMqQueueOpener.class);

    private PosixMqQueueOpener() {
    }

    /**
     * An open queue, with its identity and whether this call created it.
     *
     * @param mq the open descriptor
     * @param stat the queue's owner, mode, device and inode ({@code fstat})
     * @param created whether this call created the queue
     * @param mismatch how the existing queue's attributes differ from the configuration (logged as a WARN), or null
     */
    record Opened(PosixMq mq, QueueStat stat, boolean created, @Nullable String mismatch) {
    }

    /**
     * Opens (creating if configured) the queue; adds its name to {@code created} when this call created it. An
     * existing queue is adopted only when {@link QueueTrust} allows it; other attributes than configured (capacity,
     * message size, mode) are logged as a WARN.
     *
     * @throws PosixMqException when the queue cannot be opened (see {@link #failure})
     * @throws PosixMqConfigurationException when the existing queue is owned by another user or grants more than the
     *         configured mode (and the queue is not configured {@code shared})
     */
    static Opened open(PosixMqQueueSettings queue, List<String> created) {
        OpenOptions options = OpenOptions.readWrite().mode(queue.mode());
        if (queue.capacity() > 0) {
            options.capacity(queue.capacity());
        }
        if (queue.maxMessageSize() > 0) {
            options.maxMessageSize(queue.maxMessageSize());
        }
        PosixMq mq = null;
        if (queue.create()) {
            try {
                mq = options.createNew().open(queue.name());
            }
            catch (QueueAlreadyExistsException ex) {
                // adopted below only after the ownership check
            }
            if (mq != null) {
                created.add(queue.name());
                try {
                    return new Opened(mq, mq.stat(), true, null);
                }
                catch (RuntimeException ex) {
                    mq.close();
                    throw ex;
                }
            }
        }
        mq = options.existing().open(queue.name());
        try {
            QueueStat stat = mq.stat();
            PosixMqConfigurationException refusal = QueueTrust.refusal(queue, stat);
            if (refusal != null) {
                throw refusal;
            }
            String mismatch = mismatch(queue, mq, stat);
            if (mismatch != null) {
                logger.warn(mismatch);
            }
            return new Opened(mq, stat, false, mismatch);
        }
        catch (RuntimeException ex) {
            mq.close();
            throw ex;
        }
    }

    /** How the existing queue differs from its configuration (capacity, message size, mode), or null. */
    private static @Nullable String mismatch(PosixMqQueueSettings queue, PosixMq mq, QueueStat stat) {
        if ((queue.capacity() > 0 && queue.capacity() != mq.capacity())
                || (queue.maxMessageSize() > 0 && queue.maxMessageSize() != mq.maxMessageSize())
                || stat.mode() != QueueTrust.created(queue.mode())) {
            return ("Queue " + queue.name() + " (" + queue.prefix() + ") already existed with capacity "
                    + mq.capacity() + ", max message size " + mq.maxMessageSize() + " and mode "
                    + QueueTrust.octal(stat.mode()) + ", not the configured " + describe(queue.capacity()) + ", "
                    + describe(queue.maxMessageSize()) + " and " + queue.modeString()
                    + "; a queue's attributes are fixed when it is created: remove it (mq_unlink) to apply the settings");
        }
        return null;
    }

    /** A configured size, or "system default" for 0. */
    static String describe(long value) {
        return value > 0 ? Long.toString(value) : "system default";
    }

    /** Why {@code queue} could not be opened, as the property to change and how. */
    static PosixMqConfigurationException failure(PosixMqQueueSettings queue, PosixMqException ex) {
        String prefix = queue.prefix();
        if (ex instanceof QueueNotFoundException) {
            return new PosixMqConfigurationException(prefix + ".create", false, "queue " + queue.name()
                    + " does not exist and create is false", "Start the program that creates " + queue.name()
                    + " first, or set " + prefix + ".create=true so this application creates it.", ex);
        }
        if (ex instanceof QueueLimitExceededException) {
            return limitFailure(queue, ex);
        }
        if (ex instanceof QueueAccessDeniedException) {
            return new PosixMqConfigurationException(prefix + ".name", queue.name(), String.valueOf(ex.getMessage()),
                    "Run as the queue's owner, ask the owner to create it with a mode that grants this user read and write "
                    + "access (" + prefix + ".mode in that application), or remove the queue so this application can "
                    + "create it.", ex);
        }
        return new PosixMqConfigurationException(prefix, null, String.valueOf(ex.getMessage()),
                "Check the settings of " + prefix + " and the system limits under " + SystemLimits.PROC_DIR + ".", ex);
    }

    /**
     * The end of the advice: raising the sysctl to {@code value} when the kernel allows it, else why no setting helps
     * (the kernel refuses {@code sysctl} values above its hard limit).
     */
    static String raise(String file, long value, long hardLimit, String hardName) {
        if (value > hardLimit) {
            return "; no sysctl helps: " + value + " is above the kernel's hard limit " + hardLimit + " (" + hardName
                    + "), which " + SystemLimits.path(file) + " cannot exceed.";
        }
        return ", or raise the limit (sysctl fs.mqueue." + file + "=" + value + "; at most " + hardLimit + ").";
    }

    private static PosixMqConfigurationException limitFailure(PosixMqQueueSettings queue, PosixMqException ex) {
        String prefix = queue.prefix();
        SystemLimits limits = SystemLimits.read();
        if (limits.msgMax() > 0 && queue.capacity() > limits.msgMax()) {
            return new PosixMqConfigurationException(prefix + ".capacity", queue.capacity(), "the capacity exceeds "
                    + SystemLimits.path("msg_max") + " (" + limits.msgMax() + ")", "Set " + prefix
                    + ".capacity to at most " + limits.msgMax() + raise("msg_max", queue.capacity(),
                            SystemLimits.HARD_MSGMAX, "HARD_MSGMAX"), ex);
        }
        if (limits.msgsizeMax() > 0 && queue.maxMessageSize() > limits.msgsizeMax()) {
            return new PosixMqConfigurationException(prefix + ".max-message-size", queue.maxMessageSize(),
                    "the max message size exceeds " + SystemLimits.path("msgsize_max") + " (" + limits.msgsizeMax()
                            + ")",
                    "Set " + prefix + ".max-message-size to at most " + limits.msgsizeMax()
                            + raise("msgsize_max", queue.maxMessageSize(), SystemLimits.HARD_MSGSIZEMAX,
                                    "HARD_MSGSIZEMAX"),
                    ex);
        }
        return new PosixMqConfigurationException(prefix, null, String.valueOf(ex.getMessage()), "Lower " + prefix
                + ".capacity or " + prefix + ".max-message-size, remove unused queues, or raise the system limit "
                + "named above.", ex);
    }

    /** A dead-letter queue must take every message of the queue it serves. */
    static void checkDeadLetterSizes(Map<String, PosixMqQueueSettings> infos) {
        for (PosixMqQueueSettings queue : infos.values()) {
            String deadLetter = queue.inbound().deadLetterQueue();
            PosixMqQueueSettings target = deadLetter != null ? infos.get(deadLetter) : null;
            if (target != null && target.maxMessageSize() < queue.maxMessageSize()) {
                throw new PosixMqConfigurationException(queue.prefix() + ".inbound.dead-letter-queue",
                        queue.inbound().deadLetterQueue(), "its max message size " + target.maxMessageSize()
                                + " is smaller than the " + queue.maxMessageSize() + " bytes of " + queue.name()
                                + ", so a large failed message could not be kept",
                        "Set " + target.prefix() + ".max-message-size to at least " + queue.maxMessageSize()
                                + " (and recreate that queue if it exists).",
                        null);
            }
        }
    }

    /**
     * Removes the queue now named as {@code queue} configures when it is the one this application created (same
     * device and inode as {@code created}); logs why not otherwise.
     */
    static void removeIfCreated(PosixMqQueueSettings queue, @Nullable QueueStat created) {
        removeIfCreated(queue, created, 0);
    }

    /** Like {@link #removeIfCreated(PosixMqQueueSettings, QueueStat)}; says so when {@code left} messages go with it. */
    static void removeIfCreated(PosixMqQueueSettings queue, @Nullable QueueStat created, long left) {
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
        else if (left > 0) {
            // removing the name frees what is queued: say so, it is not lost silently
            logger.warn("Removed POSIX message queue " + name + " (" + queue.prefix() + ".remove-on-shutdown) with "
                    + left + " message(s) still in it; they are gone with it. Set remove-on-shutdown: false to keep a "
                    + "queue that may hold messages at shutdown.");
        }
    }

    /** The messages {@code mq} holds now, or 0 when that cannot be read. */
    static long messagesIn(PosixMq mq) {
        try {
            return mq.currentMessages();
        }
        catch (RuntimeException ex) {
            return 0;
        }
    }

    /** Whether /proc/self/fd shows which queues were removed (checked on the first queue); recovery depends on it. */
    static boolean canTellRemovedQueues(Collection<PosixMq> queues) {
        if (queues.isEmpty()) {
            return true;
        }
        PosixMq mq = queues.iterator().next();
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

    /**
     * Undoes the opening of one queue of a failed start: closes {@code mq} and removes the queue when this start
     * created it, but only while the name still refers to that queue (same device and inode: another process may have
     * removed and recreated it meanwhile); a failed removal is added to {@code failure}.
     */
    static void undo(PosixMqQueueSettings queue, PosixMq mq, @Nullable QueueStat created, List<String> createdNames,
            RuntimeException failure) {
        mq.close();
        if (created != null) {
            try {
                removeIfCreated(queue, created);
            }
            catch (RuntimeException removal) {
                failure.addSuppressed(removal);
            }
        }
        createdNames.remove(queue.name());
    }

    /** Queues created by the call that failed, before their fstat: their identity is unknown, so none is removed. */
    static void warnUnidentified(List<String> createdNames) {
        createdNames.forEach((name) -> logger.warn("Not removing POSIX message queue " + name + " after the failed "
                + "start: it was created but its identity (device, inode) could not be read"));
    }
}
