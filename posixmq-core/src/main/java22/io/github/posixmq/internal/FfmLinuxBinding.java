package io.github.posixmq.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * {@link MqBinding} for 64-bit Linux on the JDK's Foreign Function &amp; Memory API (Java 22+), shipped in
 * {@code META-INF/versions/22} of the posixmq-core jar. Every downcall handle is created once ({@code static final},
 * so the JIT inlines the call); pointers travel as {@code long} addresses (same ABI class as {@code long} on x86_64
 * and aarch64), and {@code errno} is captured by the linker ({@code Linker.Option.captureCallState("errno")}) into a
 * per-thread segment, so a call allocates nothing. Native memory comes from arenas and the {@code mq_notify} callback
 * is an upcall stub: this binding loads no JNA class.
 */
public final class FfmLinuxBinding implements MqBinding {

    private static final FfmLinuxBinding INSTANCE = new FfmLinuxBinding();

    private FfmLinuxBinding() {
    }

    /** The binding, or an {@link UnsupportedOperationException} naming why it cannot be used here. */
    public static MqBinding instance() {
        String failure = unsupportedReason();
        if (failure != null) {
            throw new UnsupportedOperationException(failure);
        }
        return INSTANCE;
    }

    /** Why this binding cannot be used in this JVM (one sentence), or null when it can. */
    public static String unsupportedReason() {
        return Support.FAILURE;
    }

    /** Whether native access is enabled for posixmq's module (the unnamed module on the class path). */
    public static boolean isNativeAccessEnabled() {
        return FfmLinuxBinding.class.getModule().isNativeAccessEnabled();
    }

    /** Creates the handles once; any failure is kept as one sentence. */
    private static final class Support {
        static final String FAILURE = probe();

        private static String probe() {
            String os = System.getProperty("os.name") + " " + System.getProperty("os.arch");
            // the same platforms as the JNA binding: the constants in Linux are theirs
            String problem = Linux.platformProblem(os, Linux.isLinux(), (int) ValueLayout.ADDRESS.byteSize(),
                    Linux.ARCH);
            if (problem != null) {
                return problem;
            }
            try {
                return Handles.MQ_OPEN == null ? "unreachable" : null;
            }
            catch (IllegalCallerException ex) {
                return nativeAccessDenied(ex);
            }
            catch (ExceptionInInitializerError ex) {
                Throwable cause = ex.getCause() == null ? ex : ex.getCause();
                if (cause instanceof IllegalCallerException) {
                    return nativeAccessDenied(cause);
                }
                return "the FFM binding could not link the POSIX message queue functions of the C library on " + os
                        + ": " + cause;
            }
        }

        private static String nativeAccessDenied(Throwable ex) {
            return "the FFM binding needs native access for " + describe(FfmLinuxBinding.class.getModule())
                    + ", which this JVM denies (" + ex.getMessage() + "); start Java with "
                    + "--enable-native-access=" + nativeAccessTarget() + ".";
        }

        private static String describe(Module module) {
            return module.isNamed() ? "module " + module.getName() : "the class path";
        }
    }

    /** The {@code --enable-native-access} value that enables posixmq where it is loaded. */
    public static String nativeAccessTarget() {
        Module module = FfmLinuxBinding.class.getModule();
        return module.isNamed() ? module.getName() : "ALL-UNNAMED";
    }

    /** The downcall handles; initialised on first use (after {@link Support} checked the platform). */
    private static final class Handles {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final SymbolLookup LIBC = LINKER.defaultLookup();
        private static final SymbolLookup LIBRT = librt();
        private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");

        private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
        private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
        /** Pointers are passed as their address. */
        private static final ValueLayout.OfLong PTR = ValueLayout.JAVA_LONG;

        static final MethodHandle MQ_OPEN = mq("mq_open", FunctionDescriptor.of(INT, PTR, INT, INT, PTR),
                Linker.Option.firstVariadicArg(2));
        static final MethodHandle MQ_CLOSE = mq("mq_close", FunctionDescriptor.of(INT, INT));
        static final MethodHandle MQ_UNLINK = mq("mq_unlink", FunctionDescriptor.of(INT, PTR));
        static final MethodHandle MQ_SEND = mq("mq_send", FunctionDescriptor.of(INT, INT, PTR, LONG, INT));
        static final MethodHandle MQ_RECEIVE = mq("mq_receive", FunctionDescriptor.of(LONG, INT, PTR, LONG, PTR));
        static final MethodHandle MQ_TIMEDSEND = mq("mq_timedsend",
                FunctionDescriptor.of(INT, INT, PTR, LONG, INT, PTR));
        static final MethodHandle MQ_TIMEDRECEIVE = mq("mq_timedreceive",
                FunctionDescriptor.of(LONG, INT, PTR, LONG, PTR, PTR));
        static final MethodHandle MQ_GETATTR = mq("mq_getattr", FunctionDescriptor.of(INT, INT, PTR));
        static final MethodHandle MQ_SETATTR = mq("mq_setattr", FunctionDescriptor.of(INT, INT, PTR, PTR));
        static final MethodHandle MQ_NOTIFY = mq("mq_notify", FunctionDescriptor.of(INT, INT, PTR));

