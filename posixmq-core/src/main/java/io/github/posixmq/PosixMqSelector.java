package io.github.posixmq;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import io.github.posixmq.internal.Bindings;
import io.github.posixmq.internal.Linux;
import io.github.posixmq.internal.MqBinding;
import io.github.posixmq.internal.NativeMemory;
import io.github.posixmq.internal.Scratch;
import org.jspecify.annotations.Nullable;

/**
 * Waits on many queues at once with {@code epoll}: the Java counterpart of the Rust crate's mio integration. Level
 * triggered: a queue stays selected while it has messages (or room). {@link #wakeup()} makes a blocked
 * {@link #select()} return at once from any thread; an idle selector uses no CPU. Closing a registered queue
 * cancels its key ({@link Key#isValid()} turns false) and wakes a blocked {@code select()}. A selector that is never
 * closed is closed when it is garbage collected, with one {@code WARNING} on the {@code System.Logger}
 * {@code io.github.posixmq.PosixMqSelector}.
 *
 * <pre>{@code
 * try (PosixMqSelector selector = PosixMqSelector.open()) {
 *     selector.register(orders, PosixMqSelector.READABLE, "orders");
 *     for (PosixMqSelector.Key key : selector.select()) {
 *         key.queue().tryReceive().ifPresent(m -> handle(key.attachment(), m));
 *     }
 * }
 * }</pre>
 */
public final class PosixMqSelector implements AutoCloseable {

    /** Interest in / readiness for receiving. */
    public static final int READABLE = 1;

    /** Interest in / readiness for sending. */
    public static final int WRITABLE = 2;

    /**
     * Interest modifier ({@code EPOLLONESHOT}): once a {@code select} returned the key it stays disabled until
     * {@link Key#rearm()}, so a queue whose messages are being handled elsewhere is not reported again meanwhile.
     */
    public static final int ONE_SHOT = 4;

    private static final int MAX_EVENTS = 64;
    private static final long FOREVER = -1;
    /** {@code struct epoll_event} is packed on x86-64 only. */
    private static final boolean PACKED = Linux.X86_64;
    private static final int EVENT_SIZE = PACKED ? 12 : 16;
    private static final int DATA_OFFSET = PACKED ? 4 : 8;

    private static final System.Logger LOG = System.getLogger(PosixMqSelector.class.getName());

    private final MqBinding binding;
    private final int epfd;
    private final int wakeFd;
    private final Descriptors descriptors;
    private final Cleaner.Cleanable cleanable;
    private final UseCount uses = new UseCount(this::destroy);
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Key> keys = new ConcurrentHashMap<>();
    private final AtomicLong invalidated = new AtomicLong();
    /** One select at a time; a lock, not a monitor, so that a virtual thread parked in select pins no carrier. */
    private final ReentrantLock selectLock = new ReentrantLock();
    /** The virtual threads parked in select, created when the first one waits. */
    private volatile @Nullable PollWaiters pollWaiters;
    private final NativeMemory events;
    private final NativeMemory control;

    private PosixMqSelector(MqBinding binding) {
        this.binding = binding;
        this.events = binding.allocate((long) EVENT_SIZE * MAX_EVENTS);
        this.control = binding.allocate(16);
        int ep = binding.epollCreate1(Linux.EPOLL_CLOEXEC);
        if (ep < 0) {
            throw Errors.noDescriptor("cannot create an epoll instance", binding.lastErrno(), null);
        }
        int wake = binding.eventfd(0, Linux.EFD_CLOEXEC | Linux.EFD_NONBLOCK);
        if (wake < 0) {
            int errno = binding.lastErrno();
            binding.close(ep);
            throw Errors.noDescriptor("cannot create the selector's eventfd", errno, null);
        }
        this.epfd = ep;
        this.wakeFd = wake;
        synchronized (control) {
            if (ctl(Linux.EPOLL_CTL_ADD, wake, Linux.EPOLLIN, 0) != 0) {
                int errno = binding.lastErrno();
                binding.close(ep);
                binding.close(wake);
                throw Errors.generic("cannot register the selector's eventfd", errno, null);
            }
        }
        this.descriptors = new Descriptors(binding, ep, wake);
        this.cleanable = PosixMq.CLEANER.register(this, descriptors);
    }

    /** What {@link #close()} releases, without a reference to the selector, so the {@link Cleaner} can run it. */
    private static final class Descriptors implements Runnable {
        private final MqBinding binding;
        private final int epfd;
        private final int wakeFd;
        private volatile boolean closedByOwner;

        Descriptors(MqBinding binding, int epfd, int wakeFd) {
            this.binding = binding;
            this.epfd = epfd;
            this.wakeFd = wakeFd;
        }

