package io.github.posixmq.boot;

import java.time.Duration;

import io.github.posixmq.Attributes;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueNotFoundException;

import org.springframework.util.Assert;

/**
 * Reads the state of a configured queue for metrics, health and the {@code posixmq} endpoint, and tells whether the
 * descriptor the application holds is still the queue that carries the configured name.
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
     * Opens the queue configured under {@code key} afresh by its name (existing queues only, never creating it),
     * reads its attributes, and checks that the application's descriptor is still that queue.
     *
     * @throws QueueNotFoundException when no queue has the name any more, or the application's descriptor refers to
     *         a queue that was removed
     * @throws io.github.posixmq.PosixMqException when the queue cannot be opened or read for another reason
     *         (permissions, closed registry ...)
     */
    public static Attributes check(PosixMqQueues queues, String key) {
        Assert.notNull(queues, "queues must not be null");
        PosixMq held = queues.get(key);
        String name = queues.queueName(key);
        held.attributes(); // fails when the application's descriptor was closed
        checkDetached(queues, key, name);
        Attributes attributes;
        try (PosixMq probe = OpenOptions.readOnly().existing().open(name)) {
            attributes = probe.attributes();
        }
        catch (QueueNotFoundException ex) {
            QueueNotFoundException gone = new QueueNotFoundException("queue " + name + " does not exist any more: it "
                    + "was removed (mq_unlink) while this application held it open; " + next(queues, key, false),
                    ex.errno(), name);
            gone.initCause(ex);
            throw gone;
        }
        checkAttached(queues, key, held);
        return attributes;
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
