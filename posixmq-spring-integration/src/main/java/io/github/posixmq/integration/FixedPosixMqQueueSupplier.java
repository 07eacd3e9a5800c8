package io.github.posixmq.integration;

import io.github.posixmq.PosixMq;

import org.springframework.util.Assert;

/** A {@link PosixMqQueueSupplier} of one descriptor owned by the caller. */
final class FixedPosixMqQueueSupplier implements PosixMqQueueSupplier {

    private final PosixMq queue;

    FixedPosixMqQueueSupplier(PosixMq queue) {
        Assert.notNull(queue, "queue must not be null");
        this.queue = queue;
    }

    @Override
    public PosixMq get() {
        return this.queue;
    }

    @Override
    public String queueName() {
        return this.queue.name();
    }

    @Override
    public String toString() {
        return "PosixMqQueueSupplier[" + this.queue.name() + "]";
    }
}
