package io.github.posixmq.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Bytes allocated per operation by the thread that runs the benchmark method, while it runs it, and nothing else:
 * the hot path's own allocation, as the calling thread's counter
 * ({@code com.sun.management.ThreadMXBean.getCurrentThreadAllocatedBytes}) sees it, reported as {@value #LABEL}. The
 * benchmark states open the window in a {@code @Setup(Level.Iteration)} with {@link #begin()} and close it in a
 * {@code @TearDown(Level.Iteration)} with {@link #end()}, both on the benchmark thread.
 *
 * <p>JMH's own {@code -prof gc} figure ({@code gc.alloc.rate.norm}) counts more: on JDK 21+ JMH 1.37 reads
 * {@code getTotalThreadAllocatedBytes()}, the allocation of every thread of the fork (JMH's runner and result
 * threads, the JVM's service threads), over the whole iteration (the last one includes the benchmark's
 * {@code @TearDown(Level.Trial)}, whose first calls of {@code close()} link their native calls, tens of kilobytes),
 * divided by the benchmark's operations. A few kilobytes of that per iteration show as 0.01-1 B/op. And where the
 * warm-up is too short for C2 to have compiled the path (the interpreter and C1 allocate what C2's escape analysis
 * removes), the first measurement iteration carries warm-up allocation, which both counters then see.
 */
public final class WorkerAllocationProfiler implements InternalProfiler {

    /** The secondary result's label. */
    public static final String LABEL = "alloc.worker.norm";

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Bytes the benchmark threads allocated inside their windows during this iteration. */
    private static final AtomicLong ALLOCATED = new AtomicLong();

    /** Where the current benchmark thread's window started. */
    private static final ThreadLocal<long[]> START = ThreadLocal.withInitial(() -> new long[1]);

    /** JMH instantiates profilers reflectively. */
    public WorkerAllocationProfiler() {
    }

    /** Opens the calling benchmark thread's window: call from {@code @Setup(Level.Iteration)}. */
    public static void begin() {
        START.get()[0] = THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Closes the calling benchmark thread's window: call from {@code @TearDown(Level.Iteration)}. */
    public static void end() {
        ALLOCATED.addAndGet(THREADS.getCurrentThreadAllocatedBytes() - START.get()[0]);
    }

    @Override
    public String getDescription() {
        return "bytes allocated per operation by the benchmark threads while they run the benchmark method";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        ALLOCATED.set(0);
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
            IterationParams iterationParams, IterationResult result) {
        long operations = result.getMetadata().getAllOps();
        double perOp = operations == 0 ? Double.NaN : (double) ALLOCATED.get() / operations;
        return List.of(new ScalarResult(LABEL, perOp, "B/op", AggregationPolicy.AVG));
    }
}