        static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(INT, INT));
        static final MethodHandle FCNTL = libc("fcntl", FunctionDescriptor.of(INT, INT, INT, INT),
                Linker.Option.firstVariadicArg(2));
        static final MethodHandle EVENTFD = libc("eventfd", FunctionDescriptor.of(INT, INT, INT));
        static final MethodHandle EVENTFD_WRITE = libc("eventfd_write", FunctionDescriptor.of(INT, INT, LONG));
        static final MethodHandle READ = libc("read", FunctionDescriptor.of(LONG, INT, PTR, LONG));
        static final MethodHandle PPOLL = libc("ppoll", FunctionDescriptor.of(INT, PTR, LONG, PTR, PTR));
        static final MethodHandle EPOLL_CREATE1 = libc("epoll_create1", FunctionDescriptor.of(INT, INT));
        static final MethodHandle EPOLL_CTL = libc("epoll_ctl", FunctionDescriptor.of(INT, INT, INT, INT, PTR));
        static final MethodHandle EPOLL_WAIT = libc("epoll_wait", FunctionDescriptor.of(INT, INT, PTR, INT, INT));
        /** {@code fstat}; glibc before 2.33 exports it only as {@code __fxstat(_STAT_VER, fd, buf)}. */
        static final MethodHandle FSTAT = LIBC.find("fstat").isPresent()
                ? libc("fstat", FunctionDescriptor.of(INT, INT, PTR))
                : MethodHandles.insertArguments(libc("__fxstat", FunctionDescriptor.of(INT, INT, INT, PTR)), 1,
                        Linux.X86_64 ? 1 : 0); // _STAT_VER: x86-64 1, generic 0
        static final MethodHandle GETRLIMIT = libc("getrlimit", FunctionDescriptor.of(INT, INT, PTR));

        private static SymbolLookup librt() {
            if (LIBC.find("mq_open").isPresent()) {
                return LIBC;
            }
            // glibc before 2.34 keeps the mq_* functions in librt
            return SymbolLookup.libraryLookup("librt.so.1", Arena.global());
        }

        private static MethodHandle mq(String name, FunctionDescriptor descriptor, Linker.Option... options) {
            return link(LIBRT, name, descriptor, options);
        }

        private static MethodHandle libc(String name, FunctionDescriptor descriptor, Linker.Option... options) {
            return link(LIBC, name, descriptor, options);
        }

        private static MethodHandle link(SymbolLookup lookup, String name, FunctionDescriptor descriptor,
                Linker.Option... options) {
            Optional<MemorySegment> symbol = lookup.find(name);
            if (symbol.isEmpty()) {
                throw new IllegalStateException("the C library has no function " + name);
            }
            Linker.Option[] all = new Linker.Option[options.length + 1];
            all[0] = ERRNO;
            System.arraycopy(options, 0, all, 1, options.length);
            return LINKER.downcallHandle(symbol.get(), descriptor, all);
        }

