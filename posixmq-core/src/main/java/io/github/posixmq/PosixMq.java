package io.github.posixmq;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import io.github.posixmq.internal.Bindings;
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
 * <p>Blocking calls wait with {@code ppoll} on the queue and on an internal {@code eventfd}; the kernel descriptor
 * itself is always in {@code O_NONBLOCK} mode, and {@link #setNonBlocking(boolean)} changes this object's behaviour
 * only. Timeouts are measured on the monotonic clock. {@code EINTR} is retried.
 */
public final class PosixMq implements AutoCloseable {

    /** Returned by the {@link ByteBuffer} receive methods when no message arrived. */
    public static final int NO_MESSAGE = -1;

    /** Priorities are {@code 0 <= priority < MQ_PRIO_MAX} (32768 on Linux); higher is received first. */
    public static final int MQ_PRIO_MAX = 32768;

    private static final long FOREVER = -1;
    private static final long NOW = 0;

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
            throw Errors.generic("cannot create the eventfd that wakes waiters of queue " + name, errno, name);
        }
        this.wakeFd = wake;
        this.notifications = new Notifications(this, binding);
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
        MqBinding binding = Bindings.instance();
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

    static PosixMq open(String name, OpenOptions options) {
        MqBinding binding = Bindings.instance();
        Scratch scratch = Scratch.get();
        long capacity = options.capacity();
        long msgsize = options.maxMessageSize();
        boolean creating = options.creation() != OpenOptions.Creation.EXISTING;
        long attr = 0;
        if (creating && (capacity > 0 || msgsize > 0)) {
            SystemLimits limits = SystemLimits.read();
            if (capacity == 0) {
                capacity = limits.msgDefault() > 0 ? limits.msgDefault() : 10;
            }
            if (msgsize == 0) {
                msgsize = limits.msgsizeDefault() > 0 ? limits.msgsizeDefault() : 8192;
            }
            attr = scratch.clearedAttr();
            scratch.putLong(scratch.attrOffset() + 8, capacity);
            scratch.putLong(scratch.attrOffset() + 16, msgsize);
        }
        int oflag = options.accessFlags() | Linux.O_NONBLOCK;
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
                throw Errors.open(errno, name, options, capacity, msgsize);
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
        scratch.messageBuffer(message.length).put(0, message, 0, message.length);
        return doSend(scratch.messageAddress(), message.length, priority, timeout);
    }

    private boolean sendBuffer(ByteBuffer message, int priority, long timeout) {
        if (message == null) {
            throw new IllegalArgumentException("message must not be null");
        }
        int position = message.position();
        int length = message.remaining();
        checkSend(length, priority);
        Scratch scratch = Scratch.get();
        long address;
        if (message.isDirect()) {
            address = scratch.directAddress(message) + position;
        }
        else {
            scratch.messageBuffer(length).put(0, message, position, length);
            address = scratch.messageAddress();
        }
        boolean sent = doSend(address, length, priority, timeout);
        if (sent) {
            message.position(position + length);
        }
        return sent;
    }

    private void checkSend(long length, int priority) {
        checkOpen();
        if (!canWrite) {
            throw new QueueAccessDeniedException("cannot send to queue " + name
                    + ": it was opened read-only; open it writeOnly() or readWrite()", 0, name);
        }
        if (priority < 0 || priority >= MQ_PRIO_MAX) {
            throw new IllegalArgumentException("priority must be between 0 and " + (MQ_PRIO_MAX - 1) + ", got " + priority
                    + " (queue " + name + ")");
        }
        if (length > maxMessageSize) {
            throw Errors.tooLarge(name, length, maxMessageSize, 0);
        }
    }

    private boolean doSend(long address, long length, int priority, long timeout) {
        acquire();
        try {
            long deadline = timeout > 0 ? System.nanoTime() + timeout : 0;
            boolean firstWait = true;
            while (true) {
                if (binding.mqSend(handle, address, length, priority) == 0) {
                    return true;
                }
                int errno = binding.lastErrno();
                if (errno == Linux.EINTR) {
                    continue;
                }
                if (errno != Linux.EAGAIN) {
                    throw Errors.send(errno, this, length);
                }
                if (!waitFor(Linux.POLLOUT, "full", timeout, deadline, firstWait)) {
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

    /** Receives the highest-priority, oldest message, waiting while the queue is empty. */
    public Message receive() {
        Message message = receiveMessage(FOREVER);
        if (message == null) {
            throw new IllegalStateException("blocking receive returned no message from " + name);
        }
        return message;
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
        ByteBuffer received = scratch.messageBuffer(maxMessageSize);
        long length = doReceive(scratch.messageAddress(), maxMessageSize, timeout, scratch);
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[(int) length];
        received.get(0, bytes, 0, bytes.length);
        return new Message(scratch.readPriority(), bytes);
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
            length = doReceive(scratch.directAddress(buffer) + position, room, timeout, scratch);
        }
        else {
            ByteBuffer received = scratch.messageBuffer(maxMessageSize);
            length = doReceive(scratch.messageAddress(), maxMessageSize, timeout, scratch);
            if (length > 0) {
                buffer.put(position, received, 0, (int) length);
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
            throw new QueueAccessDeniedException("cannot receive from queue " + name
                    + ": it was opened write-only; open it readOnly() or readWrite()", 0, name);
        }
    }

    /** Returns the message length, or -1 when none arrived in time. The priority is in the scratch slot. */
    private long doReceive(long address, long length, long timeout, Scratch scratch) {
        acquire();
        try {
            long deadline = timeout > 0 ? System.nanoTime() + timeout : 0;
            boolean firstWait = true;
            while (true) {
                long received = binding.mqReceive(handle, address, length, scratch.priority());
                if (received >= 0) {
                    return received;
                }
                int errno = binding.lastErrno();
                if (errno == Linux.EINTR) {
                    continue;
                }
                if (errno != Linux.EAGAIN) {
                    throw Errors.receive(errno, this);
                }
                if (!waitFor(Linux.POLLIN, "empty", timeout, deadline, firstWait)) {
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
     * After EAGAIN: returns true when the call should try again (the queue became ready), false when the deadline
     * passed, and throws when the queue was closed. Called with the descriptor acquired. The first wait of a call
     * only gives the CPU away once ({@code sched_yield}) before the retry: a producer and a consumer sharing a CPU
     * then hand over without a sleep and a wake-up each (pinned producer/consumer throughput about +45%, see
     * {@code benchmarks/RESULTS.md}); on an idle queue it costs one extra system call before {@code ppoll}.
     */
    private boolean waitFor(short events, String state, long timeout, long deadline, boolean firstWait) {
        if (nonBlocking) {
            if (timeout == FOREVER) {
                throw Errors.wouldBlock(name, state);
            }
            return false;
        }
        if (timeout == NOW) {
            return false;
        }
        if (firstWait) {
            Thread.yield();
            return true;
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

    private static long timeoutNanos(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be zero or positive, got " + timeout);
        }
        try {
            return Math.max(1, timeout.toNanos());
        }
        catch (ArithmeticException ex) {
            return Long.MAX_VALUE / 2;
        }
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

    /** Reads the queue's attributes now ({@code mq_getattr}). */
    public Attributes attributes() {
        acquire();
        try {
            Scratch scratch = Scratch.get();
            if (binding.mqGetattr(handle, scratch.clearedAttr()) != 0) {
                throw Errors.generic("cannot read the attributes of queue " + name, binding.lastErrno(), name);
            }
            int offset = scratch.attrOffset();
            return new Attributes(scratch.getLong(offset + 8), scratch.getLong(offset + 16),
                    scratch.getLong(offset + 24), nonBlocking);
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

    /** Whether send and receive fail instead of waiting (see {@link QueueWouldBlockException}). */
    public boolean isNonBlocking() {
        return nonBlocking;
    }

    /** Switches this descriptor between blocking and non-blocking operation. */
    public void setNonBlocking(boolean nonBlocking) {
        checkOpen();
        this.nonBlocking = nonBlocking;
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
     * The file descriptor, for callers that poll it themselves (it is in {@code O_NONBLOCK} mode). Valid until
     * {@link #close()}; never close it directly.
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
                link = Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(fd))).toString();
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

    /** A second, independent {@code PosixMq} on a duplicate of this descriptor (like {@code dup}). */
    public PosixMq duplicate() {
        acquire();
        try {
            int copy = binding.fcntl(fd, Linux.F_DUPFD_CLOEXEC, 0);
            if (copy < 0) {
                throw Errors.generic("cannot duplicate the descriptor of queue " + name, binding.lastErrno(), name);
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
     * fails with {@link QueueBusyException}. For robust waiting use {@link PosixMqSelector}.
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

    long handle() {
        return handle;
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
        binding.mqClose(handle);
        binding.close(wakeFd);
        notifications.closed();
    }

    @Override
    public String toString() {
        return "PosixMq[" + name + (isClosed() ? ", closed" : ", fd=" + fd) + "]";
    }
}
