package io.github.posixmq.integration;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;

/**
 * Unique queue names per run (pid + counter); {@link #close()} closes every queue it opened or holds and removes every
 * queue it named.
 */
public final class TestQueues implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final List<String> names = new ArrayList<>();

    private final List<PosixMq> opened = new ArrayList<>();

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

    /** Opens a queue with {@code options} under a fresh {@link #name}; {@link #close()} closes and removes it. */
    public PosixMq open(String hint, OpenOptions options) {
        return hold(options.open(name(hint)));
    }

    /** Closes {@code queue} (opened elsewhere) with the others. */
    public PosixMq hold(PosixMq queue) {
        this.opened.add(queue);
        return queue;
    }

    /** Closes every queue this object opened or holds, then removes every queue it named. */
    @Override
    public void close() {
        this.opened.forEach(PosixMq::close);
        this.opened.clear();
        this.names.forEach(PosixMq::unlinkIfExists);
        this.names.clear();
    }
}
