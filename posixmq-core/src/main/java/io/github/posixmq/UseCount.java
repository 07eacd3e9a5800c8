package io.github.posixmq;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the calls using a descriptor and runs a release action exactly once, when the owner was closed and the
 * last call has left: so no thread ever touches a descriptor number after it was closed (it could be reused).
 */
final class UseCount {

    /** The sign bit: set once closed. The other bits count the calls in progress. */
    private static final int CLOSED = Integer.MIN_VALUE;

    private final AtomicInteger state = new AtomicInteger();

    private final Runnable releaseAction;

    UseCount(Runnable releaseAction) {
        this.releaseAction = releaseAction;
    }

    /** Registers a call; false when already closed. Every true must be paired with {@link #leave()}. */
    boolean enter() {
        while (true) {
            int current = state.get();
            if (current < 0) {
                return false;
            }
            if (state.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Ends a call; the last one out after close runs the release action. */
    void leave() {
        if (state.decrementAndGet() == CLOSED) {
            releaseAction.run();
        }
    }

    /**
     * Marks closed and enters, so the caller can still wake waiters through the descriptor; false when already
     * closed. A true must be followed by {@link #leave()}.
     */
    boolean closeAndEnter() {
        int current;
        do {
            current = state.get();
            if (current < 0) {
                return false;
            }
        }
        while (!state.compareAndSet(current, (current + 1) | CLOSED));
        return true;
    }

    /** Whether {@link #closeAndEnter()} succeeded once. */
    boolean isClosed() {
        return state.get() < 0;
    }
}
