package io.github.posixmq.benchmarks;

import java.util.concurrent.TimeUnit;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.github.posixmq.PosixMq;
import io.github.posixmq.internal.Bindings;
import io.github.posixmq.internal.MqBinding;
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
 * The floor under posixmq: the same system calls as {@code pair-64}, {@code pair-8192} and {@code tryreceive-empty},
 * made straight through the internal binding in use ({@code -Dposixmq.binding=jna|ffm}) with none of posixmq's own code
 * (no checks, no scratch memory, no close protection). The gap between this and C is what the binding (JNA direct
 * mapping or FFM downcalls) costs; the gap between the API benchmarks and this is posixmq's own share. Not final: JMH
 * generates subclasses.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FloorBenchmarks {

    private static final int SIZE = 64;

    private static final int LARGE = 8192;

    private final MqBinding binding = Bindings.instance();
    private PosixMq pairQueue;
    private PosixMq emptyQueue;
    private PosixMq emptyBlockingQueue;
    private PosixMq largePairQueue;
    private long largePairHandle;
    private Memory largeMemory;
    private long largeOut;
    private long largeIn;
    private long pairHandle;
    private long emptyHandle;
    private long emptyBlockingHandle;
    private Memory memory;
    private long out;
    private long in;
    private long priority;
    private long expired;

    /** Opens queues for the pairs (capacity 10; 64-byte and 8 KiB messages) and empty ones (capacity 1, 64 bytes). */
    @Setup
    public void open() {
        pairQueue = BenchQueues.openAnonymous(10, SIZE);
        emptyQueue = BenchQueues.openAnonymous(1, SIZE);
        // like the C reference's O_NONBLOCK queue: plain mq_receive on a blocking descriptor would wait forever
        emptyQueue.setNonBlocking(true);
        pairHandle = binding.handleOf(pairQueue.fileDescriptor());
        emptyHandle = binding.handleOf(emptyQueue.fileDescriptor());
        // what tryReceive calls on a blocking descriptor, as PosixMq opens it by default
        emptyBlockingQueue = BenchQueues.openAnonymous(1, SIZE);
        emptyBlockingHandle = binding.handleOf(emptyBlockingQueue.fileDescriptor());
        memory = new Memory(3L * SIZE + 16);
        memory.clear();
        out = Pointer.nativeValue(memory);
        in = out + SIZE;
        priority = in + SIZE;
        expired = out + 3L * SIZE; // a zero timespec: a deadline long past
        largePairQueue = BenchQueues.openAnonymous(10, LARGE);
        largePairHandle = binding.handleOf(largePairQueue.fileDescriptor());
        largeMemory = new Memory(2L * LARGE);
        largeMemory.clear();
        largeOut = Pointer.nativeValue(largeMemory);
        largeIn = largeOut + LARGE;
    }

    /** Closes the queues (their names are already gone). */
    @TearDown
    public void close() {
        pairQueue.close();
        emptyQueue.close();
        emptyBlockingQueue.close();
        largePairQueue.close();
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

    /** {@code mq_send} then {@code mq_receive} of 64 bytes. */
    @Benchmark
    public long pair() {
        if (binding.mqSend(pairHandle, out, SIZE, 0) != 0) {
            throw new IllegalStateException("mq_send failed: errno " + binding.lastErrno());
        }
        return binding.mqReceive(pairHandle, in, SIZE, priority);
    }

    /**
     * {@code mq_timedsend} then {@code mq_timedreceive} of 64 bytes, each with an expired deadline: the calls posixmq's
     * {@code send} and {@code receive} make (the deadline lets them stay on a blocking descriptor and fail at once
     * instead of sleeping where {@code close()} could not wake them), without posixmq's code.
     */
    @Benchmark
    public long pairTimed() {
        if (binding.mqTimedsend(pairHandle, out, SIZE, 0, expired) != 0) {
            throw new IllegalStateException("mq_timedsend failed: errno " + binding.lastErrno());
        }
        return binding.mqTimedreceive(pairHandle, in, SIZE, priority, expired);
    }

    /** {@code mq_send} then {@code mq_receive} of 8 KiB. */
    @Benchmark
    public long pair8192() {
        if (binding.mqSend(largePairHandle, largeOut, LARGE, 0) != 0) {
            throw new IllegalStateException("mq_send failed: errno " + binding.lastErrno());
        }
        return binding.mqReceive(largePairHandle, largeIn, LARGE, priority);
    }

    /** {@code mq_receive} on an empty queue, then errno (EAGAIN). */
    @Benchmark
    public int tryReceiveEmpty() {
        long received = binding.mqReceive(emptyHandle, in, SIZE, priority);
        return received < 0 ? binding.lastErrno() : (int) received;
    }

    /**
     * {@code mq_timedreceive} with an expired deadline on an empty blocking queue, then errno (ETIMEDOUT): the system
     * call {@code tryReceive} makes on a blocking descriptor. The kernel takes a longer way than for an O_NONBLOCK
     * descriptor (it copies the deadline and enters and leaves its wait queue), so this is the floor of the API's
     * {@code tryReceive} row, which uses a blocking queue.
     */
    @Benchmark
    public int tryReceiveEmptyTimed() {
        long received = binding.mqTimedreceive(emptyBlockingHandle, in, SIZE, priority, expired);
        return received < 0 ? binding.lastErrno() : (int) received;
    }
}
