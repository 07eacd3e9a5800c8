package io.github.posixmq.internal;

import java.lang.ref.Cleaner;

/** The one {@link Cleaner} of posixmq (daemon thread {@code posixmq-cleaner}): unclosed queues, selectors, memory. */
public final class Cleanup {

    /** Runs the clean-up of objects that became unreachable without being closed or freed. */
    public static final Cleaner CLEANER = Cleaner.create(runnable -> {
        Thread thread = new Thread(runnable, "posixmq-cleaner");
        thread.setDaemon(true);
        return thread;
    });

    private Cleanup() {
    }
}
