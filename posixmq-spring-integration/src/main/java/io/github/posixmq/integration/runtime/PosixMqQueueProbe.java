package io.github.posixmq.integration.runtime;

import java.time.Duration;

import io.github.posixmq.Attributes;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueNotFoundException;

import org.springframework.util.Assert;

/**
 * Reads the state of a configured queue for metrics, health and the {@code posixmq} endpoint from the descriptor the
 * registry holds (never a second open and close: closing any descriptor of a queue drops this process's
 * {@code mq_notify} registration on it), and tells whether that descriptor is still the queue that carries the
 * configured name.
 * <p>
 * A queue removed with {@code mq_unlink} while the application holds it open keeps working for this process, but no
 * other process can reach it any more, even after a new queue of the same name is created: both reads below fail
 * with a {@link QueueNotFoundException} that says so, and what happens next (recovery, see {@link PosixMqQueues},
 * or a restart when {@code posixmq.recovery.enabled} is false).
 */
public final class PosixMqQueueProbe {

    private PosixMqQueueProbe() {
    }

    /**
     * The attributes of the queue the application holds open under {@code key}: one {@code mq_getattr} on the held
     * descriptor, cheap enough for every scrape.
     *
     * @throws io.github.posixmq.QueueClosedException when the registry was closed
     * @throws QueueNotFoundException when the held queue was removed (mq_unlink) since it was opened
     */
    public static Attributes heldAttributes(PosixMqQueues queues, String key) {
        Assert.notNull(queues, "queues must not be null");
        PosixMq held = queues.get(key);
        Attributes attributes = held.attributes();
        checkAttached(queues, key, held);
        return attributes;
    }

    /**
     * The state of the queue configured under {@code key} for health and the endpoint: the attributes of the
     * descriptor the registry holds, and whether it is still the queue that carries the configured name. Opens no
     * descriptor: the kernel drops this process's {@code mq_notify} registration on a queue whenever the process
     * closes ANY descriptor of it, so opening and closing a second descriptor per check would silently cancel a
     * notification registered on the registry's queue.
     *
     * @throws QueueNotFoundException when the held queue was removed (mq_unlink) since it was opened, or is detached
     * @throws io.github.posixmq.PosixMqException when the registry was closed
     */
    public static Attributes check(PosixMqQueues queues, String key) {
        return heldAttributes(queues, key);
    }

    private static void checkDetached(PosixMqQueues queues, String key, String name) {
        queues.detachedReason(key).ifPresent((reason) -> {
            throw new QueueNotFoundException(reason, 0, name);
        });
    }

    private static void checkAttached(PosixMqQueues queues, String key, PosixMq held) {
        checkDetached(queues, key, held.name());
        if (PosixMqQueues.isRemoved(held)) {
            throw new QueueNotFoundException("queue " + held.name() + " was removed (mq_unlink) while this application "
                    + "held it open: " + next(queues, key, true), 0, held.name());
        }
    }

    /** What happens to a removed queue: recovery at its next check, or a restart. */
    private static String next(PosixMqQueues queues, String key, boolean mayExist) {
        if (!queues.isRecoveryEnabled()) {
            return "this application still uses the removed queue, which no other process can reach"
                    + (mayExist ? " (even if a queue of that name was created again)" : "")
                    + "; posixmq.recovery.enabled is false: restart the application to "
                    + (mayExist ? "open the queue by its name again" : "create or open the queue again");
        }
        Duration interval = queues.recoveryCheckInterval();
        return "no other process can reach the removed queue this application uses; the next recovery check (every "
                + PosixMqSettings.format(interval) + ") "
                + (queues.info(key).create() ? "recreates it and switches to it"
                        : "switches to the queue of that name as soon as one exists (create is false)");
    }
}
