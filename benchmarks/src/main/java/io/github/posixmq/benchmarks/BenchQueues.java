package io.github.posixmq.benchmarks;

import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;

/** Opens benchmark queues that are unlinked at once, so none outlives the process, even when it is killed. */
final class BenchQueues {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private BenchQueues() {
    }

    /** A fresh read-write queue with the given shape; its name is already removed (the descriptor still works). */
    static PosixMq openAnonymous(long capacity, long maxMessageSize) {
        String name = "/posixmq-bench-java-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        PosixMq queue = OpenOptions.readWrite().createNew().capacity(capacity).maxMessageSize(maxMessageSize)
                .open(name);
        PosixMq.unlink(name);
        return queue;
    }
}