        private Handles() {
        }
    }

    /** The linker's call-state layout and the {@code errno} field in it. */
    private static final MemoryLayout STATE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_FIELD = STATE_LAYOUT.varHandle(
            MemoryLayout.PathElement.groupElement("errno"));

    /**
     * This thread's call-state segment: the linker writes {@code errno} there after each call. An automatic arena
     * (freed with the thread's segment) whose session needs no locking when a call passes it.
     */
    private static final ThreadLocal<MemorySegment> STATE = ThreadLocal.withInitial(
            () -> Arena.ofAuto().allocate(STATE_LAYOUT));

    private static MemorySegment state() {
        return STATE.get();
    }

    @Override
    public long mqOpen(byte[] name, int oflag, int mode, long attrAddress) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cName = arena.allocateFrom(ValueLayout.JAVA_BYTE, name);
            return (int) Handles.MQ_OPEN.invokeExact(state(), cName.address(), oflag, mode, attrAddress);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public int mqClose(long mq) {
        try {
            return (int) Handles.MQ_CLOSE.invokeExact(state(), (int) mq);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public int mqUnlink(byte[] name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cName = arena.allocateFrom(ValueLayout.JAVA_BYTE, name);
            return (int) Handles.MQ_UNLINK.invokeExact(state(), cName.address());
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public int mqSend(long mq, long msgAddress, long length, int priority) {
        try {
            return (int) Handles.MQ_SEND.invokeExact(state(), (int) mq, msgAddress, length, priority);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public long mqReceive(long mq, long msgAddress, long length, long priorityAddress) {
        try {
            return (long) Handles.MQ_RECEIVE.invokeExact(state(), (int) mq, msgAddress, length, priorityAddress);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public int mqTimedsend(long mq, long msgAddress, long length, int priority, long timeoutAddress) {
        try {
            return (int) Handles.MQ_TIMEDSEND.invokeExact(state(), (int) mq, msgAddress, length, priority,
                    timeoutAddress);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public long mqTimedreceive(long mq, long msgAddress, long length, long priorityAddress, long timeoutAddress) {
        try {
            return (long) Handles.MQ_TIMEDRECEIVE.invokeExact(state(), (int) mq, msgAddress, length,
                    priorityAddress, timeoutAddress);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public int mqSetattr(long mq, long newAttrAddress, long oldAttrAddress) {
        try {
            return (int) Handles.MQ_SETATTR.invokeExact(state(), (int) mq, newAttrAddress, oldAttrAddress);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public int mqGetattr(long mq, long attrAddress) {
        try {
            return (int) Handles.MQ_GETATTR.invokeExact(state(), (int) mq, attrAddress);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public int mqNotify(long mq, long sigeventAddress) {
        try {
            return (int) Handles.MQ_NOTIFY.invokeExact(state(), (int) mq, sigeventAddress);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
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
        return (int) ERRNO_FIELD.get(state(), 0L);
    }

    @Override
    public int close(int fd) {
        try {
            return (int) Handles.CLOSE.invokeExact(state(), fd);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public int fcntl(int fd, int cmd, int arg) {
        try {
            return (int) Handles.FCNTL.invokeExact(state(), fd, cmd, arg);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public int eventfd(int initval, int flags) {
        try {
            return (int) Handles.EVENTFD.invokeExact(state(), initval, flags);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public int eventfdWrite(int fd, long value) {
        try {
            return (int) Handles.EVENTFD_WRITE.invokeExact(state(), fd, value);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public long read(int fd, long bufAddress, long count) {
        try {
            return (long) Handles.READ.invokeExact(state(), fd, bufAddress, count);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public int ppoll(long fdsAddress, long nfds, long timeoutAddress) {
        try {
            return (int) Handles.PPOLL.invokeExact(state(), fdsAddress, nfds, timeoutAddress, 0L);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public int epollCreate1(int flags) {
        try {
            return (int) Handles.EPOLL_CREATE1.invokeExact(state(), flags);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public int epollCtl(int epfd, int op, int fd, long eventAddress) {
        try {
            return (int) Handles.EPOLL_CTL.invokeExact(state(), epfd, op, fd, eventAddress);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public int epollWait(int epfd, long eventsAddress, int maxEvents, int timeoutMillis) {
        try {
            return (int) Handles.EPOLL_WAIT.invokeExact(state(), epfd, eventsAddress, maxEvents, timeoutMillis);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public int fstat(int fd, long statAddress) {
        try {
            return (int) Handles.FSTAT.invokeExact(state(), fd, statAddress);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public int getrlimit(int resource, long rlimitAddress) {
        try {
            return (int) Handles.GETRLIMIT.invokeExact(state(), resource, rlimitAddress);
        }
        catch (Throwable ex) {
            throw rethrow(ex);
        }
    }

    @Override
    public NativeMemory allocate(long size) {
        return new ArenaMemory(size);
    }

    @Override
    public long directBufferAddress(ByteBuffer direct) {
        // the segment of a buffer starts at its position
        return MemorySegment.ofBuffer(direct).address() - direct.position();
    }

    @Override
    public long sigevThreadFunction(LongConsumer target) {
        try {
            MethodHandle handle = MethodHandles.lookup().findStatic(FfmLinuxBinding.class, "callSafely",
                    MethodType.methodType(void.class, LongConsumer.class, long.class)).bindTo(target);
            // the global arena: never freed, as a notification under way may still call it
            return Linker.nativeLinker().upcallStub(handle, FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG),
                    Arena.global()).address();
        }
        catch (ReflectiveOperationException ex) {
            throw new IllegalStateException("cannot create the mq_notify callback", ex);
        }
    }

    /** An exception thrown out of an upcall would end the JVM: report it instead. */
    private static void callSafely(LongConsumer target, long sigval) {
        try {
            target.accept(sigval);
        }
        catch (Throwable ex) {
            Thread thread = Thread.currentThread();
            try {
                thread.getUncaughtExceptionHandler().uncaughtException(thread, ex);
            }
            catch (Throwable ignored) {
                // nothing may leave an upcall
            }
        }
    }

    /**
     * Memory of a shared arena of its own, closed by {@link #free()} or, if never freed, by the cleaner once
     * unreachable. Its view is a plain direct buffer over the segment.
     */
    private static final class ArenaMemory extends NativeMemory {
        private final Cleaner.Cleanable cleanable;

        ArenaMemory(long size) {
            this(Arena.ofShared(), size);
        }

        private ArenaMemory(Arena arena, long size) {
            this(arena, arena.allocate(size, 16));
        }

        private ArenaMemory(Arena arena, MemorySegment segment) {
            super(segment.address(), segment.byteSize(), segment.asByteBuffer());
            this.cleanable = Cleanup.CLEANER.register(this, arena::close);
        }

        @Override
        public void free() {
            cleanable.clean();
        }
    }

    /** A downcall declares {@code Throwable}; the handles above throw nothing checked. */
    private static RuntimeException rethrow(Throwable ex) {
        if (ex instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (ex instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException("unexpected exception from a native call", ex);
    }
}
