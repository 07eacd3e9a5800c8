package io.github.posixmq;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.lang.ref.Cleaner;
import java.util.Objects;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import io.github.posixmq.internal.Bindings;
import io.github.posixmq.internal.Cleanup;
import io.github.posixmq.internal.Linux;
import io.github.posixmq.internal.MqBinding;
import io.github.posixmq.internal.Scratch;
import org.jspecify.annotations.Nullable;

/**
 * An open POSIX message queue descriptor. Safe to share between threads; {@link #close()} is idempotent, wakes
 * threads blocked on this queue with a {@link QueueClosedException}, and no thread touches the descriptor number
 * after it was closed.
 *
 * <pre>{@code
 * try (PosixMq mq = PosixMq.create("/orders")) {
 *     mq.send("first".getBytes(UTF_8), 1);
 *     Message m = mq.receive();          // blocks until a message arrives
 * }
 * }</pre>
 *
 * <p>The kernel descriptor is blocking or non-blocking ({@code O_NONBLOCK}) exactly as it was opened or last set
 * with {@link #setNonBlocking(boolean)}; that flag lives on the open queue description, so a program that inherits
 * the descriptor ({@link OpenOptions#closeOnExec(boolean) closeOnExec(false)}) or gets it through
 * {@link #fileDescriptor()} sees the same mode. Each send and receive is one {@code mq_timedsend} /
 * {@code mq_timedreceive} with an expired deadline, which the kernel answers at once; when a blocking or timed call
 * finds the queue full or empty it waits with {@code ppoll} on the queue and on an internal {@code eventfd}, so that
 * {@link #close()} wakes it, and tries again. Timeouts are measured on the monotonic clock and clamped to about 146
 * years. {@code EINTR} is retried.
 *
 * <p>A virtual thread (Java 21+) never waits inside a system call, which would pin its carrier: it parks, and one
 * shared daemon platform thread ({@code posixmq-poller}, started on first use) watches the queue with {@code epoll}
 * and unparks it when the queue has a message or room; deadlines and {@link #close()} wake it as they wake a platform
 * thread. Like a platform thread in {@code ppoll}, a parked virtual thread keeps waiting when interrupted and returns
 * with its interrupt status set.
 *
 * <p>A queue that is never closed is closed when it is garbage collected, with one {@code WARNING} naming it on the
 * {@code System.Logger} {@code io.github.posixmq.PosixMq}; while a notification callback is registered the queue
 * stays reachable through it.
 */
public final class PosixMq implements AutoCloseable {

    /** Returned by the {@link ByteBuffer} receive methods when no message arrived. */
    public static final int NO_MESSAGE = -1;

    /** Priorities are {@code 0 <= priority < MQ_PRIO_MAX} (32768 on Linux); higher is received first. */
    public static final int MQ_PRIO_MAX = 32768;

    private static final long FOREVER = -1;
    private static final long NOW = 0;
    /** Longest wait honoured, about 146 years: longer timeouts are clamped to it, never wrapped. */
    static final long MAX_TIMEOUT_NANOS = Long.MAX_VALUE / 2;

    private static final System.Logger LOG = System.getLogger(PosixMq.class.getName());
    /** Closes queues and selectors that were never closed, on one daemon thread (shared with native memory). */
    static final Cleaner CLEANER = Cleanup.CLEANER;

    private final MqBinding binding;
    private final String name;
    private final long handle;
    private final int fd;
    private final int wakeFd;
    private final boolean canRead;
    private final boolean canWrite;
    private final long capacity;
    private final long maxMessageSize;
    private volatile boolean nonBlocking;

    /** The calls using the descriptor right now; the last one out after close releases it. */
    private final UseCount uses = new UseCount(this::destroy);

    private final CopyOnWriteArrayList<PosixMqSelector.Key> selectorKeys = new CopyOnWriteArrayList<>();

    private final Notifications notifications;

    private final Descriptors descriptors;
    private final Cleaner.Cleanable cleanable;

    /** The virtual threads parked on this queue, created when the first one waits. */
    private volatile @Nullable PollWaiters pollWaiters;
    private static final AtomicReferenceFieldUpdater<PosixMq, PollWaiters> POLL_WAITERS =
            AtomicReferenceFieldUpdater.newUpdater(PosixMq.class, PollWaiters.class, "pollWaiters");

