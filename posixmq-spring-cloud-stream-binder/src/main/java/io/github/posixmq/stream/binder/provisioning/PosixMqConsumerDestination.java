package io.github.posixmq.stream.binder.provisioning;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.stream.provisioning.ConsumerDestination;

/**
 * The queue a consumer binding receives from, and its dead-letter queue.
 *
 * @param queue the queue: the destination, or {@code <destination>-<instance-index>} when partitioned
 * @param deadLetterQueue the dead-letter queue, or null
 */
public record PosixMqConsumerDestination(ProvisionedQueue queue, @Nullable ProvisionedQueue deadLetterQueue)
        implements ConsumerDestination {

    @Override
    public String getName() {
        return this.queue.name();
    }
}