        @Override
        public void run() {
            if (!closedByOwner) {
                LOG.log(System.Logger.Level.WARNING, "a PosixMqSelector (epoll descriptor " + epfd + ") was garbage "
                        + "collected without close(); posixmq closed it now. Close every selector, e.g. with "
                        + "try-with-resources");
            }
            binding.close(epfd);
            binding.close(wakeFd);
        }
    }

    /** Opens a new selector. */
    public static PosixMqSelector open() {
        return new PosixMqSelector(Bindings.instance());
    }

    /**
     * Watches {@code queue} for {@code interest} ({@link #READABLE}, {@link #WRITABLE} or both); the key is dropped
     * automatically when the queue is closed. Registering the same descriptor twice throws
     * {@link QueueAlreadyRegisteredException}.
     */
    public Key register(PosixMq queue, int interest, @Nullable Object attachment) {
        if (queue == null) {
            throw new IllegalArgumentException("queue must not be null");
        }
        checkInterest(interest);
        acquire();
        try {
            Key key = new Key(ids.incrementAndGet(), queue, interest, attachment);
            keys.put(key.id, key);
            boolean added = queue.withDescriptor(fd -> {
                synchronized (control) {
                    if (ctl(Linux.EPOLL_CTL_ADD, fd, epollEvents(interest), key.id) != 0) {
                        int errno = binding.lastErrno();
                        keys.remove(key.id);
                        if (errno == Linux.EEXIST) {
                            throw new QueueAlreadyRegisteredException("cannot register queue " + queue.name()
                                    + " (descriptor " + fd + ") with this selector: it is registered already (EEXIST); "
                                    + "change what its key watches with setInterest", errno, queue.name());
                        }
                        throw Errors.generic("cannot watch queue " + queue.name(), errno, queue.name());
                    }
                }
                queue.addSelectorKey(key);
                return true;
            });
            if (!added) {
                keys.remove(key.id);
                throw Errors.closed(queue.name());
            }
            return key;
        }
        finally {
            release();
        }
    }

    /** Waits until at least one queue is ready or {@link #wakeup()} is called; returns the ready keys. */
    public List<Key> select() {
        return doSelect(FOREVER);
    }