    private PosixMq(MqBinding binding, String name, long handle, boolean canRead, boolean canWrite, long capacity,
            long maxMessageSize, boolean nonBlocking) {
        this.binding = binding;
        this.name = name;
        this.handle = handle;
        this.fd = binding.fileDescriptor(handle);
        this.canRead = canRead;
        this.canWrite = canWrite;
        this.capacity = capacity;
        this.maxMessageSize = maxMessageSize;
        this.nonBlocking = nonBlocking;
        int wake = binding.eventfd(0, Linux.EFD_CLOEXEC | Linux.EFD_NONBLOCK);
        if (wake < 0) {
            int errno = binding.lastErrno();
            binding.mqClose(handle);
            throw Errors.noDescriptor("cannot create the eventfd that wakes waiters of queue " + name, errno, name);
        }
        this.wakeFd = wake;
        this.notifications = new Notifications(name, binding, handle);
        this.descriptors = new Descriptors(binding, name, handle, wake, notifications);
        this.cleanable = CLEANER.register(this, descriptors);
    }

    /**
     * What {@link #close()} releases, without a reference to the {@code PosixMq}: the {@link Cleaner} runs it when a
     * queue that was never closed becomes unreachable, and then logs one warning naming the queue.
     */
    static final class Descriptors implements Runnable {
        private final MqBinding binding;
        private final String name;
        private final long handle;
        private final int wakeFd;
        private final Notifications notifications;
        private volatile boolean closedByOwner;

        Descriptors(MqBinding binding, String name, long handle, int wakeFd, Notifications notifications) {
            this.binding = binding;
            this.name = name;
            this.handle = handle;
            this.wakeFd = wakeFd;
            this.notifications = notifications;
        }

        @Override
        public void run() {
            if (!closedByOwner) {
                LOG.log(System.Logger.Level.WARNING, "queue " + name + " (descriptor " + binding.fileDescriptor(handle)
                        + ") was garbage collected without close(); posixmq closed it now. Close every PosixMq, "
                        + "e.g. with try-with-resources, so that its descriptors are not held until a GC");
            }
            binding.mqClose(handle);
            binding.close(wakeFd);
            notifications.closed();
        }
    }

    // ---------------------------------------------------------------- opening

    /** Opens {@code name} read-write, creating it (mode 0600, system default sizes) if missing. */
    public static PosixMq create(String name) {
        return OpenOptions.readWrite().create().open(name);
    }

    /** Opens the existing queue {@code name} read-write. */
    public static PosixMq open(String name) {
        return OpenOptions.readWrite().open(name);
    }

    /** Removes the queue name; open descriptors keep working until closed. Throws if it does not exist. */
    public static void unlink(String name) {
        String normalized = QueueNames.normalize(name);
        MqBinding binding = binding();
        while (binding.mqUnlink(QueueNames.cString(normalized)) != 0) {
            int errno = binding.lastErrno();
            if (errno == Linux.EINTR) {
                continue;
            }
            throw switch (errno) {
                case Linux.ENOENT -> new QueueNotFoundException("cannot unlink queue " + normalized
                        + ": it does not exist (ENOENT)", errno, normalized);
                case Linux.EACCES, Linux.EPERM -> new QueueAccessDeniedException("cannot unlink queue " + normalized
                        + ": permission denied (" + Linux.errnoName(errno) + "); only its owner may remove it", errno,
                        normalized);
                default -> Errors.generic("cannot unlink queue " + normalized, errno, normalized);
            };
        }
    }

    /** Removes the queue name if it exists; returns whether it did. */
    public static boolean unlinkIfExists(String name) {
        try {
            unlink(name);
            return true;
        }
        catch (QueueNotFoundException ex) {
            return false;
        }
    }

    /** Whether this JVM can use POSIX message queues (64-bit Linux). */
    public static boolean isSupported() {
        return Bindings.unsupportedReason() == null;
    }

    /** One sentence saying why {@link #isSupported()} is false, or null when it is true. */
    public static @Nullable String unsupportedReason() {
        return Bindings.unsupportedReason();
    }

    /** The native binding of this JVM, or an {@link UnsupportedOperationException} saying in one sentence why not. */
    static MqBinding binding() {
        return Bindings.instance();
    }

