package io.github.posixmq;

import io.github.posixmq.internal.Linux;

/**
 * How to open a queue: access (read-only, write-only, read-write), whether to create it, and the attributes of a
 * new queue. Mutable builder; {@link #open(String)} may be called many times.
 *
 * <pre>{@code
 * try (PosixMq mq = OpenOptions.readWrite().create().capacity(10).maxMessageSize(1024).open("/orders")) {
 *     mq.send("hello".getBytes(), 3);
 * }
 * }</pre>
 */
public final class OpenOptions {

    /** Default mode of created queues: read and write for the owner only. */
    public static final int DEFAULT_MODE = 0600;

    /** What to do when the queue does or does not exist. */
    public enum Creation {
        /** Open an existing queue only ({@code ENOENT} → {@link QueueNotFoundException}). */
        EXISTING,
        /** Create the queue if missing, else open it ({@code O_CREAT}). */
        CREATE,
        /** Create the queue; fail with {@link QueueAlreadyExistsException} if it exists ({@code O_CREAT|O_EXCL}). */
        CREATE_NEW
    }

    private final boolean read;
    private final boolean write;
    private Creation creation = Creation.EXISTING;
    private int mode = DEFAULT_MODE;
    private long capacity;
    private long maxMessageSize;
    private boolean nonBlocking;
    private boolean closeOnExec = true;

    private OpenOptions(boolean read, boolean write) {
        this.read = read;
        this.write = write;
    }

    /** Options to receive only. */
    public static OpenOptions readOnly() {
        return new OpenOptions(true, false);
    }

    /** Options to send only. */
    public static OpenOptions writeOnly() {
        return new OpenOptions(false, true);
    }

    /** Options to send and receive. */
    public static OpenOptions readWrite() {
        return new OpenOptions(true, true);
    }

    /** Creates the queue if it does not exist. */
    public OpenOptions create() {
        creation = Creation.CREATE;
        return this;
    }

    /** Creates the queue and fails if it already exists, so a queue someone else made is never adopted. */
    public OpenOptions createNew() {
        creation = Creation.CREATE_NEW;
        return this;
    }

    /** Opens an existing queue only (the default). */
    public OpenOptions existing() {
        creation = Creation.EXISTING;
        return this;
    }

    /** Sets what to do when the queue does or does not exist. */
    public OpenOptions creation(Creation creation) {
        if (creation == null) {
            throw new IllegalArgumentException("creation must not be null");
        }
        this.creation = creation;
        return this;
    }

    /** Permission bits of a created queue, {@code 0} to {@code 0777} (default {@code 0600}; the umask applies). */
    public OpenOptions mode(int mode) {
        if (mode < 0 || mode > 0777) {
            throw new IllegalArgumentException("mode must be between 0 and 0777 (octal), got 0" + Integer.toOctalString(mode));
        }
        this.mode = mode;
        return this;
    }

    /**
     * Capacity in messages of a created queue. Up to {@code /proc/sys/fs/mqueue/msg_max}; 0 (the default) uses the
     * system default {@code msg_default}.
     */
    public OpenOptions capacity(long capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be > 0 (or 0 for the system default), got " + capacity);
        }
        this.capacity = capacity;
        return this;
    }

    /**
     * Largest message in bytes of a created queue. Up to {@code /proc/sys/fs/mqueue/msgsize_max}; 0 (the default)
     * uses the system default {@code msgsize_default}.
     */
    public OpenOptions maxMessageSize(long maxMessageSize) {
        if (maxMessageSize < 0) {
            throw new IllegalArgumentException(
                    "maxMessageSize must be > 0 (or 0 for the system default), got " + maxMessageSize);
        }
        this.maxMessageSize = maxMessageSize;
        return this;
    }

    /**
     * Opens the descriptor with {@code O_NONBLOCK} (default false): send and receive fail instead of waiting when the
     * queue is full or empty, here and in any process the descriptor is passed to.
     */
    public OpenOptions nonBlocking(boolean nonBlocking) {
        this.nonBlocking = nonBlocking;
        return this;
    }

    /** Whether the descriptor is closed in programs started with exec (default true). */
    public OpenOptions closeOnExec(boolean closeOnExec) {
        this.closeOnExec = closeOnExec;
        return this;
    }

    /** Opens (or creates) the queue. The name is normalized by {@link QueueNames#normalize(String)}. */
    public PosixMq open(String name) {
        return PosixMq.open(QueueNames.normalize(name), this);
    }

    boolean canRead() {
        return read;
    }

    boolean canWrite() {
        return write;
    }

    Creation creation() {
        return creation;
    }

    int mode() {
        return mode;
    }

    long capacity() {
        return capacity;
    }

    long maxMessageSize() {
        return maxMessageSize;
    }

    boolean isNonBlocking() {
        return nonBlocking;
    }

    boolean isCloseOnExec() {
        return closeOnExec;
    }

    int accessFlags() {
        return read && write ? Linux.O_RDWR : write ? Linux.O_WRONLY : Linux.O_RDONLY;
    }

    String describeAccess() {
        return read && write ? "read-write" : write ? "write-only" : "read-only";
    }

    @Override
    public String toString() {
        return "OpenOptions[" + describeAccess() + ", " + creation + ", mode=0" + Integer.toOctalString(mode)
                + ", capacity=" + capacity + ", maxMessageSize=" + maxMessageSize + ", nonBlocking=" + nonBlocking
                + ", closeOnExec=" + closeOnExec + "]";
    }
}
