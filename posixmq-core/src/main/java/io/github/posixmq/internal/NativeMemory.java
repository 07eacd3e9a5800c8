package io.github.posixmq.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A block of native memory that a binding allocated ({@link MqBinding#allocate(long)}): its address, its size and a
 * direct {@link ByteBuffer} view of it in native byte order, read and written with absolute {@code get}/{@code put}
 * (JIT intrinsics). Zeroed when allocated; freed by {@link #free()} or, if never freed, once unreachable.
 */
public abstract class NativeMemory {

    private final long address;
    private final long size;
    private final ByteBuffer view;

    /** {@code view} covers the {@code size} bytes at {@code address}. */
    protected NativeMemory(long address, long size, ByteBuffer view) {
        this.address = address;
        this.size = size;
        this.view = view.order(ByteOrder.nativeOrder());
    }

    /** The address of the first byte. */
    public final long address() {
        return address;
    }

    /** The size in bytes. */
    public final long size() {
        return size;
    }

    /** A view of the whole block in native byte order; use absolute operations only (it is shared). */
    public final ByteBuffer view() {
        return view;
    }

    /** Frees the memory now; idempotent. Neither the address nor the view may be used afterwards. */
    public abstract void free();
}
