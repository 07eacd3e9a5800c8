package io.github.posixmq.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.jspecify.annotations.Nullable;

/**
 * Per-thread native memory reused by every call on that thread, so the send and receive paths allocate nothing
 * once warm: small fixed slots ({@code mq_attr}, {@code timespec}, two {@code pollfd}s, the priority, an 8-byte
 * word, a {@code struct stat}) and a message buffer. The memory comes from the binding in use
 * ({@link MqBinding#allocate(long)}: an arena on FFM, JNA's {@code Memory} on JNA) and is read and written through a
 * direct {@link ByteBuffer} view of the block (JIT intrinsics), never through a JNI call.
 *
 * <p>Memory is bounded: a platform thread keeps a message buffer of at most {@link #RETAINED_LIMIT} bytes; larger
 * buffers, and every message buffer of a virtual thread, are borrowed for one call from a small process-wide pool
 * ({@link #POOL_SLOTS} buffers, {@link #POOL_LIMIT} bytes at most) and given back. A thread's scratch memory is
 * unreachable once the thread ends and is then freed by the binding's cleaner.
 */
public final class Scratch {

    /** Largest message buffer a platform thread keeps between calls. */
    public static final long RETAINED_LIMIT = 64 * 1024;

    /** Most buffers the shared pool keeps between calls. */
    public static final int POOL_SLOTS = Math.min(16, 2 * Runtime.getRuntime().availableProcessors());

    /** Most bytes the shared pool keeps between calls. */
    public static final long POOL_LIMIT = 32L * 1024 * 1024;

