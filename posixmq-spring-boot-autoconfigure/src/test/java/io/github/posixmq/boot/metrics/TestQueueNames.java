package io.github.posixmq.boot.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.PosixMq;

/** Unique queue names per run (pid + counter) for the metrics and Actuator tests; {@link #close()} unlinks them. */
public final class TestQueueNames implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final List<String> names = new ArrayList<>();

    /** A fresh name such as {@code /posixmq-metrics-1234-7-orders}, unlinked by {@link #close()}. */
    public String next(String hint) {
        String name = "/posixmq-metrics-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + "-"
                + hint;
        this.names.add(name);
        return name;
    }

    /** The properties declaring queue {@code key} under {@code posixmq.queues}, named {@code name}. */
    public static String[] queue(String key, String name, int capacity, int maxMessageSize) {
        String prefix = "posixmq.queues." + key;
        return new String[] { prefix + ".name=" + name, prefix + ".capacity=" + capacity,
                prefix + ".max-message-size=" + maxMessageSize };
    }

    /** Removes every queue named by this object that still exists. */
    @Override
    public void close() {
        this.names.forEach(PosixMq::unlinkIfExists);
        this.names.clear();
    }
}
