package io.github.posixmq.internal;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Linux constants for the three architectures posixmq accepts: x86-64 and the generic ABI of aarch64 and riscv64
 * (the flag and errno values below differ on alpha, mips, parisc and sparc). Only {@code struct stat} differs
 * between the three.
 */
public final class Linux {

    private Linux() {
    }

    /** JNA's names ({@code Platform.ARCH}) of the architectures whose constants this class holds. */
    public static final List<String> ARCHITECTURES = List.of("x86-64", "aarch64", "riscv64");

    /** This JVM's architecture under JNA's name ({@code x86-64}, {@code aarch64}, ...), read without loading JNA. */
    public static final String ARCH = arch(System.getProperty("os.arch", ""));

    /** Whether this JVM runs on x86-64 (where {@code struct epoll_event} is packed and {@code struct stat} differs). */
    public static final boolean X86_64 = "x86-64".equals(ARCH);

    /** Whether this JVM runs on Linux, by {@code os.name} (as JNA's {@code Platform.isLinux()} decides). */
    public static boolean isLinux() {
        return System.getProperty("os.name", "").startsWith("Linux");
    }

    /** JNA's canonical name for an {@code os.arch} value, for the architectures that matter here. */
    static String arch(String osArch) {
        String arch = osArch.toLowerCase(Locale.ROOT).trim();
        return switch (arch) {
            case "x86_64", "amd64" -> "x86-64";
            case "i386", "i686" -> "x86";
            case "arm64" -> "aarch64";
            default -> arch;
        };
    }

    /**
     * Why a platform cannot use posixmq (one sentence), or null when it can: 64-bit Linux on x86-64, aarch64 or
     * riscv64 ({@code arch} as JNA's {@code Platform.ARCH} names it), whose constants this class holds.
     */
    public static @Nullable String platformProblem(String os, boolean linux, int pointerSize, String arch) {
        if (!linux) {
            return "POSIX message queues need Linux, but this JVM runs on " + os
                    + "; posixmq cannot be used on this system.";
        }
        if (pointerSize != 8) {
            return "posixmq supports 64-bit Linux only, but this JVM is 32-bit (" + os + ").";
        }
        if (!ARCHITECTURES.contains(arch)) {
            return "posixmq supports Linux on x86-64, aarch64 and riscv64 only, but this JVM runs on " + arch + " ("
                    + os + "), whose system call constants differ.";
        }
        return null;
    }

    /** {@code sizeof(struct stat)}: 144 on x86-64, 128 in the generic ABI (aarch64, riscv64). */
    public static final int STAT_SIZE = X86_64 ? 144 : 128;
    /** Offset of {@code st_dev} (64 bits) in {@code struct stat}. */
    public static final int STAT_DEV = 0;
    /** Offset of {@code st_ino} (64 bits) in {@code struct stat}. */
    public static final int STAT_INO = 8;
    /** Offset of {@code st_mode} (32 bits): after a 64-bit {@code st_nlink} on x86-64, before a 32-bit one elsewhere. */
    public static final int STAT_MODE = X86_64 ? 24 : 16;
    /** Offset of {@code st_uid} (32 bits) in {@code struct stat}. */
    public static final int STAT_UID = X86_64 ? 28 : 24;
    /** Offset of {@code st_gid} (32 bits) in {@code struct stat}. */
    public static final int STAT_GID = X86_64 ? 32 : 28;

    /** {@code HARD_MSGMAX}: no queue holds more messages, whatever {@code msg_max} says and even with privileges. */
    public static final long HARD_MSGMAX = 65536;
    /** {@code HARD_MSGSIZEMAX}: no queue takes larger messages, whatever {@code msgsize_max} says. */
    public static final long HARD_MSGSIZEMAX = 16L * 1024 * 1024;

    /** {@code mq_open} flag: receive only. */
    public static final int O_RDONLY = 0;
    /** {@code mq_open} flag: send only. */
    public static final int O_WRONLY = 1;
    /** {@code mq_open} flag: send and receive. */
    public static final int O_RDWR = 2;
    /** {@code mq_open} flag: create the queue if it does not exist. */
    public static final int O_CREAT = 0100;
    /** With {@link #O_CREAT}: fail with {@link #EEXIST} if the queue exists. */
    public static final int O_EXCL = 0200;
    /** Fail with {@link #EAGAIN} instead of blocking on a full or empty queue. */
    public static final int O_NONBLOCK = 04000;
    /** Close the descriptor on {@code exec}. */
    public static final int O_CLOEXEC = 02000000;

    /** {@code fcntl} command: duplicate a descriptor with close-on-exec set. */
    public static final int F_DUPFD_CLOEXEC = 1030;
    /** {@code fcntl} command: read the descriptor flags. */
    public static final int F_GETFD = 1;
    /** {@code fcntl} command: write the descriptor flags. */
    public static final int F_SETFD = 2;
    /** Descriptor flag: close on {@code exec}. */
    public static final int FD_CLOEXEC = 1;

