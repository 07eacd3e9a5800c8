package io.github.posixmq.integration;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.PosixMq;

/** Unique queue names per run (pid + counter); {@link #close()} removes every queue it named. */
public final class TestQueues implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final List<String> names = new ArrayList<>();

    /** A fresh unique queue name such as {@code /posixmq-si-1234-7-orders}. */
    public String name(String hint) {
        String name = "/posixmq-si-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + "-" + hint;
        this.names.add(name);
        return name;
    }

    /** Removes the queue {@code name} (named elsewhere) with the others. */
    public String track(String name) {
        this.names.add(name);
        return name;
    }

    /** Removes every queue named by this object. */
    @Override
    public void close() {
        this.names.forEach(PosixMq::unlinkIfExists);
        this.names.clear();
    }
}
