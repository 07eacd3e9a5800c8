package io.github.posixmq;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import io.github.posixmq.internal.Linux;

/**
 * The virtual threads waiting on one descriptor (a queue, or a selector's epoll descriptor) through the
 * {@link VirtualThreadPoller}. The descriptor is in the poller's epoll set only while at least one thread waits here,
 * and each waiting thread holds the descriptor open (its owner's use count), so every {@code epoll_ctl} on it, by a
 * waiter or by the poller thread, happens while it is open: the last waiter out removes it before it lets go.
 *
 * <p>Wake-ups are one per direction: when the descriptor becomes readable the poller unparks the longest waiting
 * receiver only, and re-arms readability for the others only when that one has left (having received, or not), so a
 * thousand receivers on one queue do not all wake for one message. A closed owner ({@link #closed()}) unparks all.
 */
final class PollWaiters {

    /** {@link #await} parked and returned: the caller tries again (or sees its deadline or the close). */
    static final int WOKEN = 0;
    /** {@link #await} could not register the descriptor (no poller, or {@code epoll_ctl} failed): wait as before. */
    static final int UNAVAILABLE = 1;
    /** {@link #await} found the owner closed and did not park. */
    static final int CLOSED = 2;

    private static final int IN = Linux.EPOLLIN;
    private static final int OUT = Linux.EPOLLOUT;

    private final VirtualThreadPoller poller;
    private final long id;
    /** The descriptor: its owner's, fixed for the owner's life. */
    private final int fd;
    private final BooleanSupplier ownerClosed;
    private final ReentrantLock lock = new ReentrantLock();
    /** Waiting threads, longest waiting first; guarded by {@link #lock}. */
    private final List<Waiter> waiters = new ArrayList<>();
    /** Whether the descriptor is in the epoll set; guarded by {@link #lock}. */
    private boolean registered;
    /** The events armed now (0 after the one-shot fired); guarded by {@link #lock}. */
    private int armed;
    /** Set by {@link #closed()}; guarded by {@link #lock}. */
    private boolean closed;

    PollWaiters(VirtualThreadPoller poller, int fd, BooleanSupplier ownerClosed) {
        this.poller = poller;
        this.fd = fd;
        this.id = poller.newId();
        this.ownerClosed = ownerClosed;
    }

    /** The id in this descriptor's {@code epoll_event.data}. */
    long id() {
        return id;
    }

    /** One parked thread and what it waits for. */
    private static final class Waiter {
        final Thread thread;
        final int events;
        /** Unparked by the poller or by close; written with the lock held. */
        volatile boolean woken;

        Waiter(Thread thread, int events) {
            this.thread = thread;
            this.events = events;
        }
    }