    static PosixMq open(String name, OpenOptions options) {
        MqBinding binding = binding();
        Scratch scratch = Scratch.get();
        long capacity = options.capacity();
        long msgsize = options.maxMessageSize();
        boolean creating = options.creation() != OpenOptions.Creation.EXISTING;
        long attr = 0;
        if (creating && (capacity > 0 || msgsize > 0)) {
            // the kernel's default for the attribute not set: read only that file (an application that opens
            // hundreds of queues at start-up read all seven limits for each, ~140 KB of garbage a queue)
            if (capacity == 0) {
                long msgDefault = SystemLimits.proc("msg_default");
                capacity = msgDefault > 0 ? msgDefault : 10;
            }
            if (msgsize == 0) {
                long msgsizeDefault = SystemLimits.proc("msgsize_default");
                msgsize = msgsizeDefault > 0 ? msgsizeDefault : 8192;
            }
            attr = scratch.clearedAttr();
            scratch.putLong(scratch.attrOffset() + 8, capacity);
            scratch.putLong(scratch.attrOffset() + 16, msgsize);
        }
        int oflag = options.accessFlags() | (options.isNonBlocking() ? Linux.O_NONBLOCK : 0);
        if (creating) {
            oflag |= Linux.O_CREAT;
        }
        if (options.creation() == OpenOptions.Creation.CREATE_NEW) {
            oflag |= Linux.O_EXCL;
        }
        byte[] cName = QueueNames.cString(name);
        long handle;
        while ((handle = binding.mqOpen(cName, oflag, options.mode(), attr)) == -1) {
            int errno = binding.lastErrno();
            if (errno != Linux.EINTR) {
                throw Errors.open(errno, name, options, capacity, msgsize, binding);
            }
        }
        if (binding.mqGetattr(handle, scratch.clearedAttr()) != 0) {
            int errno = binding.lastErrno();
            binding.mqClose(handle);
            throw Errors.generic("cannot read the attributes of queue " + name, errno, name);
        }
        long actualCapacity = scratch.getLong(scratch.attrOffset() + 8);
        long actualSize = scratch.getLong(scratch.attrOffset() + 16);
        // Linux always opens queue descriptors close-on-exec
        if (!options.isCloseOnExec()) {
            binding.fcntl(binding.fileDescriptor(handle), Linux.F_SETFD, 0);
        }
        return new PosixMq(binding, name, handle, options.canRead(), options.canWrite(), actualCapacity, actualSize,
                options.isNonBlocking());
    }

    // ---------------------------------------------------------------- sending

    /** Sends {@code message} with {@code priority}, waiting while the queue is full. */
    public void send(byte[] message, int priority) {
        sendBytes(message, priority, FOREVER);
    }

    /** Sends if there is room now; returns false when the queue is full. */
    public boolean trySend(byte[] message, int priority) {
        return sendBytes(message, priority, NOW);
    }

    /** Sends, waiting at most {@code timeout} for room; returns false when it ran out. */
    public boolean send(byte[] message, int priority, Duration timeout) {
        return sendBytes(message, priority, timeoutNanos(timeout));
    }

    /** Sends, waiting until {@code deadline} at the latest for room; returns false when it passed. */
    public boolean sendUntil(byte[] message, int priority, Instant deadline) {
        return sendBytes(message, priority, untilNanos(deadline));
    }

    /** Sends the buffer's remaining bytes, waiting while the queue is full; the position moves to the limit. */
    public void send(ByteBuffer message, int priority) {
        sendBuffer(message, priority, FOREVER);
    }

    /** Sends the buffer's remaining bytes if there is room now; returns false when the queue is full. */
    public boolean trySend(ByteBuffer message, int priority) {
        return sendBuffer(message, priority, NOW);
    }

    /** Sends the buffer's remaining bytes, waiting at most {@code timeout}; returns false when it ran out. */
    public boolean send(ByteBuffer message, int priority, Duration timeout) {
        return sendBuffer(message, priority, timeoutNanos(timeout));
    }

    /** Sends the buffer's remaining bytes, waiting until {@code deadline} at the latest. */
    public boolean sendUntil(ByteBuffer message, int priority, Instant deadline) {
        return sendBuffer(message, priority, untilNanos(deadline));
    }

    private boolean sendBytes(byte[] message, int priority, long timeout) {
        if (message == null) {
            throw new IllegalArgumentException("message must not be null");
        }
        checkSend(message.length, priority);
        Scratch scratch = Scratch.get();
        try {
            scratch.messageBuffer(message.length).put(0, message, 0, message.length);
            return doSend(scratch.messageAddress(), message.length, priority, timeout);
        }
        finally {
            scratch.releaseMessageBuffer();
        }
    }

    private boolean sendBuffer(ByteBuffer message, int priority, long timeout) {
        if (message == null) {
            throw new IllegalArgumentException("message must not be null");
        }
        int position = message.position();
        int length = message.remaining();
        checkSend(length, priority);
        Scratch scratch = Scratch.get();
        boolean sent;
        if (message.isDirect()) {
            sent = doSend(scratch.directAddress(message) + position, length, priority, timeout);
        }
        else {
            try {
                scratch.messageBuffer(length).put(0, message, position, length);
                sent = doSend(scratch.messageAddress(), length, priority, timeout);
            }
            finally {
                scratch.releaseMessageBuffer();
            }
        }
        if (sent) {
            message.position(position + length);
        }
        return sent;
    }

