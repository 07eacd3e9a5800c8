package io.github.posixmq.integration.inbound;

import java.util.Base64;

import io.github.posixmq.integration.PosixMqOperationListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The loud end of a message that cannot be kept: one ERROR line with the queue, priority, size and the bytes
 * (base64), so the message can be re-sent by hand, and {@link PosixMqOperationListener#onDrop} (a counter meter).
 */
final class DroppedMessages {

    private static final Log logger = LogFactory.getLog(DroppedMessages.class);

    private DroppedMessages() {
    }

    /** Logs and counts the drop of {@code received} from {@code queueName}, {@code why}. */
    static void drop(PosixMqOperationListener listener, String queueName, io.github.posixmq.Message received,
            String why, @Nullable Throwable cause) {
        byte[] bytes = received.bytes();
        logger.error("DROPPED a message from queue " + queueName + " (priority " + received.priority() + ", "
                + bytes.length + " bytes, base64 " + Base64.getEncoder().encodeToString(bytes) + "): " + why, cause);
        listener.onDrop(queueName, received.priority(), bytes.length);
    }
}
