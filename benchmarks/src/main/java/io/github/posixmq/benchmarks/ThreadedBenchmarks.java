package io.github.posixmq.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import io.github.posixmq.PosixMq;
import io.github.posixmq.SystemLimits;

/**
 * Two-thread benchmarks, written exactly like their C twins in {@code mqbench.c} (same queue shapes, blocking
 * calls, count-based iterations, a new peer thread per iteration released by a latch, the clock read on the main
 * thread): producer → consumer throughput, and round trips to an echo thread. Both use the zero-allocation direct
 * {@link ByteBuffer} path; bytes allocated per message are measured with the per-thread allocation counters.
 */
final class ThreadedBenchmarks {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** The benchmarks this harness runs, by their C names. */
    static final List<String> NAMES = List.of("throughput-64", "throughput-8192", "pingpong-64");

    private ThreadedBenchmarks() {
    }

    /**
     * Runs the named benchmarks ({@code NAME,... warmup iterations messages roundTrips}) and prints
     * {@code BINDING name}, then {@code RESULT TAB name TAB score,... TAB bytes-per-op} per benchmark, for
     * {@link Suite}, which starts this JVM once per binding.
     */
    public static void main(String[] args) {
        List<String> names = List.of(args[0].split(","));
        int warmup = Integer.parseInt(args[1]);
        int iterations = Integer.parseInt(args[2]);
        long messages = Long.parseLong(args[3]);
        long roundTrips = Long.parseLong(args[4]);
        System.out.println("BINDING\t" + SystemLimits.binding());
        for (String name : names) {
            Measurement m = switch (name) {
                case "throughput-64" -> throughput(64, warmup, iterations, messages);
                case "throughput-8192" -> throughput(8192, warmup, iterations, messages);
                case "pingpong-64" -> pingPong(64, warmup, iterations, roundTrips);
                default -> throw new IllegalArgumentException("unknown two-thread benchmark " + name);
            };
            System.out.println("RESULT\t" + name + "\t" + m.scores().stream().map(String::valueOf)
                    .collect(Collectors.joining(",")) + "\t" + m.bytesPerOp());
        }
    }

    /** Scores of the measurement iterations and bytes allocated per message over all of them. */
    record Measurement(List<Double> scores, double bytesPerOp) {
    }

    /** Throughput in messages/s of {@code messages} messages of {@code size} bytes from a producer thread. */
    static Measurement throughput(int size, int warmup, int iterations, long messages) {
        try (PosixMq queue = BenchQueues.openAnonymous(10, size)) {
            ByteBuffer in = ByteBuffer.allocateDirect(size);
            ByteBuffer out = ByteBuffer.allocateDirect(size);
            return measure(warmup, iterations, messages,
                    allocated -> throughputIteration(queue, in, out, messages, allocated));
        }
    }

    /** Nanoseconds per round trip of a {@code size}-byte message through an echo thread and back. */
    static Measurement pingPong(int size, int warmup, int iterations, long roundTrips) {
        try (PosixMq ping = BenchQueues.openAnonymous(10, size); PosixMq pong = BenchQueues.openAnonymous(10, size)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(size);
            ByteBuffer echoBuffer = ByteBuffer.allocateDirect(size);
            return measure(warmup, iterations, roundTrips,
                    allocated -> pingPongIteration(ping, pong, buffer, echoBuffer, roundTrips, allocated));
        }
    }

    /** Runs warm-up then measured iterations; bytes per operation are those of all measured iterations. */
    private static Measurement measure(int warmup, int iterations, long operationsPerIteration,
            ToDoubleFunction<AtomicLong> iteration) {
        AtomicLong allocated = new AtomicLong();
        List<Double> scores = new ArrayList<>();
        for (int i = 0; i < warmup + iterations; i++) {
            if (i == warmup) {
                allocated.set(0);
            }
            double score = iteration.applyAsDouble(allocated);
            if (i >= warmup) {
                scores.add(score);
            }
        }
        return new Measurement(scores, (double) allocated.get() / (operationsPerIteration * Math.max(1, iterations)));
    }

    private static double throughputIteration(PosixMq queue, ByteBuffer in, ByteBuffer out, long count,
            AtomicLong allocated) {
        Peer producer = new Peer("bench-producer", List.of(queue), () -> {
            for (long i = 0; i < count; i++) {
                out.clear();
                queue.send(out, 0);
            }
        }, allocated);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        producer.go();
        for (long i = 0; i < count; i++) {
            in.clear();
            queue.receive(in);
        }
        long elapsed = System.nanoTime() - start;
        allocated.addAndGet(THREADS.getCurrentThreadAllocatedBytes() - before);
        producer.finish();
        return count * 1e9 / elapsed;
    }

    private static double pingPongIteration(PosixMq ping, PosixMq pong, ByteBuffer buffer, ByteBuffer echoBuffer,
            long count, AtomicLong allocated) {
        Peer echo = new Peer("bench-echo", List.of(ping, pong), () -> {
            for (long i = 0; i < count; i++) {
                echoBuffer.clear();
                int priority = ping.receive(echoBuffer);
                echoBuffer.flip();
                pong.send(echoBuffer, priority);
            }
        }, allocated);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        echo.go();
        for (long i = 0; i < count; i++) {
            buffer.clear();
            ping.send(buffer, 0);
            buffer.clear();
            pong.receive(buffer);
        }
        long elapsed = System.nanoTime() - start;
        allocated.addAndGet(THREADS.getCurrentThreadAllocatedBytes() - before);
        echo.finish();
        return (double) elapsed / count;
    }

    /**
     * The second thread: waits for {@link #go()}, runs its loop and adds what it allocated. If it fails it closes
     * the queues in {@code wakeOnFailure}, which wakes the main thread's blocked call with an exception, not a hang.
     */
    private static final class Peer {
        private final CountDownLatch start = new CountDownLatch(1);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;

        Peer(String name, List<PosixMq> wakeOnFailure, Runnable loop, AtomicLong allocated) {
            thread = new Thread(() -> {
                try {
                    start.await();
                    long before = THREADS.getCurrentThreadAllocatedBytes();
                    loop.run();
                    allocated.addAndGet(THREADS.getCurrentThreadAllocatedBytes() - before);
                }
                catch (Throwable ex) {
                    failure.set(ex);
                    wakeOnFailure.forEach(PosixMq::close);
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        void go() {
            start.countDown();
        }

        void finish() {
            try {
                thread.join();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + thread.getName(), ex);
            }
            Throwable ex = failure.get();
            if (ex != null) {
                throw new IllegalStateException(thread.getName() + " failed", ex);
            }
        }
    }
}