    /**
     * Like {@link #select()}, waiting at most {@code timeout} (any length: beyond about 146 years it is clamped, never
     * wrapped); an empty list means nothing was ready.
     */
    public List<Key> select(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be zero or positive, got " + timeout);
        }
        long nanos = timeout.getSeconds() >= PosixMq.MAX_TIMEOUT_NANOS / 1_000_000_000L ? PosixMq.MAX_TIMEOUT_NANOS
                : timeout.toNanos();
        return doSelect(nanos);
    }

    /** The keys ready now, without waiting. */
    public List<Key> selectNow() {
        return doSelect(0);
    }

    /** {@code timeoutNanos} is {@link #FOREVER}, 0 or positive. */
    private List<Key> doSelect(long timeoutNanos) {
        acquire();
        try {
            selectLock.lock();
            try {
                long deadline = System.nanoTime() + timeoutNanos;
                boolean virtual = timeoutNanos != 0 && VirtualThreadPoller.isVirtualThread();
                while (true) {
                    int waitMillis = timeoutNanos == FOREVER ? -1 : millisLeft(deadline);
                    int count;
                    if (virtual && waitMillis != 0) {
                        // a virtual thread looks without waiting and, when nothing is ready, parks on the poller
                        // until the epoll descriptor is readable (wakeup() and close() make it so), then looks again
                        count = binding.epollWait(epfd, events.address(), MAX_EVENTS, 0);
                        if (count == 0) {
                            PollWaiters waiters = pollWaiters();
                            int parked = waiters == null ? PollWaiters.UNAVAILABLE
                                    : waiters.await(Linux.EPOLLIN, timeoutNanos != FOREVER, deadline);
                            if (parked == PollWaiters.CLOSED) {
                                return new ArrayList<>(0);
                            }
                            virtual = parked != PollWaiters.UNAVAILABLE;
                            continue;
                        }
                    }
                    else {
                        count = binding.epollWait(epfd, events.address(), MAX_EVENTS, waitMillis);
                    }
                    if (count < 0) {
                        int errno = binding.lastErrno();
                        if (errno != Linux.EINTR) {
                            throw Errors.generic("epoll_wait failed", errno, null);
                        }
                        continue;
                    }
                    if (count == 0 && timeoutNanos > 0 && deadline - System.nanoTime() > 0) {
                        continue; // epoll_wait waits at most Integer.MAX_VALUE ms (24.8 days) at a time
                    }
                    List<Key> ready = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        int offset = i * EVENT_SIZE;
                        int flags = events.view().getInt(offset);
                        long id = events.view().getLong(offset + DATA_OFFSET);
                        if (id == 0) {
                            drainWakeup();
                            continue;
                        }
                        Key key = keys.get(id);
                        if (key != null && key.valid) {
                            int readyOps = 0;
                            if ((flags & (Linux.EPOLLIN | Linux.EPOLLERR | Linux.EPOLLHUP)) != 0) {
                                readyOps |= READABLE & key.interest;
                            }
                            if ((flags & (Linux.EPOLLOUT | Linux.EPOLLERR | Linux.EPOLLHUP)) != 0) {
                                readyOps |= WRITABLE & key.interest;
                            }
                            key.readyOps = readyOps;
                            ready.add(key);
                        }
                    }
                    return ready;
                }
            }
            finally {
                selectLock.unlock();
            }
        }
        finally {
            release();
        }
    }

    /** This selector's virtual-thread waiters, created on first use; null when there is no poller. */
    private @Nullable PollWaiters pollWaiters() {
        PollWaiters waiters = pollWaiters;
        if (waiters == null) {
            VirtualThreadPoller poller = VirtualThreadPoller.get();
            if (poller == null) {
                return null;
            }
            synchronized (keys) {
                waiters = pollWaiters;
                if (waiters == null) {
                    waiters = new PollWaiters(poller, epfd, this::isClosed);
                    pollWaiters = waiters;
                }
            }
        }
        return waiters;
    }

    /**
     * Whether a {@link #select()} would return at once: a registered queue is ready or a {@link #wakeup()} is pending.
     * Looks without selecting (nothing is consumed, a {@link #ONE_SHOT} key stays armed), from any thread, also while
     * another thread waits in {@code select()}; false once closed. Allocates nothing.
     */
    public boolean hasReady() {
        if (!tryAcquire()) {
            return false;
        }
        try {
            Scratch scratch = Scratch.get();
            while (true) {
                long fds = scratch.pollfds(epfd, Linux.POLLIN, -1, (short) 0);
                int ready = binding.ppoll(fds, 1, scratch.timespec(0));
                if (ready >= 0) {
                    return ready > 0;
                }
                int errno = binding.lastErrno();
                if (errno != Linux.EINTR) {
                    throw Errors.generic("cannot look at the selector's epoll descriptor", errno, null);
                }
            }
        }
        finally {
            release();
        }
    }

    /** Makes a blocked or the next {@link #select()} return at once. Safe from any thread. */
    public void wakeup() {
        if (!tryAcquire()) {
            return;
        }
        try {
            signal();
        }
        finally {
            release();
        }
    }

    /** The keys registered now. */
    public List<Key> keys() {
        return List.copyOf(keys.values());
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return uses.isClosed();
    }

    /**
     * How many keys were dropped so far because their queue was closed; a thread that waits in {@code select} can
     * compare it with the count it saw last to learn, after the wake-up such a close causes, that a key went away.
     */
    public long invalidatedKeyCount() {
        return invalidated.get();
    }

    /** Closes the selector (not the queues); a thread blocked in {@link #select()} returns an empty list. */
    @Override
    public void close() {
        if (!uses.closeAndEnter()) {
            return;
        }
        try {
            signal();
            PollWaiters waiters = pollWaiters;
            if (waiters != null) {
                waiters.closed();
            }
        }
        finally {
            release();
        }
    }

    private void signal() {
        binding.eventfdWrite(wakeFd, 1);
    }

    private void drainWakeup() {
        Scratch scratch = Scratch.get();
        binding.read(wakeFd, scratch.word(), 8);
    }

    private int ctl(int op, int fd, int epollEvents, long id) {
        control.view().putInt(0, epollEvents);
        control.view().putLong(DATA_OFFSET, id);
        return binding.epollCtl(epfd, op, fd, control.address());
    }

    /** Milliseconds until {@code deadline}, rounded up, at most {@link Integer#MAX_VALUE}; 0 once it passed. */
    private static int millisLeft(long deadline) {
        long nanos = deadline - System.nanoTime();
        if (nanos <= 0) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000);
    }

    private static int epollEvents(int interest) {
        return ((interest & READABLE) != 0 ? Linux.EPOLLIN : 0) | ((interest & WRITABLE) != 0 ? Linux.EPOLLOUT : 0)
                | ((interest & ONE_SHOT) != 0 ? Linux.EPOLLONESHOT : 0);
    }

    private static void checkInterest(int interest) {
        if ((interest & (READABLE | WRITABLE)) == 0 || (interest & ~(READABLE | WRITABLE | ONE_SHOT)) != 0) {
            throw new IllegalArgumentException("interest must be READABLE, WRITABLE or both, optionally with ONE_SHOT, "
                    + "got " + interest);
        }
    }

    private void acquire() {
        if (!tryAcquire()) {
            throw new IllegalStateException("selector is closed");
        }
    }

    private boolean tryAcquire() {
        return uses.enter();
    }

    private void release() {
        uses.leave();
    }

    /** Runs once, when closed and no call holds the epoll descriptor. */
    private void destroy() {
        for (Key key : keys.values()) {
            key.valid = false;
            key.queue.removeSelectorKey(key);
        }
        keys.clear();
        descriptors.closedByOwner = true;
        cleanable.clean();
    }

    /** A queue registered with this selector. */
    public final class Key {
        private final long id;
        private final PosixMq queue;
        private volatile int interest;
        private final @Nullable Object attachment;
        private volatile int readyOps;
        private volatile boolean valid = true;

        Key(long id, PosixMq queue, int interest, @Nullable Object attachment) {
            this.id = id;
            this.queue = queue;
            this.interest = interest;
            this.attachment = attachment;
        }

        /** The queue this key watches. */
        public PosixMq queue() {
            return queue;
        }

        /** The object given at registration, or null. */
        public @Nullable Object attachment() {
            return attachment;
        }

        /** What this key watches for. */
        public int interest() {
            return interest;
        }

        /** Readiness found by the {@code select} that returned this key. */
        public int readyOps() {
            return readyOps;
        }

        /** Whether the last select found the queue readable (a message to receive). */
        public boolean isReadable() {
            return (readyOps & READABLE) != 0;
        }

        /** Whether the last select found the queue writable (room to send). */
        public boolean isWritable() {
            return (readyOps & WRITABLE) != 0;
        }

        /** Whether the key is still registered (not cancelled, queue and selector open). */
        public boolean isValid() {
            return valid && !queue.isClosed() && !isClosed();
        }

        /** Changes what this key watches for. */
        public void setInterest(int newInterest) {
            checkInterest(newInterest);
            acquire();
            try {
                boolean changed = queue.withDescriptor(fd -> {
                    synchronized (control) {
                        if (ctl(Linux.EPOLL_CTL_MOD, fd, epollEvents(newInterest), id) != 0) {
                            throw Errors.generic("cannot change interest for queue " + queue.name(),
                                    binding.lastErrno(), queue.name());
                        }
                    }
                    return true;
                });
                if (!changed) {
                    throw Errors.closed(queue.name());
                }
                interest = newInterest;
            }
            finally {
                release();
            }
        }

        /**
         * Enables a {@link #ONE_SHOT} key again after a {@code select} returned it (reported at once if the queue is
         * ready now). Safe from any thread; false when the key was cancelled or its queue or the selector closed.
         */
        public boolean rearm() {
            if (!valid || !tryAcquire()) {
                return false;
            }
            try {
                return queue.withDescriptor(fd -> {
                    synchronized (control) {
                        // checked under the lock that cancel() takes for EPOLL_CTL_DEL: a cancelled key is never
                        // modified, so it cannot overwrite a newer key of the same descriptor
                        if (!valid) {
                            return false;
                        }
                        if (ctl(Linux.EPOLL_CTL_MOD, fd, epollEvents(interest), id) != 0) {
                            int errno = binding.lastErrno();
                            if (errno == Linux.ENOENT) {
                                return false;
                            }
                            throw Errors.generic("cannot re-arm queue " + queue.name(), errno, queue.name());
                        }
                        return true;
                    }
                });
            }
            finally {
                release();
            }
        }

        /** Stops watching the queue. Idempotent. */
        public void cancel() {
            if (!valid) {
                return;
            }
            synchronized (control) {
                valid = false;
            }
            keys.remove(id);
            queue.removeSelectorKey(this);
            if (tryAcquire()) {
                try {
                    queue.withDescriptor(fd -> {
                        synchronized (control) {
                            ctl(Linux.EPOLL_CTL_DEL, fd, 0, id);
                        }
                        return true;
                    });
                }
                finally {
                    release();
                }
            }
        }

        /** Called by the queue just before its descriptor is closed. */
        void descriptorClosing(int fd) {
            synchronized (control) {
                valid = false;
            }
            keys.remove(id);
            invalidated.incrementAndGet();
            if (tryAcquire()) {
                try {
                    synchronized (control) {
                        ctl(Linux.EPOLL_CTL_DEL, fd, 0, id);
                    }
                    // wake a thread blocked in select(): the queue it waits on is gone (isValid() is now false)
                    signal();
                }
                finally {
                    release();
                }
            }
        }

        @Override
        public String toString() {
            return "Key[" + queue.name() + ", interest=" + interest + ", ready=" + readyOps + "]";
        }
    }
}
