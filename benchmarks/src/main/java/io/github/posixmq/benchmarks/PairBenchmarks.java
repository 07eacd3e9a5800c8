package io.github.posixmq.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.github.posixmq.Message;
import io.github.posixmq.PosixMq;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Send then receive one message on one queue (capacity 10, message size = {@link #size}) in one thread; C
 * reference: {@code pair-64} / {@code pair-8192} in {@code mqbench.c}. Not final: JMH generates subclasses.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PairBenchmarks {

    /** Message size in bytes; also the queue's maximum message size. */
    @Param({"64", "8192"})
    public int size;

    private PosixMq queue;
    private ByteBuffer directOut;
    private ByteBuffer directIn;
    private byte[] bytesOut;
    private ByteBuffer heapIn;

    /** Opens the queue and the buffers. */
    @Setup
    public void open() {
        queue = BenchQueues.openAnonymous(10, size);
        directOut = ByteBuffer.allocateDirect(size);
        directIn = ByteBuffer.allocateDirect(size);
        bytesOut = new byte[size];
        heapIn = ByteBuffer.wrap(new byte[size]);
    }

    /** Closes the queue (its name is already gone). */
    @TearDown
    public void close() {
        queue.close();
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

    /** The zero-copy path: direct buffers on both sides. */
    @Benchmark
    public int direct() {
        directOut.clear();
        queue.send(directOut, 0);
        directIn.clear();
        return queue.receive(directIn);
    }

    /** The array path: send a {@code byte[]}, receive into a heap buffer over a reused array. */
    @Benchmark
    public int bytes() {
        queue.send(bytesOut, 0);
        heapIn.clear();
        return queue.receive(heapIn);
    }

    /** The convenience path: send a {@code byte[]}, receive a new {@link Message} (allocates its copy). */
    @Benchmark
    public Message message() {
        queue.send(bytesOut, 0);
        return queue.receive();
    }
}
