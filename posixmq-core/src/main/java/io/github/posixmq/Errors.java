package io.github.posixmq;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.posixmq.internal.Linux;

/** Turns an errno into a typed exception whose message names the queue, the limit and what to do. */
final class Errors {

    private Errors() {
    }

    static PosixMqException open(int errno, String name, OpenOptions options, long capacity, long msgsize) {
        String what = "cannot open queue " + name + " " + options.describeAccess();
        return switch (errno) {
            case Linux.ENOENT -> new QueueNotFoundException(what + ": it does not exist (ENOENT); create it first or open with create()",
                    errno, name);
            case Linux.EEXIST -> new QueueAlreadyExistsException(what + ": it already exists and createNew() refuses to adopt it (EEXIST); "
                    + "remove it with PosixMq.unlink(\"" + name + "\") if it is stale", errno, name);
            case Linux.EACCES, Linux.EPERM -> new QueueAccessDeniedException(what + ": permission denied (" + Linux.errnoName(errno)
                    + "); the queue's mode does not grant this user " + options.describeAccess()
                    + " access (queues are created 0600, owner only, unless a mode is given)", errno, name);
            case Linux.EINVAL -> invalidAttributes(errno, name, capacity, msgsize);
            case Linux.EMFILE -> tooManyOpen(errno, name, capacity, msgsize);
            case Linux.ENFILE -> new QueueLimitExceededException(what + ": the system-wide limit on open files is reached (ENFILE)",
                    errno, name);
            case Linux.ENOSPC -> new QueueLimitExceededException(what + ": the namespace's queue limit is reached (ENOSPC): "
                    + SystemLimits.path("queues_max") + " = " + show(SystemLimits.read().queuesMax())
                    + "; unlink unused queues or raise it (sysctl fs.mqueue.queues_max)", errno, name);
            case Linux.ENOMEM -> new QueueLimitExceededException(what + ": not enough kernel memory (ENOMEM)", errno, name);
            case Linux.ENAMETOOLONG -> new PosixMqException(what + ": name too long (ENAMETOOLONG)", errno, name);
            case Linux.ENOSYS -> new PosixMqException(what + ": this kernel has no POSIX message queue support (ENOSYS, "
                    + "CONFIG_POSIX_MQUEUE)", errno, name);
            default -> generic(what, errno, name);
        };
    }

    private static PosixMqException invalidAttributes(int errno, String name, long capacity, long msgsize) {
        SystemLimits limits = SystemLimits.read();
        String what = "cannot create queue " + name;
        if (limits.msgMax() > 0 && capacity > limits.msgMax()) {
            return new QueueLimitExceededException(what + ": capacity " + capacity + " exceeds "
                    + SystemLimits.path("msg_max") + " (" + limits.msgMax() + "); lower the capacity or raise the limit "
                    + "(sysctl fs.mqueue.msg_max=" + capacity + ")", errno, name);
        }
        if (limits.msgsizeMax() > 0 && msgsize > limits.msgsizeMax()) {
            return new QueueLimitExceededException(what + ": max message size " + msgsize + " exceeds "
                    + SystemLimits.path("msgsize_max") + " (" + limits.msgsizeMax() + "); lower the size or raise the "
                    + "limit (sysctl fs.mqueue.msgsize_max=" + msgsize + ")", errno, name);
        }
        return new PosixMqException(what + ": the kernel rejected capacity " + capacity + " / max message size " + msgsize
                + " (EINVAL)", errno, name);
    }

    private static PosixMqException tooManyOpen(int errno, String name, long capacity, long msgsize) {
        long openFiles = countOpenFiles();
        long fileLimit = SystemLimits.rlimit(Linux.RLIMIT_NOFILE, false);
        if (fileLimit > 0 && openFiles >= fileLimit - 1) {
            return new QueueLimitExceededException("cannot open queue " + name + ": this process has " + openFiles
                    + " open files, its limit RLIMIT_NOFILE is " + fileLimit + " (EMFILE); close descriptors or raise "
                    + "ulimit -n", errno, name);
        }
        return new QueueLimitExceededException("cannot create queue " + name + ": it needs about "
                + queueBytes(capacity, msgsize) + " bytes (" + capacity + " messages x " + msgsize
                + " bytes + overhead) of this user's RLIMIT_MSGQUEUE of "
                + show(SystemLimits.rlimit(Linux.RLIMIT_MSGQUEUE, false))
                + " bytes, which the user's other queues already use up (EMFILE); unlink queues no longer needed, "
                + "create smaller queues, or raise the limit (ulimit -q, LimitMSGQUEUE= in systemd)", errno, name);
    }

    /** Bytes a queue charges to RLIMIT_MSGQUEUE, as the kernel counts them (ipc/mqueue.c). */
    static long queueBytes(long capacity, long msgsize) {
        long msgMsg = 48;
        long treeNode = 40;
        return capacity * msgMsg + Math.min(capacity, 32768) * treeNode + capacity * msgsize;
    }

    static PosixMqException send(int errno, PosixMq mq, long length) {
        String name = mq.name();
        return switch (errno) {
            case Linux.EMSGSIZE -> tooLarge(name, length, mq.maxMessageSize(), errno);
            case Linux.EBADF -> mq.isClosed() ? closed(name) : new QueueAccessDeniedException("cannot send to queue "
                    + name + ": the descriptor is not open for writing (EBADF); open it writeOnly() or readWrite()", errno,
                    name);
            case Linux.EAGAIN -> wouldBlock(name, "full");
            default -> generic("cannot send to queue " + name, errno, name);
        };
    }

    static PosixMqException receive(int errno, PosixMq mq) {
        String name = mq.name();
        return switch (errno) {
            case Linux.EMSGSIZE -> new MessageTooLargeException("cannot receive from queue " + name
                    + ": the buffer is smaller than the queue's max message size " + mq.maxMessageSize() + " (EMSGSIZE)",
                    errno, name);
            case Linux.EBADF -> mq.isClosed() ? closed(name) : new QueueAccessDeniedException("cannot receive from queue "
                    + name + ": the descriptor is not open for reading (EBADF); open it readOnly() or readWrite()", errno,
                    name);
            case Linux.EAGAIN -> wouldBlock(name, "empty");
            default -> generic("cannot receive from queue " + name, errno, name);
        };
    }

    static MessageTooLargeException tooLarge(String name, long length, long max, int errno) {
        return new MessageTooLargeException("message of " + length + " bytes is larger than the max message size "
                + max + " of queue " + name + "; split it or create the queue with a larger maxMessageSize (up to "
                + SystemLimits.path("msgsize_max") + " = " + show(SystemLimits.read().msgsizeMax()) + ")", errno, name);
    }

    static QueueClosedException closed(String name) {
        return new QueueClosedException("queue " + name + " is closed", 0, name);
    }

    static QueueWouldBlockException wouldBlock(String name, String state) {
        return new QueueWouldBlockException("queue " + name + " is " + state + " and this descriptor is non-blocking "
                + "(EAGAIN); use the try/timed methods or setNonBlocking(false)", Linux.EAGAIN, name);
    }

    static PosixMqException generic(String what, int errno, String name) {
        return new PosixMqException(what + ": " + Linux.errnoName(errno) + " (" + errno + ")", errno, name);
    }

    static String show(long value) {
        return value == SystemLimits.UNKNOWN ? "unknown" : value == -1 ? "unlimited" : Long.toString(value);
    }

    private static long countOpenFiles() {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
        catch (IOException | RuntimeException ex) {
            return -1;
        }
    }
}
