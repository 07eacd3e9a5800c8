package io.github.posixmq;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Unique queue names per run (pid + counter), removed after each test. */
final class TestQueues implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final List<String> names = new ArrayList<>();

    /** A fresh unique name such as {@code /posixmq-test-1234-7-orders}. */
    String name(String hint) {
        String name = "/posixmq-test-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + "-" + hint;
        names.add(name);
        return name;
    }

    /** Removes {@code name} too after the test (a queue whose name is not one of {@link #name(String)}'s). */
    String track(String name) {
        names.add(name);
        return name;
    }

    @Override
    public void close() {
        for (String name : names) {
            PosixMq.unlinkIfExists(name);
        }
        names.clear();
    }
}