    /** {@code eventfd} flag: close on {@code exec}. */
    public static final int EFD_CLOEXEC = O_CLOEXEC;
    /** {@code eventfd} flag: reads and writes never block. */
    public static final int EFD_NONBLOCK = O_NONBLOCK;

    /** {@code poll} event: readable (a message is waiting). */
    public static final short POLLIN = 0x1;
    /** {@code poll} event: writable (the queue has room). */
    public static final short POLLOUT = 0x4;

    /** {@code epoll_create1} flag: close on {@code exec}. */
    public static final int EPOLL_CLOEXEC = O_CLOEXEC;
    /** {@code epoll_ctl} operation: register a descriptor. */
    public static final int EPOLL_CTL_ADD = 1;
    /** {@code epoll_ctl} operation: deregister a descriptor. */
    public static final int EPOLL_CTL_DEL = 2;
    /** {@code epoll_ctl} operation: change the events of a registered descriptor. */
    public static final int EPOLL_CTL_MOD = 3;
    /** {@code epoll} event: readable (a message is waiting). */
    public static final int EPOLLIN = 0x1;
    /** {@code epoll} event: writable (the queue has room). */
    public static final int EPOLLOUT = 0x4;
    /** {@code epoll} event: error condition. */
    public static final int EPOLLERR = 0x8;
    /** {@code epoll} event: hang-up. */
    public static final int EPOLLHUP = 0x10;
    /** {@code epoll} flag: report the descriptor once, then disable it until {@link #EPOLL_CTL_MOD} re-arms it. */
    public static final int EPOLLONESHOT = 1 << 30;
    /** {@code sizeof(struct epoll_event)}: packed (12 bytes) on x86-64, 16 bytes in the generic ABI. */
    public static final int EPOLL_EVENT_SIZE = X86_64 ? 12 : 16;
    /** Offset of {@code data} (64 bits) in {@code struct epoll_event}; {@code events} (32 bits) is at 0. */
    public static final int EPOLL_EVENT_DATA = X86_64 ? 4 : 8;

    /** {@code getrlimit} resource: open descriptors per process. */
    public static final int RLIMIT_NOFILE = 7;
    /** {@code getrlimit} resource: bytes of queue memory per user. */
    public static final int RLIMIT_MSGQUEUE = 12;

    /** {@code sigevent} notification: call a function on a new thread. */
    public static final int SIGEV_THREAD = 2;

    /** errno: operation not permitted. */
    public static final int EPERM = 1;
    /** errno: no queue of that name. */
    public static final int ENOENT = 2;
    /** errno: interrupted by a signal. */
    public static final int EINTR = 4;
    /** errno: not an open descriptor (or not open for that direction). */
    public static final int EBADF = 9;
    /** errno: the queue is full or empty and the call would block. */
    public static final int EAGAIN = 11;
    /** errno: out of kernel memory. */
    public static final int ENOMEM = 12;
    /** errno: permission denied. */
    public static final int EACCES = 13;
    /** errno: another process is already registered for notification. */
    public static final int EBUSY = 16;
    /** errno: the queue exists already. */
    public static final int EEXIST = 17;
    /** errno: invalid argument (name, attributes, priority or timeout). */
    public static final int EINVAL = 22;
    /** errno: system-wide open file limit reached. */
    public static final int ENFILE = 23;
    /** errno: descriptor limit or RLIMIT_MSGQUEUE reached. */
    public static final int EMFILE = 24;
    /** errno: queues_max reached. */
    public static final int ENOSPC = 28;
    /** errno: queue name too long. */
    public static final int ENAMETOOLONG = 36;
    /** errno: not implemented by this kernel. */
    public static final int ENOSYS = 38;
    /** errno: message larger than the queue allows, or buffer smaller than its maximum message size. */
    public static final int EMSGSIZE = 90;
    /** errno: the deadline passed. */
    public static final int ETIMEDOUT = 110;

    /** {@code sizeof(struct mq_attr)}: four longs plus {@code long __pad[4]}. */
    public static final int MQ_ATTR_SIZE = 64;

    /** {@code sizeof(struct sigevent)}. */
    public static final int SIGEVENT_SIZE = 64;

    /** The symbolic name of an errno value, for messages. */
    public static String errnoName(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case EINVAL -> "EINVAL";
            case ENFILE -> "ENFILE";
            case EMFILE -> "EMFILE";
            case ENOSPC -> "ENOSPC";
            case ENAMETOOLONG -> "ENAMETOOLONG";
            case ENOSYS -> "ENOSYS";
            case EMSGSIZE -> "EMSGSIZE";
            case ETIMEDOUT -> "ETIMEDOUT";
            default -> "errno " + errno;
        };
    }
}
