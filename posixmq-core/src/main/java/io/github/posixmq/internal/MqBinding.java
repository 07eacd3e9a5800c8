package io.github.posixmq.internal;

import java.nio.ByteBuffer;
import java.util.function.LongConsumer;

/**
 * The small native surface the public API is built on: the {@code mq_*} calls plus the descriptor, poll and
 * epoll calls needed to wait on queues. Every method returns the raw C result; on failure the caller reads
 * {@link #lastErrno()}. Pointers are native addresses ({@code long}); queue handles are {@code long} so that a
 * platform whose {@code mqd_t} is a pointer can be bound without touching the public API. Native memory, the
 * addresses of direct buffers and the {@code mq_notify} callback come from here too, so that a binding needs no other
 * native library (the FFM binding loads no JNA class).
 */
public interface MqBinding {

    /** {@code mq_open(name, oflag, mode, attr)}; {@code name} is NUL-terminated. Returns the handle or -1. */
    long mqOpen(byte[] name, int oflag, int mode, long attrAddress);

    /** {@code mq_close}. */
    int mqClose(long mq);

    /** {@code mq_unlink}; {@code name} is NUL-terminated. */
    int mqUnlink(byte[] name);

    /** {@code mq_send}. */
    int mqSend(long mq, long msgAddress, long length, int priority);

    /** {@code mq_receive}; returns the message length or -1. */
    long mqReceive(long mq, long msgAddress, long length, long priorityAddress);

    /** {@code mq_timedsend}; {@code timeoutAddress} 0 passes NULL. */
    int mqTimedsend(long mq, long msgAddress, long length, int priority, long timeoutAddress);

    /** {@code mq_timedreceive}; returns the message length or -1; {@code timeoutAddress} 0 passes NULL. */
    long mqTimedreceive(long mq, long msgAddress, long length, long priorityAddress, long timeoutAddress);

    /** {@code mq_setattr}; {@code oldAttrAddress} may be 0. */
    int mqSetattr(long mq, long newAttrAddress, long oldAttrAddress);

    /** {@code mq_getattr} into a {@code struct mq_attr} at {@code attrAddress}. */
    int mqGetattr(long mq, long attrAddress);

    /** {@code mq_notify}; {@code sigeventAddress} 0 unregisters. */
    int mqNotify(long mq, long sigeventAddress);

    /** The file descriptor behind a queue handle, for poll and epoll. */
    int fileDescriptor(long mq);

    /** The queue handle for a file descriptor obtained by duplicating another handle's descriptor. */
    long handleOf(int fd);

    /** {@code errno} of the last failed call on this thread. */
    int lastErrno();

    /** {@code close(fd)}. */
    int close(int fd);

    /** {@code fcntl(fd, cmd, arg)}. */
    int fcntl(int fd, int cmd, int arg);

    /** {@code eventfd(initval, flags)}. */
    int eventfd(int initval, int flags);

    /** {@code eventfd_write(fd, value)}: adds {@code value} to an eventfd counter, waking its pollers. */
    int eventfdWrite(int fd, long value);

    /** {@code read(fd, buf, count)}. */
    long read(int fd, long bufAddress, long count);

    /** {@code ppoll(fds, nfds, timeout, NULL)}; {@code timeoutAddress} 0 waits forever. */
    int ppoll(long fdsAddress, long nfds, long timeoutAddress);

    /** {@code epoll_create1(flags)}. */
    int epollCreate1(int flags);

    /** {@code epoll_ctl(epfd, op, fd, event)}. */
    int epollCtl(int epfd, int op, int fd, long eventAddress);

    /** {@code epoll_wait(epfd, events, maxevents, timeoutMillis)}. */
    int epollWait(int epfd, long eventsAddress, int maxEvents, int timeoutMillis);

    /** {@code fstat(fd, statbuf)} into a {@code struct stat} at {@code statAddress}. */
    int fstat(int fd, long statAddress);

    /** {@code getrlimit(resource, rlim)}. */
    int getrlimit(int resource, long rlimitAddress);

    /** Allocates {@code size} bytes of zeroed native memory, 16-byte aligned. */
    NativeMemory allocate(long size);

    /** The native address of a direct buffer's first byte (index 0, whatever its position). */
    long directBufferAddress(ByteBuffer direct);

    /**
     * The address of a C function {@code void f(union sigval)}, for {@code sigev_notify_function}, that calls
     * {@code target} with the {@code sigval} on the thread the C library starts for it. Created once per call of this
     * method and never freed (a notification under way may still call it): call it once per process. {@code target}
     * must not throw.
     */
    long sigevThreadFunction(LongConsumer target);
}
