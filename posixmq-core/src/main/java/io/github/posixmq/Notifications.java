package io.github.posixmq;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.sun.jna.Callback;
import com.sun.jna.CallbackReference;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.github.posixmq.internal.Linux;
import io.github.posixmq.internal.MqBinding;
import org.jspecify.annotations.Nullable;

/**
 * {@code mq_notify} with {@code SIGEV_THREAD}: the C library calls a JNA callback on a thread of its own, which
 * hands the user's callback to the single daemon thread {@code posixmq-notify} and returns at once.
 */
final class Notifications {

    private static final Logger LOG = Logger.getLogger(Notifications.class.getName());

    /** Callbacks the C library may still call; a collected callback would leave it a dangling pointer. */
    private static final Set<SigevFunction> PINNED = ConcurrentHashMap.newKeySet();

    private static final class ExecutorHolder {
        static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "posixmq-notify");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** {@code void (*sigev_notify_function)(union sigval)}. */
    public interface SigevFunction extends Callback {
        /** Called by the C library's notification thread. */
        void invoke(long sigval);
    }

    private final PosixMq mq;
    private final MqBinding binding;
    private @Nullable SigevFunction active;

    Notifications(PosixMq mq, MqBinding binding) {
        this.mq = mq;
        this.binding = binding;
    }

    synchronized void register(Runnable callback) {
        SigevFunction function = new SigevFunction() {
            @Override
            public void invoke(long sigval) {
                fired(this, callback);
            }
        };
        Memory sigevent = new Memory(Linux.SIGEVENT_SIZE);
        sigevent.clear();
        sigevent.setInt(12, Linux.SIGEV_THREAD);
        sigevent.setPointer(16, CallbackReference.getFunctionPointer(function));
        PINNED.add(function);
        if (binding.mqNotify(mq.handle(), Pointer.nativeValue(sigevent)) != 0) {
            int errno = binding.lastErrno();
            PINNED.remove(function);
            if (errno == Linux.EBUSY) {
                throw new QueueBusyException("cannot register for notification on queue " + mq.name()
                        + ": another process (or descriptor) is already registered (EBUSY); only one may be at a time",
                        errno, mq.name());
            }
            throw Errors.generic("cannot register for notification on queue " + mq.name(), errno, mq.name());
        }
        active = function;
    }

    synchronized void unregister() {
        if (binding.mqNotify(mq.handle(), 0) != 0) {
            throw Errors.generic("cannot unregister the notification on queue " + mq.name(), binding.lastErrno(),
                    mq.name());
        }
        // a notification already under way may still call the old function: it stays pinned until it fires
        active = null;
    }

    /** The descriptor was closed: the kernel dropped the registration. */
    synchronized void closed() {
        active = null;
    }

    private void fired(SigevFunction function, Runnable callback) {
        PINNED.remove(function);
        synchronized (this) {
            if (active == function) {
                active = null;
            }
        }
        ExecutorHolder.EXECUTOR.execute(() -> {
            try {
                callback.run();
            }
            catch (RuntimeException | Error ex) {
                LOG.log(Level.WARNING, "notification callback for queue " + mq.name() + " failed", ex);
            }
        });
    }
}
