package io.github.posixmq.internal;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.jspecify.annotations.Nullable;

/**
 * Per-thread native memory reused by every call on that thread, so the send and receive paths allocate nothing
 * once warm: small fixed slots ({@code mq_attr}, {@code timespec}, two {@code pollfd}s, the priority, an 8-byte
 * word) and a message buffer that grows to the largest message size seen. The slots are read and written through a
 * direct {@link ByteBuffer} view of the block (JIT intrinsics), not through JNA's {@code Pointer} accessors, each of
 * which is a JNI call.
 */
public final class Scratch {

    private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);

    private static final int ATTR = 0;
    private static final int TIMESPEC = 64;
    private static final int POLLFDS = 80;
    private static final int PRIORITY = 96;
    private static final int WORD = 104;
    private static final int SIZE = 128;
    /** Direct buffers whose address is cached: a send and a receive buffer per thread hit, with room to spare. */
    private static final int DIRECT_SLOTS = 4;

    private final Memory fixed = new Memory(SIZE);
    private final long base = Pointer.nativeValue(fixed);
    private final ByteBuffer view = fixed.getByteBuffer(0, SIZE).order(ByteOrder.nativeOrder());

    /** Keeps the native message buffer alive while its view and address are in use. */
    private @Nullable Memory message;
    private @Nullable ByteBuffer messageView;
    private long messageAddress;
    private long messageCapacity;

    /** Direct buffers used last on this thread (weakly held, so they can still be freed) and their addresses. */
    @SuppressWarnings("unchecked")
    private final @Nullable WeakReference<ByteBuffer>[] directBuffers = new WeakReference[DIRECT_SLOTS];
    private final long[] directAddresses = new long[DIRECT_SLOTS];
    private int nextDirectSlot;

    private Scratch() {
        fixed.clear();
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

    /** Offset of the word slot, for {@link #getLong(int)}. */
    public int wordOffset() {
        return WORD;
    }

    /**
     * A view of this thread's message buffer, grown to at least {@code capacity} bytes, for copying to and from
     * arrays and heap buffers with absolute bulk {@code get}/{@code put} (a JIT intrinsic, where JNA's
     * {@code Memory.read}/{@code write} are JNI calls). Valid until the next call on this thread.
     */
    public ByteBuffer messageBuffer(long capacity) {
        ByteBuffer view = messageView;
        if (view == null || messageCapacity < capacity) {
            Memory memory = new Memory(Math.max(capacity, 64));
            message = memory;
            messageAddress = Pointer.nativeValue(memory);
            messageCapacity = memory.size();
            view = memory.getByteBuffer(0, messageCapacity);
            messageView = view;
        }
        return view;
    }

    /** Native address of the buffer {@link #messageBuffer(long)} returned last. */
    public long messageAddress() {
        return messageAddress;
    }

    /**
     * Native address of a direct buffer's first byte, cached for the last few buffers used on this thread: a miss
     * costs a JNI call and two small objects, so a thread alternating between a send and a receive buffer must hit.
     */
    public long directAddress(ByteBuffer direct) {
        for (int i = 0; i < DIRECT_SLOTS; i++) {
            WeakReference<ByteBuffer> cached = directBuffers[i];
            if (cached != null && cached.get() == direct) {
                return directAddresses[i];
            }
        }
        long address = Pointer.nativeValue(Native.getDirectBufferPointer(direct));
        int slot = nextDirectSlot;
        nextDirectSlot = (slot + 1) % DIRECT_SLOTS;
        directBuffers[slot] = new WeakReference<>(direct);
        directAddresses[slot] = address;
        return address;
    }
}
