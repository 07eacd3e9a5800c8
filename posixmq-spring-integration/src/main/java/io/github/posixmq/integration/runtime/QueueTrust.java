package io.github.posixmq.integration.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueNotFoundException;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueStat;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether an existing queue may be adopted: only when {@code fstat} shows this process's effective user as
 * its owner and no permission beyond the configured mode, unless the queue is configured {@code shared}. A queue
 * another user created under the expected name (squatting) could otherwise read every message and inject forged ones.
 */
public final class QueueTrust {

    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    private static final Path PASSWD = Path.of("/etc/passwd");

    private static volatile int effectiveUid = -1;

    private QueueTrust() {
    }

    /**
     * Why the existing queue {@code stat} describes must not be adopted for {@code queue}, or null when it may be
     * (owned by this user with no permission beyond the configured mode, or {@code shared: true}).
     */
    public static @Nullable PosixMqConfigurationException refusal(PosixMqQueueSettings queue, QueueStat stat) {
        if (queue.shared()) {
            return null;
        }
        int self = effectiveUid();
        boolean foreign = stat.uid() != self;
        boolean wider = stat.grantsBeyond(queue.mode());
        if (!foreign && !wider) {
            return null;
        }
        String mode = octal(stat.mode());
        String reason = "existing queue " + queue.name() + " is owned by " + user(stat.uid()) + " with mode " + mode
                + (foreign ? ", not by this application's user " + user(self) : "")
                + (wider ? (foreign ? " and" : ", which") + " grants more than the configured mode "
                        + queue.modeString() : "")
                + "; another user could read its messages or send forged ones, so it is not adopted";
        String action = "Remove the queue (rm /dev/mqueue" + queue.name() + " as its owner or root) so that this "
                + "application creates it" + (foreign ? ", or run this application as " + user(stat.uid()) : "")
                + (wider && !foreign ? ", or have its creator use mode " + queue.modeString() : "") + "; if sharing "
                + "it is intended, set " + queue.prefix() + ".shared=true.";
        return new PosixMqConfigurationException(queue.prefix() + ".shared", "false", reason, action, null);
    }

    /**
     * Why the queue {@code name}, opened by name rather than configured (a template's ad-hoc destination, a reply
     * queue named by a requester), must not be used, or null when it may: {@code fstat} on the opened descriptor
     * ({@code stat}) shows this process's effective user as owner and no permission beyond {@code allowedMode}. The
     * same rule as for an adopted configured queue ({@link #refusal(PosixMqQueueSettings, QueueStat)}).
     */
    public static @Nullable String refusal(String name, QueueStat stat, int allowedMode) {
        int self = effectiveUid();
        boolean foreign = stat.uid() != self;
        boolean wider = stat.grantsBeyond(allowedMode);
        if (!foreign && !wider) {
            return null;
        }
        return "queue " + name + " is owned by " + user(stat.uid()) + " with mode " + octal(stat.mode())
                + (foreign ? ", not by this application's user " + user(self) : "")
                + (wider ? (foreign ? " and" : ", which") + " grants more than " + octal(allowedMode) : "")
                + "; another user could read its messages or send forged ones";
    }

    /**
     * Opens the existing queue {@code name} with {@code options} (which must not create it) and checks it with
     * {@link #refusal(String, QueueStat, int)} on the opened descriptor, never by a second look-up by name; a refused
     * queue is closed at once.
     *
     * @throws UntrustedQueueException when the queue fails the check
     * @throws io.github.posixmq.PosixMqException when it cannot be opened
     */
    public static PosixMq openTrusted(String name, OpenOptions options,
            int allowedMode) {
        PosixMq mq = options.existing().open(name);
        try {
            QueueStat stat = mq.stat();
            String refusal = refusal(mq.name(), stat, allowedMode);
            if (refusal != null) {
                throw new UntrustedQueueException(mq.name(), stat, refusal);
            }
            return mq;
        }
        catch (RuntimeException ex) {
            mq.close();
            throw ex;
        }
    }

