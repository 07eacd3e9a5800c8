package io.github.posixmq.internal;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.jspecify.annotations.Nullable;

/**
 * Per-thread native memory reused by every call on that thread, so the send and receive paths allocate nothing
 * once warm: small fixed slots ({@code mq_attr}, {@code timespec}, two {@code pollfd}s, the priority, an 8-byte
 * word) and a message buffer that grows to the largest message size seen.
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

    private @Nullable Memory message;
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

    /** The underlying fixed block, for reads and writes of the slots. */
    public Memory memory() {
        return fixed;
    }

    /** Address of a zeroed-on-demand {@code struct mq_attr} (64 bytes, including {@code __pad[4]}). */
    public long attr() {
        return base + ATTR;
    }

    /** Offset of the {@code mq_attr} slot within {@link #memory()}. */
    public int attrOffset() {
        return ATTR;
    }

    /** Zeroes the {@code mq_attr} slot and returns its address. */
    public long clearedAttr() {
        fixed.setMemory(ATTR, Linux.MQ_ATTR_SIZE, (byte) 0);
        return base + ATTR;
    }

    /** Writes a relative {@code struct timespec} for {@code nanos} and returns its address. */
    public long timespec(long nanos) {
        fixed.setLong(TIMESPEC, nanos / 1_000_000_000L);
        fixed.setLong(TIMESPEC + 8, nanos % 1_000_000_000L);
        return base + TIMESPEC;
    }

    /** Writes two {@code struct pollfd}s and returns the address of the first. */
    public long pollfds(int fd0, short events0, int fd1, short events1) {
        fixed.setInt(POLLFDS, fd0);
        fixed.setShort(POLLFDS + 4, events0);
        fixed.setShort(POLLFDS + 6, (short) 0);
        fixed.setInt(POLLFDS + 8, fd1);
        fixed.setShort(POLLFDS + 12, events1);
        fixed.setShort(POLLFDS + 14, (short) 0);
        return base + POLLFDS;
    }

    /** {@code revents} of pollfd {@code index} (0 or 1) after {@code ppoll}. */
    public short revents(int index) {
        return fixed.getShort(POLLFDS + index * 8L + 6);
    }

    /** Address of the {@code unsigned int} priority slot. */
    public long priority() {
        return base + PRIORITY;
    }

    /** The priority written by the last receive. */
    public int readPriority() {
        return fixed.getInt(PRIORITY);
    }

    /** Address of a 16-byte word slot (eventfd counters, {@code struct rlimit}). */
    public long word() {
        return base + WORD;
    }

    /** Offset of the word slot within {@link #memory()}. */
    public int wordOffset() {
        return WORD;
    }

    /** Message buffer of at least {@code capacity} bytes; valid until the next call on this thread. */
    public Memory messageBuffer(long capacity) {
        if (message == null || messageCapacity < capacity) {
            message = new Memory(Math.max(capacity, 64));
            messageAddress = Pointer.nativeValue(message);
            messageCapacity = message.size();
        }
        return message;
    }

    /** Address of {@link #messageBuffer(long)}; call that first. */
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
