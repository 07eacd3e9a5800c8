package io.github.posixmq;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.github.posixmq.internal.Bindings;
import io.github.posixmq.internal.Linux;
import io.github.posixmq.internal.Scratch;

/**
 * The POSIX message queue limits in force for this process, read at run time from {@code /proc/sys/fs/mqueue/*}
 * (per IPC namespace) and {@code getrlimit(RLIMIT_MSGQUEUE)}. A value that cannot be read is {@link #UNKNOWN}.
 *
 * @param msgMax most messages a queue may hold ({@code msg_max})
 * @param msgsizeMax largest message size ({@code msgsize_max})
 * @param msgDefault capacity of a queue created without attributes ({@code msg_default})
 * @param msgsizeDefault message size of a queue created without attributes ({@code msgsize_default})
 * @param queuesMax most queues in the IPC namespace ({@code queues_max})
 * @param rlimitMsgqueue bytes this user's queues may take ({@code RLIMIT_MSGQUEUE} soft limit; -1 = unlimited)
 * @param rlimitMsgqueueMax hard limit of {@code RLIMIT_MSGQUEUE} (-1 = unlimited)
 */
public record SystemLimits(long msgMax, long msgsizeMax, long msgDefault, long msgsizeDefault, long queuesMax,
        long rlimitMsgqueue, long rlimitMsgqueueMax) {

    /** A limit that could not be read. */
    public static final long UNKNOWN = -2;

    /** The kernel's {@code HARD_MSGMAX}: no queue holds more messages, whatever {@code msg_max} says. */
    public static final long HARD_MSGMAX = Linux.HARD_MSGMAX;

    /** The kernel's {@code HARD_MSGSIZEMAX} (16 MiB): no queue takes larger messages, whatever {@code msgsize_max} says. */
    public static final long HARD_MSGSIZEMAX = Linux.HARD_MSGSIZEMAX;

    /** The directory the kernel publishes the limits in. */
    public static final String PROC_DIR = "/proc/sys/fs/mqueue";

    /** Reads the limits now (they can change while the process runs). */
    public static SystemLimits read() {
        return new SystemLimits(proc("msg_max"), proc("msgsize_max"), proc("msg_default"),
                proc("msgsize_default"), proc("queues_max"), rlimit(Linux.RLIMIT_MSGQUEUE, false),
                rlimit(Linux.RLIMIT_MSGQUEUE, true));
    }

    /**
     * The native binding this JVM uses for every queue: {@code "ffm"} (the JDK's Foreign Function &amp; Memory API,
     * Java 22+ with native access enabled) or {@code "jna"}; the system property {@code posixmq.binding} forces one.
     */
    public static String binding() {
        return Bindings.name();
    }

    /** The soft or hard {@code getrlimit} value of {@code resource} (-1 = unlimited), or {@link #UNKNOWN}. */
    static long rlimit(int resource, boolean hard) {
        if (Bindings.unsupportedReason() != null) {
            return UNKNOWN;
        }
        Scratch scratch = Scratch.get();
        if (Bindings.instance().getrlimit(resource, scratch.word()) != 0) {
            return UNKNOWN;
        }
        return scratch.getLong(scratch.wordOffset() + (hard ? 8 : 0));
    }

    /** The path of one limit file, such as {@code /proc/sys/fs/mqueue/msg_max}. */
    public static String path(String limit) {
        return PROC_DIR + "/" + limit;
    }

    /**
     * How many queues this process's IPC namespace holds now, from {@code /dev/mqueue} if an mqueue file system is
     * mounted there, else UNKNOWN.
     */
    public static long queuesInUse() {
        Path dir = Path.of("/dev/mqueue");
        if (!isMqueueMounted()) {
            return UNKNOWN;
        }
        try (var entries = Files.list(dir)) {
            return entries.count();
        }
        catch (IOException | RuntimeException ex) {
            return UNKNOWN;
        }
    }

    /** Whether the last mount on {@code /dev/mqueue} in {@code /proc/self/mountinfo} is an mqueue file system. */
    static boolean isMqueueMounted() {
        boolean mqueue = false;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
                String[] fields = line.split(" ");
                int separator = List.of(fields).indexOf("-");
                if (fields.length > 4 && separator > 0 && separator + 1 < fields.length
                        && fields[4].equals("/dev/mqueue")) {
                    mqueue = fields[separator + 1].equals("mqueue");
                }
            }
        }
        catch (IOException | RuntimeException ex) {
            return false;
        }
        return mqueue;
    }

    /** The number in {@code /proc/sys/fs/mqueue/<name>}, or {@link #UNKNOWN}. */
    static long proc(String name) {
        try {
            // Files.readString reads only the first byte of a /proc/sys file (its size is 0): use a stream, into a
            // buffer that fits any long and its newline (readAllBytes allocates 16 KB chunks for a file of size 0)
            try (var in = new FileInputStream(path(name))) {
                byte[] text = new byte[32];
                int length = in.readNBytes(text, 0, text.length);
                return Long.parseLong(new String(text, 0, length, StandardCharsets.US_ASCII).trim());
            }
        }
        catch (IOException | RuntimeException ex) {
            return UNKNOWN;
        }
    }
}
