package io.github.posixmq.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.github.posixmq.Attributes;
import io.github.posixmq.PosixMq;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Calls that return at once: {@code trySend} on a full queue, {@code tryReceive} on an empty one (both EAGAIN in
 * the kernel, never an exception here) and {@code attributes()}; C reference: {@code trysend-full},
 * {@code tryreceive-empty}, {@code attributes} in {@code mqbench.c}. Not final: JMH generates subclasses.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NonBlockingBenchmarks {

    private static final int SIZE = 64;

    private PosixMq full;
    private PosixMq empty;
    private PosixMq other;
    private ByteBuffer out;
    private ByteBuffer in;

    /** Opens a full queue (capacity 1, one message), an empty one and one for {@code attributes()}. */
    @Setup
    public void open() {
        out = ByteBuffer.allocateDirect(SIZE);
        in = ByteBuffer.allocateDirect(SIZE);
        full = BenchQueues.openAnonymous(1, SIZE);
        if (!full.trySend(out, 0)) {
            throw new IllegalStateException("could not fill " + full);
        }
        empty = BenchQueues.openAnonymous(1, SIZE);
        other = BenchQueues.openAnonymous(10, SIZE);
    }

    /** Closes the queues (their names are already gone). */
    @TearDown
    public void close() {
        full.close();
        empty.close();
        other.close();
    }

    /** Opens this thread's allocation window for the iteration ({@link WorkerAllocationProfiler}). */
    @Setup(Level.Iteration)
    public void beginAllocationWindow() {
        WorkerAllocationProfiler.begin();
    }

    /** Closes this thread's allocation window. */
    @TearDown(Level.Iteration)
    public void endAllocationWindow() {
        WorkerAllocationProfiler.end();
    }

    /** {@code trySend} on a full queue: false. */
    @Benchmark
    public boolean trySendFull() {
        out.clear();
        if (full.trySend(out, 0)) {
            throw new IllegalStateException("trySend succeeded on a full queue");
        }
        return false;
    }

    /** {@code tryReceive} on an empty queue: {@link PosixMq#NO_MESSAGE}. */
    @Benchmark
    public int tryReceiveEmpty() {
        in.clear();
        int priority = empty.tryReceive(in);
        if (priority != PosixMq.NO_MESSAGE) {
            throw new IllegalStateException("tryReceive returned a message from an empty queue");
        }
        return priority;
    }

    /** {@code attributes()} ({@code mq_getattr}). */
    @Benchmark
    public Attributes attributes() {
        return other.attributes();
    }
}
