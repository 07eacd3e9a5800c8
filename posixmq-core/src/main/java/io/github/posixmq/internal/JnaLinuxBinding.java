package io.github.posixmq.internal;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

import com.sun.jna.Callback;
import com.sun.jna.CallbackReference;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import org.jspecify.annotations.Nullable;

/**
 * {@link MqBinding} for Linux on x86-64, aarch64 and riscv64 on JNA direct mapping ({@code Native.register}): no per-call reflection, no
 * {@code LastErrorException} (errno is read with {@link Native#getLastError()}), and native memory passed as plain
 * addresses so a call allocates nothing on the Java heap.
 */
public final class JnaLinuxBinding implements MqBinding {

    private static final JnaLinuxBinding INSTANCE = new JnaLinuxBinding();

    /** Set once while loading when libc has no {@code fstat} symbol. */
    private static volatile boolean legacyFstat;

    /** The callbacks handed out as C function pointers: JNA frees a callback's trampoline once it is unreachable. */
    private static final List<SigevFunction> CALLBACKS = new CopyOnWriteArrayList<>();

    private JnaLinuxBinding() {
    }

    /** The binding, or an {@link UnsupportedOperationException} naming why it cannot be used here. */
    public static MqBinding instance() {
        Holder.check();
        return INSTANCE;
    }

    /** Whether POSIX message queues can be used by this JVM (Linux on x86-64, aarch64 or riscv64). */
    public static boolean isSupported() {
        return Holder.FAILURE == null;
    }

    /** Why {@link #isSupported()} is false, or null. */
    public static @Nullable String unsupportedReason() {
        return Holder.FAILURE;
    }

    /** {@link Linux#platformProblem}, kept here for the tests of this binding. */
    static @Nullable String platformProblem(String os, boolean linux, int pointerSize, String arch) {
        return Linux.platformProblem(os, linux, pointerSize, arch);
    }

    /** Loads lazily, once; any failure is kept as one sentence for every later call. */
    private static final class Holder {
        static final String FAILURE = load();

        static void check() {
            if (FAILURE != null) {
                throw new UnsupportedOperationException(FAILURE);
            }
        }

        private static String load() {
            String os = System.getProperty("os.name") + " " + System.getProperty("os.arch");
            String problem = platformProblem(os, Platform.isLinux(), Native.POINTER_SIZE, Platform.ARCH);
            if (problem != null) {
                return problem;
            }
            try {
                NativeLibrary libc = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
                Native.register(Libc.class, libc);
                NativeLibrary mqLib = libc;
                try {
                    libc.getFunction("mq_open");
                }
                catch (UnsatisfiedLinkError ex) {
                    // glibc before 2.34 keeps the mq_* functions in librt
                    mqLib = NativeLibrary.getInstance("rt");
                }
                Native.register(Mq.class, mqLib);
                try {
                    Native.register(Stat.class, libc);
                }
                catch (UnsatisfiedLinkError ex) {
                    // glibc before 2.33 exports fstat only as __fxstat(_STAT_VER, fd, buf)
                    Native.register(Fxstat.class, libc);
                    legacyFstat = true;
                }
                return null;
            }
            catch (Throwable ex) {
                return "posixmq could not bind the POSIX message queue functions of the C library on " + os
                        + ": " + ex;
            }
        }
    }

    /** Direct-mapped {@code mq_*} functions. */
    static final class Mq {
        static native int mq_open(byte[] name, int oflag, int mode, long attr);

        static native int mq_close(int mqdes);

        static native int mq_unlink(byte[] name);

        static native int mq_send(int mqdes, long msg, long len, int prio);

        static native long mq_receive(int mqdes, long msg, long len, long prio);

        static native int mq_timedsend(int mqdes, long msg, long len, int prio, long timeout);

        static native long mq_timedreceive(int mqdes, long msg, long len, long prio, long timeout);

        static native int mq_getattr(int mqdes, long attr);

        static native int mq_setattr(int mqdes, long newattr, long oldattr);

        static native int mq_notify(int mqdes, long sevp);

        private Mq() {
        }
    }

    /** {@code fstat}, exported by glibc 2.33 and later. */
    static final class Stat {
        static native int fstat(int fd, long statbuf);

        private Stat() {
        }
    }

    /** {@code __fxstat}, the older glibc's entry point behind the {@code fstat} macro. */
    static final class Fxstat {
        /** {@code _STAT_VER} of the kernel {@code struct stat}: 1 on x86-64, 0 on the generic ABI. */
        static final int STAT_VER = "x86-64".equals(Platform.ARCH) ? 1 : 0;

        static native int __fxstat(int ver, int fd, long statbuf);

        private Fxstat() {
        }
    }

    /** Direct-mapped libc functions. */
    static final class Libc {
        static native int close(int fd);

        static native int fcntl(int fd, int cmd, int arg);

        static native int eventfd(int initval, int flags);

        static native int eventfd_write(int fd, long value);

        static native long read(int fd, long buf, long count);