    private void checkSend(long length, int priority) {
        checkOpen();
        if (!canWrite) {
            throw new QueueDirectionException("cannot send to queue " + name
                    + ": this descriptor was opened read-only (EBADF); open it writeOnly() or readWrite()", Linux.EBADF,
                    name);
        }
        if (priority < 0 || priority >= MQ_PRIO_MAX) {
            throw new IllegalArgumentException("priority must be between 0 and " + (MQ_PRIO_MAX - 1) + ", got " + priority
                    + " (queue " + name + ")");
        }
        if (length > maxMessageSize) {
            throw Errors.tooLarge(name, length, maxMessageSize);
        }
    }

    private boolean doSend(long address, long length, int priority, long timeout) {
        acquire();
        try {
            long deadline = 0; // read the clock only when the call has to wait
            boolean firstWait = true;
            while (true) {
                if (binding.mqTimedsend(handle, address, length, priority, Scratch.EXPIRED_DEADLINE) == 0) {
                    return true;
                }
                int errno = binding.lastErrno();
                if (errno == Linux.EINTR) {
                    continue;
                }
                if (errno == Linux.EAGAIN) {
                    checkMayFail(timeout, "full");
                    return false;
                }
                if (errno != Linux.ETIMEDOUT) {
                    throw Errors.send(errno, this, length);
                }
                if (firstWait && timeout > 0) {
                    deadline = System.nanoTime() + timeout;
                }
                if (!waitFor(Linux.POLLOUT, timeout, deadline, firstWait)) {
                    return false;
                }
                firstWait = false;
            }
        }
        finally {
            release();
        }
    }

    // ---------------------------------------------------------------- receiving

    /**
     * Receives into the buffer's remaining space, waiting while the queue is empty; returns the priority and
     * advances the position by the message length. The buffer must have room for {@link #maxMessageSize()} bytes.
     * Allocates nothing.
     */
    public int receive(ByteBuffer buffer) {
        return receiveInto(buffer, FOREVER);
    }

    /** Receives if a message is there now; returns its priority, or {@link #NO_MESSAGE} when the queue is empty. */
    public int tryReceive(ByteBuffer buffer) {
        return receiveInto(buffer, NOW);
    }

    /** Receives, waiting at most {@code timeout}; returns the priority or {@link #NO_MESSAGE}. */
    public int receive(ByteBuffer buffer, Duration timeout) {
        return receiveInto(buffer, timeoutNanos(timeout));
    }

    /** Receives, waiting until {@code deadline} at the latest; returns the priority or {@link #NO_MESSAGE}. */
    public int receiveUntil(ByteBuffer buffer, Instant deadline) {
        return receiveInto(buffer, untilNanos(deadline));
    }

    /**
     * Waits at most {@code timeout} until the queue holds a message, without receiving it; returns whether it does
     * (another receiver may take it first). Waits on a non-blocking descriptor too; a descriptor closed meanwhile ends
     * the wait with {@link QueueClosedException}. What a dispatcher's worker uses to wait a little for its queue's next
     * message before it gives its thread back.
     */
    public boolean awaitReadable(Duration timeout) {
        long nanos = timeoutNanos(timeout);
        checkReceive();
        acquire();
        try {
            return waitFor(Linux.POLLIN, nanos, System.nanoTime() + nanos, false);
        }
        finally {
            release();
        }
    }

    /** Receives the highest-priority, oldest message, waiting while the queue is empty. */
    public Message receive() {
        return Objects.requireNonNull(receiveMessage(FOREVER));
    }

    /** Receives a message if one is there now. */
    public Optional<Message> tryReceive() {
        return Optional.ofNullable(receiveMessage(NOW));
    }

    /** Receives a message, waiting at most {@code timeout}. */
    public Optional<Message> receive(Duration timeout) {
        return Optional.ofNullable(receiveMessage(timeoutNanos(timeout)));
    }

    /** Receives a message, waiting until {@code deadline} at the latest. */
    public Optional<Message> receiveUntil(Instant deadline) {
        return Optional.ofNullable(receiveMessage(untilNanos(deadline)));
    }

    private @Nullable Message receiveMessage(long timeout) {
        checkReceive();
        Scratch scratch = Scratch.get();
        try {
            ByteBuffer received = scratch.messageBuffer(maxMessageSize);
            long length = doReceive(scratch.messageAddress(), maxMessageSize, scratch.priority(), timeout);
            if (length < 0) {
                return null;
            }
            byte[] bytes = new byte[(int) length];
            received.get(0, bytes, 0, bytes.length);
            return new Message(scratch.readPriority(), bytes);
        }
        finally {
            scratch.releaseMessageBuffer();
        }
    }

