package io.github.posixmq.integration.runtime;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueStat;

/**
 * The one executor, shared by every registry of the process, on which the forwarders of removed queues run: at most
 * {@value #THREADS} daemon threads, whatever the number of queues or of removals. A forwarder is a short,
 * non-blocking step that reschedules itself, never a thread of its own.
 */
final class RemovedQueueForwarders {

    /** The most threads forwarding removed queues, in the whole process. */
    static final int THREADS = 2;

    /** The most removed queues held open per configured queue. */
    static final int MAX_HELD = 4;

    /** How long an empty removed queue is held at most, when no check can tell that no process holds it any more. */
    static final Duration IDLE_CAP = Duration.ofMinutes(10);

    /** How often an empty removed queue is checked for other descriptors in {@code /proc}. */
    static final Duration HOLDER_CHECK = Duration.ofSeconds(1);

    /** The wait between steps while messages arrive or wait for room. */
    static final long BUSY_DELAY_MILLIS = 5;

    /** The wait between steps while the removed queue is empty. */
    static final long IDLE_DELAY_MILLIS = 100;

    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

    private static final ScheduledThreadPoolExecutor EXECUTOR = executor();

    private RemovedQueueForwarders() {
    }

    private static ScheduledThreadPoolExecutor executor() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(THREADS, (runnable) -> {
            Thread thread = new Thread(runnable, "posixmq-forward-" + THREAD_NUMBER.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        executor.setKeepAliveTime(30, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true); // no thread while no queue is removed
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** Runs {@code step} after {@code delayMillis} on the shared executor. */
    static void schedule(Runnable step, long delayMillis) {
        EXECUTOR.schedule(step, delayMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Whether a descriptor of the queue {@code removed} refers to, other than {@code removed} itself, is open in a
     * process whose {@code /proc/<pid>/fd} this user can read (same device and inode). Processes of other users are
     * not visible to an ordinary user: their descriptors are covered by {@link #IDLE_CAP}.
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
