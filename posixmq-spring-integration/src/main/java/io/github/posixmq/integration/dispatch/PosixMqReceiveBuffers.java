package io.github.posixmq.integration.dispatch;

import java.nio.ByteBuffer;

/**
 * Where a queue's receive permits receive their messages: by default one direct buffer of the queue's maximum
 * message size per permit. The seam for an in-flight journal, whose buffers are slots of a file mapped
 * {@code MAP_SHARED}: it is told when a message was received into a buffer and when its flow finished.
 */
public interface PosixMqReceiveBuffers {

    /** Direct buffers, nothing recorded. */
    PosixMqReceiveBuffers DIRECT = (queueName, permit, maxMessageSize) -> ByteBuffer.allocateDirect(maxMessageSize);

    /**
     * The buffer of permit {@code permit} (0 to concurrency - 1) of {@code queueName}, with room for
     * {@code maxMessageSize} bytes; asked again when a recreated queue allows larger messages.
     */
    ByteBuffer buffer(String queueName, int permit, int maxMessageSize);

    /** A receive into {@code buffer} is about to happen (called before each receive, on the receiving thread). */
    default void receiving(String queueName, int permit, ByteBuffer buffer) {
    }

    /**
     * A message of {@code priority} was received into {@code buffer} (position 0, limit its length): called on the
     * receiving thread right after the receive returned, before the message is handed to a worker.
     */
    default void received(String queueName, int permit, ByteBuffer buffer, int priority) {
    }

    /** The flow of the message in {@code buffer} finished (handled, dead-lettered or dropped). */
    default void finished(String queueName, int permit, ByteBuffer buffer) {
    }
}