    private int receiveInto(ByteBuffer buffer, long timeout) {
        if (buffer == null) {
            throw new IllegalArgumentException("buffer must not be null");
        }
        checkReceive();
        if (buffer.isReadOnly()) {
            throw new IllegalArgumentException("cannot receive from queue " + name + " into a read-only buffer");
        }
        int position = buffer.position();
        int room = buffer.remaining();
        if (room < maxMessageSize) {
            throw new IllegalArgumentException("receive buffer has " + room + " bytes remaining, but queue " + name
                    + " holds messages of up to " + maxMessageSize + " bytes (mq_msgsize); pass a buffer with at least "
                    + maxMessageSize + " bytes remaining");
        }
        Scratch scratch = Scratch.get();
        long length;
        if (buffer.isDirect()) {
            length = doReceive(scratch.directAddress(buffer) + position, room, scratch.priority(), timeout);
        }
        else {
            try {
                ByteBuffer received = scratch.messageBuffer(maxMessageSize);
                length = doReceive(scratch.messageAddress(), maxMessageSize, scratch.priority(), timeout);
                if (length > 0) {
                    buffer.put(position, received, 0, (int) length);
                }
            }
            finally {
                scratch.releaseMessageBuffer();
            }
        }
        if (length < 0) {
            return NO_MESSAGE;
        }
        buffer.position(position + (int) length);
        return scratch.readPriority();
    }

    private void checkReceive() {
        checkOpen();
        if (!canRead) {
            throw new QueueDirectionException("cannot receive from queue " + name
                    + ": this descriptor was opened write-only (EBADF); open it readOnly() or readWrite()", Linux.EBADF,
                    name);
        }
    }

    /**
     * Receives into native memory the caller keeps valid (an {@link InFlightJournal} slot, mapped from its file) and
     * lets the kernel write the priority to {@code priorityAddress} (an {@code unsigned int}): the journal's slot
     * header, so that a crash right after the system call still finds the priority there. {@code timeoutNanos}: 0
     * returns at once, negative waits forever. Returns the message length, or -1 when none arrived in time. Allocates
     * nothing.
     */
    long receiveToAddress(long address, long room, long priorityAddress, long timeoutNanos) {
        checkReceive();
        if (room < maxMessageSize) {
            throw new IllegalArgumentException("receive buffer has " + room + " bytes, but queue " + name
                    + " holds messages of up to " + maxMessageSize + " bytes (mq_msgsize)");
        }
        long timeout = timeoutNanos < 0 ? FOREVER : timeoutNanos == 0 ? NOW : Math.min(timeoutNanos,
                MAX_TIMEOUT_NANOS);
        return doReceive(address, room, priorityAddress, timeout);
    }

    /** Returns the message length, or -1 when none arrived in time. The kernel writes the priority to the address. */
    private long doReceive(long address, long length, long priorityAddress, long timeout) {
        acquire();
        try {
            long deadline = 0; // read the clock only when the call has to wait
            boolean firstWait = true;
            while (true) {
                long received = binding.mqTimedreceive(handle, address, length, priorityAddress,
                        Scratch.EXPIRED_DEADLINE);
                if (received >= 0) {
                    return received;
                }
                int errno = binding.lastErrno();
                if (errno == Linux.EINTR) {
                    continue;
                }
                if (errno == Linux.EAGAIN) {
                    checkMayFail(timeout, "empty");
                    return -1;
                }
                if (errno != Linux.ETIMEDOUT) {
                    throw Errors.receive(errno, this);
                }
                if (firstWait && timeout > 0) {
                    deadline = System.nanoTime() + timeout;
                }
                if (!waitFor(Linux.POLLIN, timeout, deadline, firstWait)) {
                    return -1;
                }
                firstWait = false;
            }
        }
        finally {
            release();
        }
    }

    /**
     * A non-blocking descriptor found the queue full or empty ({@code EAGAIN}): fine for try and timed calls, which
     * return at once, but a call that would wait forever fails with {@link QueueWouldBlockException}.
     */
    private void checkMayFail(long timeout, String state) {
        if (timeout == FOREVER) {
            throw Errors.wouldBlock(name, state);
        }
    }

