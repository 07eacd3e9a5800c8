package io.github.posixmq;

import java.lang.ref.Reference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import io.github.posixmq.internal.Bindings;
import io.github.posixmq.internal.Linux;
import io.github.posixmq.internal.MqBinding;
import io.github.posixmq.internal.NativeMemory;
import org.jspecify.annotations.Nullable;

/**
 * {@code mq_notify} with {@code SIGEV_THREAD}: the C library calls one process-wide native callback (an FFM upcall stub
 * or a JNA callback, from {@link MqBinding#sigevThreadFunction}) on a thread of its own, passing the registration's id
 * as the {@code sigval}; the callback looks the id up, hands the user's callback to the single daemon thread
 * {@code posixmq-notify} and returns at once.
 *
 * <p>The native callback is created once and never freed, so a notification already under way when its registration
 * is cancelled finds no id and does nothing, instead of calling freed code. A registration's Java callback is let go
 * when it fires, when it is unregistered and when the queue is closed.
 */
final class Notifications {

    private static final System.Logger LOG = System.getLogger(Notifications.class.getName());

    /** Live registrations by id: the only references the library keeps to users' callbacks. */
    private static final Map<Long, Registration> REGISTERED = new ConcurrentHashMap<>();

    private static final AtomicLong IDS = new AtomicLong();

    private static final class Native {
        /** The one function the C library calls, created once per process and never freed. */
        static final long FUNCTION_POINTER = Bindings.instance().sigevThreadFunction(Notifications::fired);
        static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "posixmq-notify");
            thread.setDaemon(true);
            return thread;
        });
    }

    private record Registration(String queue, Runnable callback) {
    }

    private final String name;
    private final MqBinding binding;
    private final long handle;
    /** This queue's registration id, 0 when none. */
    private long current;
    /** The {@code struct sigevent} passed to {@code mq_notify}, allocated on first use and reused. */
    private @Nullable NativeMemory sigevent;

    Notifications(String name, MqBinding binding, long handle) {
        this.name = name;
        this.binding = binding;
        this.handle = handle;
    }

    synchronized void register(Runnable callback) {
        long id = IDS.incrementAndGet();
        REGISTERED.put(id, new Registration(name, callback));
        NativeMemory sigevent = this.sigevent;
        if (sigevent == null) {
            sigevent = binding.allocate(Linux.SIGEVENT_SIZE);
            this.sigevent = sigevent;
        }
        sigevent.view().putLong(0, id); // sigev_value
        sigevent.view().putInt(12, Linux.SIGEV_THREAD); // sigev_notify
        sigevent.view().putLong(16, Native.FUNCTION_POINTER); // sigev_notify_function
        int result;
        try {
            result = binding.mqNotify(handle, sigevent.address());
        }
        finally {
            // mq_notify reads the struct through a raw address: it must not be freed before the call returns
            Reference.reachabilityFence(sigevent);
        }
        if (result != 0) {
            int errno = binding.lastErrno();
            REGISTERED.remove(id);
            if (errno == Linux.EBUSY) {
                throw new QueueBusyException("cannot register for notification on queue " + name
                        + ": another process (or descriptor) is already registered (EBUSY); only one may be at a time",
                        errno, name);
            }
            throw Errors.generic("cannot register for notification on queue " + name, errno, name);
        }
        forget();
        current = id;
    }

    synchronized void unregister() {
        if (binding.mqNotify(handle, 0) != 0) {
            throw Errors.generic("cannot unregister the notification on queue " + name, binding.lastErrno(), name);
        }
        forget();
    }

    /** The descriptor was closed: the kernel dropped the registration. */
    synchronized void closed() {
        forget();
    }

    private void forget() {
        if (current != 0) {
            REGISTERED.remove(current);
            current = 0;
        }
    }

    /** Registrations whose callback the library still holds, in the whole process (for tests). */
    static int registeredCount() {
        return REGISTERED.size();
    }

    /** Whether this process holds a notification registration on the queue {@code name}. */
    static boolean isRegistered(String name) {
        for (Registration registration : REGISTERED.values()) {
            if (registration.queue().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Called by the C library's notification thread with the registration's id; must not throw. */
    private static void fired(long id) {
        Registration registration = REGISTERED.remove(id);
        if (registration == null) {
            return; // unregistered or closed while the notification was under way
        }
        try {
            Native.EXECUTOR.execute(() -> run(registration));
        }
        catch (RuntimeException | Error ex) {
            LOG.log(System.Logger.Level.WARNING, "notification for queue " + registration.queue()
                    + " could not be handed to its callback", ex);
        }
    }

    private static void run(Registration registration) {
        try {
            registration.callback().run();
        }
        catch (RuntimeException | Error ex) {
            LOG.log(System.Logger.Level.WARNING, "notification callback for queue " + registration.queue()
                    + " failed", ex);
        }
    }
}