    /**
     * Removes the queue now named {@code name} only when it is still the queue {@code created} identifies (same device
     * and inode, from {@code fstat} when this application created it); true when it was removed or is gone. Call it
     * after closing this application's descriptors of the queue.
     */
    public static boolean unlinkIfSame(String name, QueueStat created) {
        QueueStat now;
        try (PosixMq current = OpenOptions.readOnly().existing().open(name)) {
            now = current.stat();
        }
        catch (QueueNotFoundException ex) {
            return true;
        }
        if (!now.isSameQueue(created)) {
            return false;
        }
        PosixMq.unlinkIfExists(name);
        return true;
    }

    /** {@code mode} as an octal string with a leading zero, such as {@code 0600}. */
    public static String octal(int mode) {
        return String.format("0%03o", mode);
    }

    /**
     * This process's effective user id (from {@code /proc/self/status}, read once: checks of queues opened by name run
     * for every reply, and a JVM does not change its user).
     */
    public static int effectiveUid() {
        int uid = effectiveUid;
        if (uid < 0) {
            String uids = status("Uid:");
            if (uids == null) {
                throw new IllegalStateException("no Uid line in " + PROC_STATUS);
            }
            uid = Integer.parseInt(uids.split("\\s+")[1]);
            effectiveUid = uid;
        }
        return uid;
    }

    /** The mode a queue created with {@code mode} gets: without the bits of this process's umask (0 if unknown). */
    static int created(int mode) {
        String umask = status("Umask:");
        return umask != null ? mode & ~Integer.parseInt(umask, 8) : mode;
    }

    private static @Nullable String status(String field) {
        try {
            for (String line : Files.readAllLines(PROC_STATUS, StandardCharsets.UTF_8)) {
                if (line.startsWith(field)) {
                    return line.substring(field.length()).trim();
                }
            }
            return null;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + PROC_STATUS, ex);
        }
    }

    /** {@code uid 65534 (nobody)}, or {@code uid 1234} when {@code /etc/passwd} does not name it. */
    public static String user(int uid) {
        try {
            List<String> lines = Files.readAllLines(PASSWD, StandardCharsets.UTF_8);
            for (String line : lines) {
                String[] fields = line.split(":", -1);
                if (fields.length > 2 && fields[2].equals(Integer.toString(uid))) {
                    return "uid " + uid + " (" + fields[0] + ")";
                }
            }
        }
        catch (IOException | RuntimeException ex) {
            // the number alone is still exact
        }
        return "uid " + uid;
    }

    /**
     * Whether a descriptor of the queue {@code removed} refers to, other than {@code removed} itself, is open in a
     * process whose {@code /proc/<pid>/fd} this user can read (same device and inode). Processes of other users are
     * not visible to an ordinary user: their descriptors are covered by the idle cap of {@link RemovedQueueMover}.
     */
    static boolean isHeldElsewhere(PosixMq removed) {
        QueueStat stat = removed.stat();
        String link = removed.name() + " (deleted)";
        long self = ProcessHandle.current().pid();
        int ownFd = removed.fileDescriptor();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                boolean own = process.getFileName().toString().equals(Long.toString(self));
                if (holds(process.resolve("fd"), link, stat, own ? ownFd : -1)) {
                    return true;
                }
            }
        }
        catch (IOException | RuntimeException ex) {
            return true; // cannot tell: keep it (the idle cap lets it go)
        }
        return false;
    }

    private static boolean holds(Path fds, String link, QueueStat stat, int skipFd) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(fds)) {
            for (Path fd : entries) {
                if (fd.getFileName().toString().equals(Integer.toString(skipFd))) {
                    continue;
                }
                try {
                    if (!Files.readSymbolicLink(fd).toString().equals(link)) {
                        continue;
                    }
                    Object inode = Files.getAttribute(fd, "unix:ino");
                    Object device = Files.getAttribute(fd, "unix:dev");
                    if (inode instanceof Long ino && ino == stat.inode() && device instanceof Long dev
                            && dev == stat.device()) {
                        return true;
                    }
                }
                catch (IOException | RuntimeException ex) {
                    // gone meanwhile, or not readable
                }
            }
        }
        catch (IOException | RuntimeException ex) {
            // a process that ended, or of another user
        }
        return false;
    }
}