    /**
     * After a blocking descriptor found the queue full or empty ({@code ETIMEDOUT} on the expired deadline): returns
     * true when the call should try again (the queue became ready), false when the deadline passed, and throws when
     * the queue was closed. Called with the descriptor acquired. The first wait of a call only gives the CPU away
     * once ({@code sched_yield}) before the retry: a producer and a consumer sharing a CPU then hand over without a
     * sleep and a wake-up each (pinned producer/consumer throughput about +45%, see {@code benchmarks/RESULTS.md});
     * on an idle queue it costs one extra system call before {@code ppoll}. A virtual thread parks on the shared
     * {@link VirtualThreadPoller} instead of calling {@code ppoll}.
     */
    private boolean waitFor(short events, long timeout, long deadline, boolean firstWait) {
        if (timeout == NOW) {
            return false;
        }
        if (firstWait) {
            Thread.yield();
            return true;
        }
        if (VirtualThreadPoller.isVirtualThread()) {
            int parked = parkVirtual(events, timeout, deadline);
            if (parked != PARK_UNAVAILABLE) {
                return parked == PARK_RETRY;
            }
        }
        Scratch scratch = Scratch.get();
        while (true) {
            if (isClosed()) {
                throw Errors.closed(name);
            }
            long timespec = 0;
            if (timeout != FOREVER) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                timespec = scratch.timespec(remaining);
            }
            long fds = scratch.pollfds(fd, events, wakeFd, Linux.POLLIN);
            int ready = binding.ppoll(fds, 2, timespec);
            if (ready < 0) {
                int errno = binding.lastErrno();
                if (errno == Linux.EINTR) {
                    continue;
                }
                throw Errors.generic("cannot wait on queue " + name, errno, name);
            }
            if (scratch.revents(1) != 0 || isClosed()) {
                throw Errors.closed(name);
            }
            if (ready > 0 && scratch.revents(0) != 0) {
                return true;
            }
        }
    }

    private static final int PARK_RETRY = 1;
    private static final int PARK_DEADLINE = 0;
    private static final int PARK_UNAVAILABLE = -1;

    /**
     * {@link #waitFor} on a virtual thread: parks on the shared poller until the queue is ready ({@link #PARK_RETRY}),
     * the deadline passed ({@link #PARK_DEADLINE}) or the queue was closed (throws); {@link #PARK_UNAVAILABLE} when
     * the poller cannot be used, so the caller waits as a platform thread does. Kept out of {@code waitFor} so that
     * the platform threads' path stays as small as it was.
     */
    private int parkVirtual(short events, long timeout, long deadline) {
        PollWaiters waiters = pollWaiters();
        if (waiters == null) {
            return PARK_UNAVAILABLE;
        }
        boolean timed = timeout != FOREVER;
        if (timed && deadline - System.nanoTime() <= 0) {
            return PARK_DEADLINE;
        }
        // POLLIN and POLLOUT have the values of EPOLLIN and EPOLLOUT
        if (waiters.await(events, timed, deadline) == PollWaiters.UNAVAILABLE) {
            return PARK_UNAVAILABLE;
        }
        if (isClosed()) {
            throw Errors.closed(name);
        }
        return !timed || deadline - System.nanoTime() > 0 ? PARK_RETRY : PARK_DEADLINE;
    }

    /** This queue's virtual-thread waiters, created on first use; null when there is no poller. */
    private @Nullable PollWaiters pollWaiters() {
        PollWaiters waiters = pollWaiters;
        if (waiters != null) {
            return waiters;
        }
        VirtualThreadPoller poller = VirtualThreadPoller.get();
        if (poller == null) {
            return null;
        }
        POLL_WAITERS.compareAndSet(this, null, new PollWaiters(poller, fd, this::isClosed));
        return pollWaiters;
    }

    private static long timeoutNanos(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be zero or positive, got " + timeout);
        }
        if (timeout.getSeconds() >= MAX_TIMEOUT_NANOS / 1_000_000_000L) {
            return MAX_TIMEOUT_NANOS;
        }
        return Math.max(1, timeout.toNanos());
    }

    private static long untilNanos(Instant deadline) {
        if (deadline == null) {
            throw new IllegalArgumentException("deadline must not be null");
        }
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() || left.isZero() ? 1 : timeoutNanos(left);
    }

    // ---------------------------------------------------------------- iteration

    /** Messages as they arrive, waiting for each; the iteration ends when the queue is closed. */
    public Iterable<Message> messages() {
        return () -> new MessageIterator(true);
    }

    /** Messages already in the queue, received without waiting until it is empty. */
    public Iterable<Message> drain() {
        return () -> new MessageIterator(false);
    }

    /** A stream of {@link #messages()}: waits for each message, ends when the queue is closed. */
    public Stream<Message> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(new MessageIterator(true),
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** A stream of {@link #drain()}: the messages in the queue now. */
    public Stream<Message> drainStream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(new MessageIterator(false),
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    private final class MessageIterator implements Iterator<Message> {
        private final boolean wait;
        private @Nullable Message next;
        private boolean done;

        MessageIterator(boolean wait) {
            this.wait = wait;
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (done) {
                return false;
            }
            try {
                next = receiveMessage(wait ? FOREVER : NOW);
            }
            catch (QueueClosedException ex) {
                next = null;
            }
            done = next == null;
            return !done;
        }

        @Override
        public Message next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more messages in queue " + name);
            }
            Message message = next;
            next = null;
            return message;
        }
    }

    // ---------------------------------------------------------------- attributes and flags

    /**
     * Reads the queue's attributes now ({@code mq_getattr}); {@code nonBlocking} is the descriptor's flag as the
     * kernel holds it (shared with {@link #duplicate()} copies and inherited descriptors).
     */
    public Attributes attributes() {
        acquire();
        try {
            Scratch scratch = Scratch.get();
            if (binding.mqGetattr(handle, scratch.clearedAttr()) != 0) {
                throw Errors.generic("cannot read the attributes of queue " + name, binding.lastErrno(), name);
            }
            int offset = scratch.attrOffset();
            boolean flag = (scratch.getLong(offset) & Linux.O_NONBLOCK) != 0;
            nonBlocking = flag;
            return new Attributes(scratch.getLong(offset + 8), scratch.getLong(offset + 16),
                    scratch.getLong(offset + 24), flag);
        }
        finally {
            release();
        }
    }

    /**
     * The queue's owner, group, permission bits and identity, from {@code fstat} on this descriptor: what it is, not
     * what its name now leads to. Use it to check that a queue someone else could have created is yours before
     * trusting it.
     */
    public QueueStat stat() {
        acquire();
        try {
            Scratch scratch = Scratch.get();
            while (binding.fstat(fd, scratch.stat()) != 0) {
                int errno = binding.lastErrno();
                if (errno != Linux.EINTR) {
                    throw Errors.generic("cannot fstat queue " + name, errno, name);
                }
            }
            int offset = scratch.statOffset();
            return new QueueStat(scratch.getInt(offset + Linux.STAT_UID), scratch.getInt(offset + Linux.STAT_GID),
                    scratch.getInt(offset + Linux.STAT_MODE) & 07777, scratch.getLong(offset + Linux.STAT_DEV),
                    scratch.getLong(offset + Linux.STAT_INO));
        }
        finally {
            release();
        }
    }

    /** Messages in the queue now. */
    public long currentMessages() {
        return attributes().currentMessages();
    }

    /** The queue's capacity in messages (fixed when it was created). */
    public long capacity() {
        return capacity;
    }

    /** The queue's largest message size in bytes (fixed when it was created). */
    public long maxMessageSize() {
        return maxMessageSize;
    }

    /**
     * Whether the descriptor is in {@code O_NONBLOCK} mode, so send and receive fail instead of waiting (see
     * {@link QueueWouldBlockException}): read from the kernel while open, the last value seen once closed.
     */
    public boolean isNonBlocking() {
        if (uses.enter()) {
            try {
                return attributes().nonBlocking();
            }
            finally {
                release();
            }
        }
        return nonBlocking;
    }

    /**
     * Switches the descriptor between blocking and non-blocking mode ({@code mq_setattr}). The flag belongs to the
     * open queue description: {@link #duplicate()} copies and descriptors inherited by child processes change with it.
     */
    public void setNonBlocking(boolean nonBlocking) {
        acquire();
        try {
            Scratch scratch = Scratch.get();
            long attr = scratch.clearedAttr();
            scratch.putLong(scratch.attrOffset(), nonBlocking ? Linux.O_NONBLOCK : 0);
            if (binding.mqSetattr(handle, attr, 0) != 0) {
                throw Errors.generic("cannot switch queue " + name + " to " + (nonBlocking ? "non-" : "")
                        + "blocking mode", binding.lastErrno(), name);
            }
            this.nonBlocking = nonBlocking;
        }
        finally {
            release();
        }
    }

    /** Whether the descriptor is closed in programs started with exec. */
    public boolean isCloseOnExec() {
        acquire();
        try {
            int flags = binding.fcntl(fd, Linux.F_GETFD, 0);
            if (flags < 0) {
                throw Errors.generic("cannot read the descriptor flags of queue " + name, binding.lastErrno(), name);
            }
            return (flags & Linux.FD_CLOEXEC) != 0;
        }
        finally {
            release();
        }
    }

    /** Sets whether the descriptor is closed in programs started with exec. */
    public void setCloseOnExec(boolean closeOnExec) {
        acquire();
        try {
            if (binding.fcntl(fd, Linux.F_SETFD, closeOnExec ? Linux.FD_CLOEXEC : 0) < 0) {
                throw Errors.generic("cannot set close-on-exec on queue " + name, binding.lastErrno(), name);
            }
        }
        finally {
            release();
        }
    }

    /** The queue name, with its leading slash. */
    public String name() {
        return name;
    }

    /** Whether this descriptor was opened for receiving. */
    public boolean canReceive() {
        return canRead;
    }

    /** Whether this descriptor was opened for sending. */
    public boolean canSend() {
        return canWrite;
    }

    /**
     * The file descriptor, for callers that poll it themselves or hand it to a child process; it is blocking or
     * non-blocking as this queue was opened (see {@link #setNonBlocking(boolean)}). Valid until {@link #close()};
     * never close it directly.
     */
    public int fileDescriptor() {
        checkOpen();
        return fd;
    }

    /**
     * Whether the queue's name was removed ({@code mq_unlink}) since this descriptor was opened, so that other
     * processes opening the name reach another queue or none. Read from the {@code /proc/self/fd} link, which ends
     * in {@code " (deleted)"} then; throws {@link UnsupportedOperationException} when that link cannot tell.
     */
    public boolean isUnlinked() {
        acquire();
        try {
            String link;
            try {
                // the link's bytes, not its toString(), which the locale's charset decodes (ASCII under LANG=C)
                link = new String(RawPaths.bytes(Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(fd)))),
                        StandardCharsets.UTF_8);
            }
            catch (IOException | RuntimeException ex) {
                throw new UnsupportedOperationException("cannot tell whether queue " + name + " was unlinked: /proc/self/fd/"
                        + fd + " cannot be read (" + ex + ")", ex);
            }
            if (link.equals(name)) {
                return false;
            }
            if (link.equals(name + " (deleted)")) {
                return true;
            }
            throw new UnsupportedOperationException("cannot tell whether queue " + name + " was unlinked: /proc/self/fd/"
                    + fd + " reads " + link);
        }
        finally {
            release();
        }
    }

    /**
     * A second {@code PosixMq} on a new descriptor number for the same open queue ({@code fcntl(F_DUPFD_CLOEXEC)}:
     * {@code dup} with close-on-exec set on the copy). The two close independently but share the open queue
     * description, so the non-blocking flag set on one applies to both; closing either drops this process's
     * {@link #registerNotification notification} registration on the queue, as closing any descriptor of it does.
     */
    public PosixMq duplicate() {
        acquire();
        try {
            int copy = binding.fcntl(fd, Linux.F_DUPFD_CLOEXEC, 0);
            if (copy < 0) {
                throw Errors.noDescriptor("cannot duplicate the descriptor of queue " + name, binding.lastErrno(),
                        name);
            }
            return new PosixMq(binding, name, binding.handleOf(copy), canRead, canWrite, capacity, maxMessageSize,
                    nonBlocking);
        }
        finally {
            release();
        }
    }

    // ---------------------------------------------------------------- notification

    /**
     * Asks the kernel to call {@code callback} once, on a thread this library owns, when a message arrives on this
     * queue while it is empty and no thread is blocked receiving ({@code mq_notify}). It is one-shot: register again
     * from the callback to keep listening. Only one process may be registered per queue; a second registration
     * fails with {@link QueueBusyException}. The callback is let go when it runs, when it is unregistered and when
     * the queue is closed. For robust waiting use {@link PosixMqSelector}.
     */
    public void registerNotification(Runnable callback) {
        if (callback == null) {
            throw new IllegalArgumentException("callback must not be null");
        }
        acquire();
        try {
            notifications.register(callback);
        }
        finally {
            release();
        }
    }

    /** Cancels this process's notification registration, if any. */
    public void unregisterNotification() {
        acquire();
        try {
            notifications.unregister();
        }
        finally {
            release();
        }
    }

    // ---------------------------------------------------------------- close

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return uses.isClosed();
    }

    /**
     * Closes the descriptor. Idempotent. Threads blocked in a send or receive on this object wake up with a
     * {@link QueueClosedException}; the descriptor is released when the last of them has left.
     */
    @Override
    public void close() {
        if (!uses.closeAndEnter()) {
            return;
        }
        try {
            binding.eventfdWrite(wakeFd, 1);
            PollWaiters waiters = pollWaiters;
            if (waiters != null) {
                waiters.closed();
            }
        }
        finally {
            release();
        }
    }

    void addSelectorKey(PosixMqSelector.Key key) {
        selectorKeys.add(key);
    }

    void removeSelectorKey(PosixMqSelector.Key key) {
        selectorKeys.remove(key);
    }

    /** Runs {@code action} with the descriptor held open; false when closed. */
    boolean withDescriptor(java.util.function.IntPredicate action) {
        if (!uses.enter()) {
            return false;
        }
        try {
            return action.test(fd);
        }
        finally {
            release();
        }
    }

    private void checkOpen() {
        if (isClosed()) {
            throw Errors.closed(name);
        }
    }

    private void acquire() {
        if (!uses.enter()) {
            throw Errors.closed(name);
        }
    }

    private void release() {
        uses.leave();
    }

    /** Runs once, when closed and no call holds the descriptor. */
    private void destroy() {
        for (PosixMqSelector.Key key : selectorKeys) {
            key.descriptorClosing(fd);
        }
        selectorKeys.clear();
        descriptors.closedByOwner = true;
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "PosixMq[" + name + (isClosed() ? ", closed" : ", fd=" + fd) + "]";
    }
}