    private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);

    private static final int ATTR = 0;
    private static final int TIMESPEC = 64;
    private static final int POLLFDS = 80;
    private static final int PRIORITY = 96;
    private static final int WORD = 104;
    private static final int STAT = 128;
    private static final int SIZE = STAT + Linux.STAT_SIZE;
    /** Direct buffers whose address is cached: a send and a receive buffer per thread hit, with room to spare. */
    private static final int DIRECT_SLOTS = 4;

    private static final MqBinding BINDING = Bindings.instance();

    /** A zero {@code struct timespec}: as an absolute deadline it passed long ago, so timed calls never wait. */
    private static final NativeMemory EXPIRED = BINDING.allocate(16);

    /** {@link #EXPIRED}'s address, for {@code mq_timedsend}/{@code mq_timedreceive} that must return at once. */
    public static final long EXPIRED_DEADLINE = EXPIRED.address();

    private static final @Nullable MethodHandle IS_VIRTUAL = isVirtualHandle();

    private static final AtomicReferenceArray<Block> POOL = new AtomicReferenceArray<>(POOL_SLOTS);
    private static final AtomicLong POOLED_BYTES = new AtomicLong();

    private final NativeMemory fixed = BINDING.allocate(SIZE);
    private final long base = fixed.address();
    private final ByteBuffer view = fixed.view();
    private final boolean virtual = isVirtual(Thread.currentThread());

    /** The buffer this thread keeps (at most {@link #RETAINED_LIMIT} bytes), or null. */
    private @Nullable Block retained;
    /** The buffer {@link #messageBuffer(long)} returned last, until {@link #releaseMessageBuffer()}. */
    private @Nullable Block current;

    /** Direct buffers used last on this thread (weakly held, so they can still be freed) and their addresses. */
    @SuppressWarnings("unchecked")
    private final @Nullable WeakReference<ByteBuffer>[] directBuffers = new WeakReference[DIRECT_SLOTS];
    private final long[] directAddresses = new long[DIRECT_SLOTS];
    private int nextDirectSlot;

    private Scratch() {
    }

    /** This thread's scratch memory. */
    public static Scratch get() {
        return CURRENT.get();
    }

    /** Offset of the {@code mq_attr} slot, for {@link #getLong(int)} and {@link #putLong(int, long)}. */
    public int attrOffset() {
        return ATTR;
    }

    /** Zeroes the {@code mq_attr} slot and returns its address. */
    public long clearedAttr() {
        for (int offset = 0; offset < Linux.MQ_ATTR_SIZE; offset += 8) {
            view.putLong(ATTR + offset, 0);
        }
        return base + ATTR;
    }

    /** The 64-bit value at {@code offset} in the fixed slots (e.g. an {@code mq_attr} field). */
    public long getLong(int offset) {
        return view.getLong(offset);
    }

    /** The 32-bit value at {@code offset} in the fixed slots (e.g. a {@code struct stat} field). */
    public int getInt(int offset) {
        return view.getInt(offset);
    }

    /** Writes a 64-bit value at {@code offset} in the fixed slots. */
    public void putLong(int offset, long value) {
        view.putLong(offset, value);
    }

    /** Writes a relative {@code struct timespec} for {@code nanos} and returns its address. */
    public long timespec(long nanos) {
        view.putLong(TIMESPEC, nanos / 1_000_000_000L);
        view.putLong(TIMESPEC + 8, nanos % 1_000_000_000L);
        return base + TIMESPEC;
    }

    /** Writes two {@code struct pollfd}s and returns the address of the first. */
    public long pollfds(int fd0, short events0, int fd1, short events1) {
        view.putInt(POLLFDS, fd0);
        view.putShort(POLLFDS + 4, events0);
        view.putShort(POLLFDS + 6, (short) 0);
        view.putInt(POLLFDS + 8, fd1);
        view.putShort(POLLFDS + 12, events1);
        view.putShort(POLLFDS + 14, (short) 0);
        return base + POLLFDS;
    }

    /** {@code revents} of pollfd {@code index} (0 or 1) after {@code ppoll}. */
    public short revents(int index) {
        return view.getShort(POLLFDS + index * 8 + 6);
    }

    /** Address of the {@code unsigned int} priority slot. */
    public long priority() {
        return base + PRIORITY;
    }

    /** The priority written by the last receive. */
    public int readPriority() {
        return view.getInt(PRIORITY);
    }

    /** Address of a 16-byte word slot (eventfd counters, {@code struct rlimit}). */
    public long word() {
        return base + WORD;
    }

    /**
     * Writes a {@code struct epoll_event} ({@code events}, {@code data}) into the word slot and returns its address,
     * for {@code epoll_ctl}.
     */
    public long epollEvent(int events, long data) {
        view.putInt(WORD, events);
        if (Linux.EPOLL_EVENT_DATA != 4) {
            view.putInt(WORD + 4, 0);
        }
        view.putLong(WORD + Linux.EPOLL_EVENT_DATA, data);
        return base + WORD;
    }

    /** Offset of the word slot, for {@link #getLong(int)}. */
    public int wordOffset() {
        return WORD;
    }

    /** Address of the {@code struct stat} slot ({@link Linux#STAT_SIZE} bytes). */
    public long stat() {
        return base + STAT;
    }

    /** Offset of the {@code struct stat} slot, for {@link #getInt(int)} and {@link #getLong(int)}. */
    public int statOffset() {
        return STAT;
    }

    /**
     * A view of a message buffer of at least {@code capacity} bytes, for copying to and from arrays and heap buffers
     * with absolute bulk {@code get}/{@code put} (a JIT intrinsic, where JNA's {@code Memory.read}/{@code write} are
     * JNI calls). Valid until {@link #releaseMessageBuffer()}, which every call must reach (in a {@code finally}).
     */
    public ByteBuffer messageBuffer(long capacity) {
        Block block;
        if (!virtual && capacity <= RETAINED_LIMIT) {
            block = retained;
            if (block == null || block.capacity < capacity) {
                if (block != null) {
                    block.memory.free();
                }
                block = new Block(Math.max(capacity, 64));
                retained = block;
            }
        }
        else {
            block = borrow(capacity);
        }
        current = block;
        return block.view;
    }

    /** Native address of the buffer {@link #messageBuffer(long)} returned last. */
    public long messageAddress() {
        Block block = current;
        if (block == null) {
            throw new IllegalStateException("no message buffer in use on this thread");
        }
        return block.address;
    }

    /** Ends the use of the buffer {@link #messageBuffer(long)} returned: a borrowed one goes back to the pool. */
    public void releaseMessageBuffer() {
        Block block = current;
        current = null;
        if (block != null && block != retained) {
            giveBack(block);
        }
    }

    /** Bytes of message buffer this thread keeps between calls (for tests and diagnostics). */
    public long retainedBytes() {
        Block block = retained;
        return block == null ? 0 : block.capacity;
    }

    /** Bytes the shared pool keeps between calls (for tests and diagnostics). */
    public static long pooledBytes() {
        return POOLED_BYTES.get();
    }

    /**
     * Native address of a direct buffer's first byte, cached for the last few buffers used on this thread: a miss
     * costs a binding call and a few small objects, so a thread alternating between a send and a receive buffer must
     * hit.
     */
    public long directAddress(ByteBuffer direct) {
        for (int i = 0; i < DIRECT_SLOTS; i++) {
            WeakReference<ByteBuffer> cached = directBuffers[i];
            if (cached != null && cached.get() == direct) {
                return directAddresses[i];
            }
        }
        long address = BINDING.directBufferAddress(direct);
        int slot = nextDirectSlot;
        nextDirectSlot = (slot + 1) % DIRECT_SLOTS;
        directBuffers[slot] = new WeakReference<>(direct);
        directAddresses[slot] = address;
        return address;
    }

    private static Block borrow(long capacity) {
        for (int i = 0; i < POOL_SLOTS; i++) {
            Block block = POOL.get(i);
            if (block != null && block.capacity >= capacity && POOL.compareAndSet(i, block, null)) {
                POOLED_BYTES.addAndGet(-block.capacity);
                return block;
            }
        }
        // round up so that buffers of similar size can be reused for each other
        long size = Math.max(64, Long.highestOneBit(capacity - 1) << 1);
        return new Block(Math.max(size, capacity));
    }

    private static void giveBack(Block block) {
        if (POOLED_BYTES.addAndGet(block.capacity) <= POOL_LIMIT) {
            for (int i = 0; i < POOL_SLOTS; i++) {
                if (POOL.get(i) == null && POOL.compareAndSet(i, null, block)) {
                    return;
                }
            }
            // every slot holds a buffer (e.g. many virtual threads gave back small ones): keep this one in place of a
            // smaller one, or a pool full of small buffers would make every larger borrow allocate
            for (int i = 0; i < POOL_SLOTS; i++) {
                Block pooled = POOL.get(i);
                if (pooled != null && pooled.capacity < block.capacity && POOL.compareAndSet(i, pooled, block)) {
                    POOLED_BYTES.addAndGet(-pooled.capacity);
                    pooled.memory.free();
                    return;
                }
            }
        }
        POOLED_BYTES.addAndGet(-block.capacity);
        block.memory.free();
    }

    private static @Nullable MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    MethodType.methodType(boolean.class));
        }
        catch (ReflectiveOperationException ex) {
            return null; // before Java 21 there are no virtual threads
        }
    }

    private static boolean isVirtual(Thread thread) {
        MethodHandle handle = IS_VIRTUAL;
        if (handle == null) {
            return false;
        }
        try {
            return (boolean) handle.invokeExact(thread);
        }
        catch (Throwable ex) {
            return false;
        }
    }

    /** A native message buffer, its address and a view of it. */
    private static final class Block {
        final NativeMemory memory;
        final long address;
        final long capacity;
        final ByteBuffer view;

        Block(long capacity) {
            this.memory = BINDING.allocate(capacity);
            this.address = memory.address();
            this.capacity = capacity;
            this.view = memory.view();
        }
    }
}
