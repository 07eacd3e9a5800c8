package io.github.posixmq.integration.runtime;

import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqQueueSupplier;

/** The queue configured under one key of {@link PosixMqQueues}, looked up at each use so that it follows recovery. */
final class RegistryQueueSupplier implements PosixMqQueueSupplier {

    private final PosixMqQueues queues;

    private final String key;

    private final String name;

    private final String prefix;

    RegistryQueueSupplier(PosixMqQueues queues, PosixMqQueueSettings queue) {
        this.queues = queues;
        this.key = queue.key();
        this.name = queue.name();
        this.prefix = queue.prefix();
    }

    @Override
    public PosixMq get() {
        return this.queues.get(this.key);
    }

    @Override
    public String queueName() {
        return this.name;
    }

    @Override
    public String toString() {
        return "PosixMqQueueSupplier[" + this.name + ", " + this.prefix + "]";
    }
}
