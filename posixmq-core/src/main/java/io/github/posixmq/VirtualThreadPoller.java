package io.github.posixmq;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.github.posixmq.internal.Bindings;
import io.github.posixmq.internal.Linux;
import io.github.posixmq.internal.MqBinding;
import io.github.posixmq.internal.Scratch;
import org.jspecify.annotations.Nullable;

/**
 * Where virtual threads wait instead of pinning their carrier: one lazily started daemon platform thread
 * ({@code posixmq-poller}) waits in {@code epoll_wait} on the descriptors that virtual threads wait for (queues for
 * room or messages, selectors' epoll descriptors for readiness), each registered one-shot ({@code EPOLLONESHOT}), and
 * unparks a waiting thread when its descriptor is ready. The waiting thread parks ({@code LockSupport.park} /
 * {@code parkNanos}, so deadlines and close need no help from this thread) and, before it leaves, removes the
 * descriptor again when nobody else waits on it: this thread never calls {@code epoll_ctl} on a descriptor that no
 * waiting thread holds open (see {@link PollWaiters}), so a closed descriptor number is never touched.
 *
 * <p>No eventfd is needed to wake this thread: the kernel delivers descriptors added or re-armed with
 * {@code epoll_ctl} to an {@code epoll_wait} already under way.
 *
 * <p>On Java 17-20 there are no virtual threads: {@link #isVirtualThread()} is false and nothing here is started.
 */
final class VirtualThreadPoller {

    private static final System.Logger LOG = System.getLogger(VirtualThreadPoller.class.getName());

    /** {@code Thread.isVirtual()} (Java 21+), or null; looked up once, so the check is an inlined call. */
    private static final @Nullable MethodHandle IS_VIRTUAL = isVirtualHandle();

    private static final int MAX_EVENTS = 64;

    private final MqBinding binding;
    private final int epfd;
    private final AtomicLong ids = new AtomicLong();
    /** The waiter lists whose descriptor is in the epoll set, by the id in their {@code epoll_event.data}. */
    private final Map<Long, PollWaiters> registered = new ConcurrentHashMap<>();

    private VirtualThreadPoller(MqBinding binding, int epfd) {
        this.binding = binding;
        this.epfd = epfd;
    }

    /** Whether the calling thread is a virtual thread: false on Java 17-20. */
    static boolean isVirtualThread() {
        MethodHandle handle = IS_VIRTUAL;
        if (handle == null) {
            return false;
        }
        try {
            return (boolean) handle.invokeExact(Thread.currentThread());
        }
        catch (Throwable ex) {
            return false;
        }
    }

    /** The shared poller, started on first use; null when it cannot be (then callers wait as platform threads do). */
    static @Nullable VirtualThreadPoller get() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final @Nullable VirtualThreadPoller INSTANCE = start();
    }

    private static @Nullable VirtualThreadPoller start() {
        MqBinding binding;
        try {
            binding = Bindings.instance();
        }
        catch (UnsupportedOperationException ex) {
            return null;
        }
        int ep = binding.epollCreate1(Linux.EPOLL_CLOEXEC);
        if (ep < 0) {
            LOG.log(System.Logger.Level.WARNING, "posixmq cannot create the epoll instance virtual threads wait on ("
                    + Linux.errnoName(binding.lastErrno()) + "); virtual threads blocking on queues pin their carrier "
                    + "thread instead");
            return null;
        }
        VirtualThreadPoller poller = new VirtualThreadPoller(binding, ep);
        // started by the first virtual thread that waits: inherit none of its inheritable thread locals
        Thread thread = new Thread(null, poller::run, "posixmq-poller", 0, false);
        thread.setDaemon(true);
        thread.setContextClassLoader(null);
        thread.start();
        return poller;
    }

    /** A new id for a descriptor's waiter list; never 0. */
    long newId() {
        return ids.incrementAndGet();
    }

    /** {@code epoll_ctl} on the shared epoll set for {@code waiters}' descriptor; returns the C result. */
    int control(int op, int fd, int events, PollWaiters waiters) {
        if (op == Linux.EPOLL_CTL_ADD) {
            registered.put(waiters.id(), waiters);
        }
        long event = Scratch.get().epollEvent(events, waiters.id());
        int result = binding.epollCtl(epfd, op, fd, event);
        if (op == Linux.EPOLL_CTL_DEL || (result != 0 && op == Linux.EPOLL_CTL_ADD)) {
            registered.remove(waiters.id());
        }
        return result;
    }

    /** The shared epoll descriptor (for tests: {@code /proc/self/fdinfo} lists what it watches). */
    int epollDescriptor() {
        return epfd;
    }

    /** {@code errno} of the last failed call on this thread. */
    int lastErrno() {
        return binding.lastErrno();
    }

    private void run() {
        int size = Linux.EPOLL_EVENT_SIZE;
        while (true) {
            Scratch scratch = Scratch.get();
            ByteBuffer events = scratch.messageBuffer((long) size * MAX_EVENTS).order(ByteOrder.nativeOrder());
            try {
                int count = binding.epollWait(epfd, scratch.messageAddress(), MAX_EVENTS, -1);
                if (count < 0) {
                    int errno = binding.lastErrno();
                    if (errno != Linux.EINTR) {
                        // cannot happen with a valid epoll descriptor and buffer; never spin on it silently
                        LOG.log(System.Logger.Level.ERROR, "posixmq-poller: epoll_wait failed ("
                                + Linux.errnoName(errno) + "); virtual threads waiting on queues may not wake");
                        return;
                    }
                    continue;
                }
                for (int i = 0; i < count; i++) {
                    int offset = i * size;
                    int ready = events.getInt(offset);
                    long id = events.getLong(offset + Linux.EPOLL_EVENT_DATA);
                    PollWaiters waiters = registered.get(id);
                    if (waiters != null) {
                        waiters.ready(ready);
                    }
                }
            }
            catch (RuntimeException | Error ex) {
                LOG.log(System.Logger.Level.ERROR, "posixmq-poller: unexpected failure, continuing", ex);
            }
            finally {
                scratch.releaseMessageBuffer();
            }
        }
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
}