        static native int ppoll(long fds, long nfds, long timeout, long sigmask);

        static native int epoll_create1(int flags);

        static native int epoll_ctl(int epfd, int op, int fd, long event);

        static native int epoll_wait(int epfd, long events, int maxevents, int timeout);

        static native int getrlimit(int resource, long rlim);

        private Libc() {
        }
    }

    @Override
    public long mqOpen(byte[] name, int oflag, int mode, long attrAddress) {
        return Mq.mq_open(name, oflag, mode, attrAddress);
    }

    @Override
    public int mqClose(long mq) {
        return Mq.mq_close((int) mq);
    }

    @Override
    public int mqUnlink(byte[] name) {
        return Mq.mq_unlink(name);
    }

    @Override
    public int mqSend(long mq, long msgAddress, long length, int priority) {
        return Mq.mq_send((int) mq, msgAddress, length, priority);
    }

    @Override
    public long mqReceive(long mq, long msgAddress, long length, long priorityAddress) {
        return Mq.mq_receive((int) mq, msgAddress, length, priorityAddress);
    }

    @Override
    public int mqTimedsend(long mq, long msgAddress, long length, int priority, long timeoutAddress) {
        return Mq.mq_timedsend((int) mq, msgAddress, length, priority, timeoutAddress);
    }

    @Override
    public long mqTimedreceive(long mq, long msgAddress, long length, long priorityAddress, long timeoutAddress) {
        return Mq.mq_timedreceive((int) mq, msgAddress, length, priorityAddress, timeoutAddress);
    }

    @Override
    public int mqSetattr(long mq, long newAttrAddress, long oldAttrAddress) {
        return Mq.mq_setattr((int) mq, newAttrAddress, oldAttrAddress);
    }

    @Override
    public int mqGetattr(long mq, long attrAddress) {
        return Mq.mq_getattr((int) mq, attrAddress);
    }

    @Override
    public int mqNotify(long mq, long sigeventAddress) {
        return Mq.mq_notify((int) mq, sigeventAddress);
    }

    @Override
    public int fileDescriptor(long mq) {
        return (int) mq;
    }

    @Override
    public long handleOf(int fd) {
        return fd;
    }

    @Override
    public int lastErrno() {
        return Native.getLastError();
    }

    @Override
    public int close(int fd) {
        return Libc.close(fd);
    }

    @Override
    public int fcntl(int fd, int cmd, int arg) {
        return Libc.fcntl(fd, cmd, arg);
    }

    @Override
    public int eventfd(int initval, int flags) {
        return Libc.eventfd(initval, flags);
    }

    @Override
    public int eventfdWrite(int fd, long value) {
        return Libc.eventfd_write(fd, value);
    }

    @Override
    public long read(int fd, long bufAddress, long count) {
        return Libc.read(fd, bufAddress, count);
    }

    @Override
    public int ppoll(long fdsAddress, long nfds, long timeoutAddress) {
        return Libc.ppoll(fdsAddress, nfds, timeoutAddress, 0L);
    }

    @Override
    public int epollCreate1(int flags) {
        return Libc.epoll_create1(flags);
    }

    @Override
    public int epollCtl(int epfd, int op, int fd, long eventAddress) {
        return Libc.epoll_ctl(epfd, op, fd, eventAddress);
    }

    @Override
    public int epollWait(int epfd, long eventsAddress, int maxEvents, int timeoutMillis) {
        return Libc.epoll_wait(epfd, eventsAddress, maxEvents, timeoutMillis);
    }

    @Override
    public int fstat(int fd, long statAddress) {
        return legacyFstat ? Fxstat.__fxstat(Fxstat.STAT_VER, fd, statAddress) : Stat.fstat(fd, statAddress);
    }

    @Override
    public int getrlimit(int resource, long rlimitAddress) {
        return Libc.getrlimit(resource, rlimitAddress);
    }

    @Override
    public NativeMemory allocate(long size) {
        Memory memory = new Memory(size);
        memory.clear();
        return new JnaMemory(memory);
    }

    @Override
    public long directBufferAddress(ByteBuffer direct) {
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }

    @Override
    public long sigevThreadFunction(LongConsumer target) {
        SigevFunction function = target::accept;
        CALLBACKS.add(function); // never released: a notification under way may still call it
        return Pointer.nativeValue(CallbackReference.getFunctionPointer(function));
    }

    /** {@code void (*sigev_notify_function)(union sigval)}; public, for JNA's reflection. */
    public interface SigevFunction extends Callback {
        /** Called by the C library's notification thread with the registration's {@code sigval}. */
        void invoke(long sigval);
    }

    /** JNA {@link Memory}: freed by {@link #free()} or by JNA's cleaner once unreachable. */
    private static final class JnaMemory extends NativeMemory {
        private final Memory memory;

        JnaMemory(Memory memory) {
            super(Pointer.nativeValue(memory), memory.size(), memory.getByteBuffer(0, memory.size()));
            this.memory = memory;
        }

        @Override
        public void free() {
            memory.close();
        }
    }
}
