package io.github.posixmq.boot.actuate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.posixmq.Attributes;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueNotFoundException;
import io.github.posixmq.boot.PosixMqQueues;

import org.springframework.util.Assert;

/**
 * Reads the state of a configured queue for metrics, health and the {@code posixmq} endpoint, and tells whether the
 * descriptor the application holds is still the queue that carries the configured name.
 * <p>
 * A queue removed with {@code mq_unlink} while the application holds it open keeps working for this process, but no
 * other process can reach it any more, even after a new queue of the same name is created: both reads below fail
 * with a {@link QueueNotFoundException} that says so.
 */
public final class PosixMqQueueProbe {

    private static final String DELETED_SUFFIX = " (deleted)";

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
        checkNotRemoved(held);
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
        Attributes attributes;
        try (PosixMq probe = OpenOptions.readOnly().existing().open(name)) {
            attributes = probe.attributes();
        }
        catch (QueueNotFoundException ex) {
            QueueNotFoundException gone = new QueueNotFoundException("queue " + name + " does not exist any more: it "
                    + "was removed (mq_unlink) while this application held it open; this application still uses the "
                    + "removed queue, which no other process can reach: restart the application to create or open "
                    + "the queue again", ex.errno(), name);
            gone.initCause(ex);
            throw gone;
        }
        checkNotRemoved(held);
        return attributes;
    }

    /**
     * Whether the queue {@code mq} refers to was removed with {@code mq_unlink} since it was opened (its
     * {@code /proc/self/fd} link reads {@code "/name (deleted)"}); false when that cannot be told.
     */
    public static boolean isRemoved(PosixMq mq) {
        Assert.notNull(mq, "mq must not be null");
        try {
            Path link = Path.of("/proc/self/fd", Integer.toString(mq.fileDescriptor()));
            return Files.readSymbolicLink(link).toString().equals(mq.name() + DELETED_SUFFIX);
        }
        catch (IOException | RuntimeException ex) {
            return false;
        }
    }

    private static void checkNotRemoved(PosixMq held) {
        if (isRemoved(held)) {
            throw new QueueNotFoundException("queue " + held.name() + " was removed (mq_unlink) while this application "
                    + "held it open: this application still uses the removed queue, which no other process can reach "
                    + "(even if a queue of that name was created again); restart the application to open the queue "
                    + "by its name again", 0, held.name());
        }
    }
}
