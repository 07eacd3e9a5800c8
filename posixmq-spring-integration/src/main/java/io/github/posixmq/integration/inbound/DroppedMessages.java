package io.github.posixmq.integration.inbound;

import io.github.posixmq.integration.PosixMqLogText;
import io.github.posixmq.integration.PosixMqOperationListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The loud end of a message that cannot be kept: one ERROR line with the queue, priority, size, the cause and the
 * bytes (base64, the first {@code loggedBytes}), so the message can be re-sent by hand, and
 * {@link PosixMqOperationListener#onDrop} (a counter meter). Peer text in the line is escaped; the stack trace of the
 * cause is logged at DEBUG.
 */
final class DroppedMessages {

    private static final Log logger = LogFactory.getLog(DroppedMessages.class);

    private DroppedMessages() {
    }

    /** Logs (the first 1 KiB of its bytes) and counts the drop of {@code received} from {@code queueName}. */
    static void drop(PosixMqOperationListener listener, String queueName, io.github.posixmq.Message received,
            String why, @Nullable Throwable cause) {
        drop(listener, queueName, received, why, cause, PosixMqLogText.DEFAULT_LOGGED_BYTES);
    }

    /** Logs and counts the drop of {@code received} from {@code queueName}, {@code why}. */
    static void drop(PosixMqOperationListener listener, String queueName, io.github.posixmq.Message received,
            String why, @Nullable Throwable cause, int loggedBytes) {
        byte[] bytes = received.bytes();
        logger.error("DROPPED a message from queue " + PosixMqLogText.escape(queueName) + " (priority "
                + received.priority() + ", " + bytes.length + " bytes, base64 " + PosixMqLogText.base64(bytes,
                        loggedBytes) + "): " + PosixMqLogText.escape(why, 2000)
                + (cause != null ? "; cause: " + PosixMqLogText.cause(cause) : ""));
        if (cause != null && logger.isDebugEnabled()) {
            logger.debug("Stack trace of the cause of the DROPPED message above", cause);
        }
        listener.onDrop(queueName, received.priority(), bytes.length);
    }
}
