package io.github.posixmq;

import io.github.posixmq.internal.Linux;
import io.github.posixmq.internal.MqBinding;
import org.jspecify.annotations.Nullable;

/** Turns an errno into a typed exception whose message names the queue, the limit and what to do. */
final class Errors {

    private Errors() {
    }

    static PosixMqException open(int errno, String name, OpenOptions options, long capacity, long msgsize,
            MqBinding binding) {
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
            case Linux.EMFILE -> options.creation() != OpenOptions.Creation.EXISTING && !descriptorTableFull(binding)
                    ? outOfQueueMemory(errno, name, capacity, msgsize, binding)
                    : outOfDescriptors(what, errno, name);
            case Linux.ENFILE -> new QueueLimitExceededException(what + ": the system-wide limit on open files is reached (ENFILE, "
                    + "/proc/sys/fs/file-max)", errno, name);
            case Linux.ENOSPC -> new QueueLimitExceededException(what + ": the IPC namespace's queue limit is reached (ENOSPC): "
                    + SystemLimits.path("queues_max") + " = " + show(SystemLimits.read().queuesMax())
                    + "; unlink unused queues or raise it (sysctl fs.mqueue.queues_max)", errno, name);
            case Linux.ENOMEM -> new QueueLimitExceededException(what + ": not enough kernel memory (ENOMEM)", errno, name);
            case Linux.ENAMETOOLONG -> new PosixMqException(what + ": name too long (ENAMETOOLONG)", errno, name);
            case Linux.ENOSYS -> new PosixMqException(what + ": this kernel has no POSIX message queue support (ENOSYS, "
                    + "CONFIG_POSIX_MQUEUE)", errno, name);
            default -> generic(what, errno, name);
        };
    }

    /** A call that needs a new descriptor failed: EMFILE and ENFILE name the limit, anything else is generic. */
    static PosixMqException noDescriptor(String what, int errno, @Nullable String name) {
        return switch (errno) {
            case Linux.EMFILE -> outOfDescriptors(what, errno, name);
            case Linux.ENFILE -> new QueueLimitExceededException(what + ": the system-wide limit on open files is reached "
                    + "(ENFILE, /proc/sys/fs/file-max)", errno, name);
            default -> generic(what, errno, name);
        };
    }

    private static PosixMqException outOfDescriptors(String what, int errno, @Nullable String name) {
        return new QueueLimitExceededException(what + ": this process has as many open files as its RLIMIT_NOFILE of "
                + show(SystemLimits.rlimit(Linux.RLIMIT_NOFILE, false)) + " allows (EMFILE); close descriptors no longer "
                + "needed (each PosixMq holds two, each selector two) or raise the limit (ulimit -n, LimitNOFILE= in "
                + "systemd)", errno, name);
    }

    /** Whether this process cannot open one more descriptor (probed with an eventfd, closed at once). */
    private static boolean descriptorTableFull(MqBinding binding) {
        int probe = binding.eventfd(0, Linux.EFD_CLOEXEC);
        if (probe >= 0) {
            binding.close(probe);
            return false;
        }
        return binding.lastErrno() == Linux.EMFILE;
    }

    private static PosixMqException invalidAttributes(int errno, String name, long capacity, long msgsize) {
        SystemLimits limits = SystemLimits.read();
        String what = "cannot create queue " + name;
        PosixMqException exceeded = exceeds(what, "capacity", capacity, "msg_max", limits.msgMax(), Linux.HARD_MSGMAX,
                "HARD_MSGMAX", errno, name);
        if (exceeded == null) {
            exceeded = exceeds(what, "max message size", msgsize, "msgsize_max", limits.msgsizeMax(),
                    Linux.HARD_MSGSIZEMAX, "HARD_MSGSIZEMAX", errno, name);
        }
        return exceeded != null ? exceeded : new PosixMqException(what + ": the kernel rejected capacity " + capacity
                + " / max message size " + msgsize + " (EINVAL)", errno, name);
    }

    /** The limit {@code value} exceeds, with advice the kernel can follow, or null when within both limits. */
    private static @Nullable PosixMqException exceeds(String what, String attribute, long value, String file,
            long limit, long hardLimit, String hardName, int errno, String name) {
        String current = SystemLimits.path(file) + " (" + show(limit) + ")";
        if (value > hardLimit) {
            return new QueueLimitExceededException(what + ": " + attribute + " " + value + " exceeds " + current
                    + " and the kernel's hard limit " + hardLimit + " (" + hardName + "), which no setting raises; lower the "
                    + attribute + " to at most " + Math.min(hardLimit, limit > 0 ? limit : hardLimit), errno, name);
        }
        if (limit > 0 && value > limit) {
            return new QueueLimitExceededException(what + ": " + attribute + " " + value + " exceeds " + current
                    + "; lower the " + attribute + " or raise the limit (sysctl fs.mqueue." + file + "=" + value
                    + "; at most " + hardLimit + ")", errno, name);
        }
        return null;
    }

    private static PosixMqException outOfQueueMemory(int errno, String name, long capacity, long msgsize,
            MqBinding binding) {
        SystemLimits limits = SystemLimits.read();
        long messages = capacity > 0 ? capacity : limits.msgDefault();
        long size = msgsize > 0 ? msgsize : limits.msgsizeDefault();
        QueueBudget budget = QueueBudget.read(binding);
        String usage;
        if (budget == null) {
            usage = "posixmq cannot tell which queues use it, as no mqueue file system is mounted on /dev/mqueue "
                    + "(mount -t mqueue none /dev/mqueue shows them)";
        }
        else {
            usage = budget.describe();
        }
        return new QueueLimitExceededException("cannot create queue " + name + ": it needs about "
                + queueBytes(messages, size) + " bytes (" + show(messages) + " messages x " + show(size)
                + " bytes + overhead) of this user's RLIMIT_MSGQUEUE of " + show(limits.rlimitMsgqueue()) + " bytes, "
                + "which the user's other queues already use up (EMFILE); " + usage + "; unlink queues no longer "
                + "needed, create smaller queues, or raise the limit (ulimit -q, LimitMSGQUEUE= in systemd)", errno,
                name);
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
            case Linux.EMSGSIZE -> tooLarge(name, length, mq.maxMessageSize());
            case Linux.EBADF -> mq.isClosed() ? closed(name) : new QueueDirectionException("cannot send to queue "
                    + name + ": the descriptor is not open for writing (EBADF); open it writeOnly() or readWrite()", errno,
                    name);
            default -> generic("cannot send to queue " + name, errno, name);
        };
    }

    static PosixMqException receive(int errno, PosixMq mq) {
        String name = mq.name();
        return switch (errno) {
            case Linux.EMSGSIZE -> new MessageTooLargeException("cannot receive from queue " + name
                    + ": the buffer is smaller than the queue's max message size " + mq.maxMessageSize() + " (EMSGSIZE)",
                    errno, name);
            case Linux.EBADF -> mq.isClosed() ? closed(name) : new QueueDirectionException("cannot receive from queue "
                    + name + ": the descriptor is not open for reading (EBADF); open it readOnly() or readWrite()", errno,
                    name);
            default -> generic("cannot receive from queue " + name, errno, name);
        };
    }

    /** A message longer than the queue's max message size: what the kernel reports as EMSGSIZE. */
    static MessageTooLargeException tooLarge(String name, long length, long max) {
        return new MessageTooLargeException("message of " + length + " bytes is larger than the max message size "
                + max + " of queue " + name + " (EMSGSIZE); split it or create the queue with a larger maxMessageSize "
                + "(up to " + SystemLimits.path("msgsize_max") + " = " + show(SystemLimits.read().msgsizeMax()) + ")",
                Linux.EMSGSIZE, name);
    }

    static QueueClosedException closed(String name) {
        return new QueueClosedException("queue " + name + " is closed", 0, name);
    }

    static QueueWouldBlockException wouldBlock(String name, String state) {
        return new QueueWouldBlockException("queue " + name + " is " + state + " and this descriptor is non-blocking "
                + "(EAGAIN); use the try/timed methods or setNonBlocking(false)", Linux.EAGAIN, name);
    }

    static PosixMqException generic(String what, int errno, @Nullable String name) {
        return new PosixMqException(what + ": " + Linux.errnoName(errno) + " (" + errno + ")", errno, name);
    }

    static String show(long value) {
        return value == SystemLimits.UNKNOWN ? "unknown" : value == -1 ? "unlimited" : Long.toString(value);
    }
}