    /**
     * Parks the calling (virtual) thread until the descriptor is ready for {@code events} ({@link Linux#EPOLLIN} or
     * {@link Linux#EPOLLOUT}) or the owner is closed (then the poller or {@link #closed()} unparks it), or until
     * {@code deadline} ({@link System#nanoTime()}) passes when {@code timed}; the caller then tries again (being
     * woken does not promise that its try succeeds: another thread may have taken the message or the room). The
     * caller holds the descriptor open.
     * An interrupt does not end the wait (as a platform thread in {@code ppoll} is not woken by one either): the
     * interrupt status is cleared for the park and set again before returning.
     */
    int await(int events, boolean timed, long deadline) {
        Waiter waiter = new Waiter(Thread.currentThread(), events);
        boolean interrupted = Thread.interrupted();
        try {
            lock.lock();
            try {
                if (closed || ownerClosed.getAsBoolean()) {
                    return CLOSED;
                }
                waiters.add(waiter);
                if (!arm()) {
                    waiters.remove(waiter);
                    disarmIfIdle();
                    return UNAVAILABLE;
                }
            }
            finally {
                lock.unlock();
            }
            // a descriptor ready at epoll_ctl time is reported at once: an unpark before this park is not lost. Park
            // until woken by the poller or close, or the deadline: an interrupt or a stale permit (restoring the
            // interrupt status leaves one) only parks again, so an interrupted thread waits without spinning
            while (!waiter.woken) {
                if (timed) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    LockSupport.parkNanos(this, left);
                }
                else {
                    LockSupport.park(this);
                }
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
            lock.lock();
            try {
                waiters.remove(waiter);
                if (!disarmIfIdle() && !arm()) {
                    wakeAll();
                }
            }
            finally {
                lock.unlock();
            }
            return WOKEN;
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Called by the poller thread: {@code ready} are the events {@code epoll_wait} reported. */
    void ready(int ready) {
        lock.lock();
        try {
            if (waiters.isEmpty()) {
                return; // a late event: the descriptor was removed (and may be closed): touch nothing
            }
            armed = 0; // one-shot: disabled until re-armed
            boolean error = (ready & (Linux.EPOLLERR | Linux.EPOLLHUP)) != 0;
            if (error || (ready & IN) != 0) {
                wakeOne(IN);
            }
            if (error || (ready & OUT) != 0) {
                wakeOne(OUT);
            }
            if (!arm()) {
                wakeAll();
            }
        }
        finally {
            lock.unlock();
        }
    }

    /** The owner was closed: unpark every waiter (they see the close and leave, the last one removing the fd). */
    void closed() {
        lock.lock();
        try {
            closed = true;
            wakeAll();
        }
        finally {
            lock.unlock();
        }
    }

    private void wakeOne(int direction) {
        for (Waiter waiter : waiters) {
            if ((waiter.events & direction) != 0 && !waiter.woken) {
                waiter.woken = true;
                LockSupport.unpark(waiter.thread);
                return;
            }
        }
    }

    private void wakeAll() {
        for (Waiter waiter : waiters) {
            if (!waiter.woken) {
                waiter.woken = true;
                LockSupport.unpark(waiter.thread);
            }
        }
    }

    /**
     * Arms what the waiters need: a direction is armed while a waiter waits for it and none woken for it is still
     * here. Returns false when {@code epoll_ctl} failed. Called with the lock held and a waiter present.
     */
    private boolean arm() {
        int want = 0;
        int pending = 0;
        for (Waiter waiter : waiters) {
            if (waiter.woken) {
                pending |= waiter.events;
            }
            else {
                want |= waiter.events;
            }
        }
        want &= ~pending;
        if (want == 0 || (want & ~armed) == 0) {
            return true; // nothing to arm, or armed already (an extra armed event only causes a spurious wake-up)
        }
        int op = registered ? Linux.EPOLL_CTL_MOD : Linux.EPOLL_CTL_ADD;
        int result = poller.control(op, fd, want | Linux.EPOLLONESHOT, this);
        if (result != 0) {
            int errno = poller.lastErrno();
            if (op == Linux.EPOLL_CTL_ADD && errno == Linux.EEXIST) {
                op = Linux.EPOLL_CTL_MOD;
            }
            else if (op == Linux.EPOLL_CTL_MOD && errno == Linux.ENOENT) {
                op = Linux.EPOLL_CTL_ADD;
            }
            else {
                return false;
            }
            if (poller.control(op, fd, want | Linux.EPOLLONESHOT, this) != 0) {
                return false;
            }
        }
        registered = true;
        armed = want;
        return true;
    }

    /** Removes the descriptor from the epoll set when nobody waits any more; returns whether nobody does. */
    private boolean disarmIfIdle() {
        if (!waiters.isEmpty()) {
            return false;
        }
        if (registered) {
            poller.control(Linux.EPOLL_CTL_DEL, fd, 0, this);
            registered = false;
        }
        armed = 0;
        return true;
    }

    @Override
    public String toString() {
        return "PollWaiters[" + id + "]";
    }

    /** For tests: threads waiting here now. */
    int waiting() {
        lock.lock();
        try {
            return waiters.size();
        }
        finally {
            lock.unlock();
        }
    }

}
