package io.github.posixmq.integration.dispatch;

import java.nio.ByteBuffer;

import io.github.posixmq.PosixMq;

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

    /**
     * Receives one message from {@code queue} into {@code buffer} (permit {@code permit}'s buffer) without waiting:
     * returns its priority, the buffer's position then the message length, or {@link PosixMq#NO_MESSAGE}. Called on
     * the receiving thread; an in-flight journal receives into its slot here, with the kernel writing the priority
     * into the slot, and marks the slot in flight before it returns.
     */
    default int receive(String queueName, int permit, PosixMq queue, ByteBuffer buffer) {
        buffer.clear();
        return queue.tryReceive(buffer);
    }

    /** The flow of the message in {@code buffer} finished (handled, dead-lettered or dropped). */
    default void finished(String queueName, int permit, ByteBuffer buffer) {
    }
}
