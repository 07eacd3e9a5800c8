package io.github.posixmq.benchmarks;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.internal.Bindings;
import io.github.posixmq.internal.MqBinding;
import io.github.posixmq.internal.NativeMemory;
import io.github.posixmq.internal.Scratch;

/**
 * Where the time of a try-call and of a pair goes, step by step, from the raw system call through the binding to the
 * public API, on the binding of this JVM ({@code -Dposixmq.binding=ffm|jna}). Each figure is the fastest of
 * {@value #BATCHES} batches of {@value #BATCH} calls, so that a loaded machine (which only ever adds time) leaves it
 * alone; compare it with {@code benchmarks/c/syscallfloor}, which does the same in C. Usage: {@code taskset -c 0 java
 * --enable-native-access=ALL-UNNAMED -cp benchmarks.jar io.github.posixmq.benchmarks.FloorDecomposition}.
 */
public final class FloorDecomposition {

    private static final int BATCH = 2_000;
    private static final int BATCHES = 1_500;

    /** One call of a step. */
    @FunctionalInterface
    private interface Step {
        void run();
    }

    private FloorDecomposition() {
    }

    /** Prints one line per step. */
    public static void main(String[] args) {
        MqBinding binding = Bindings.instance();
        PosixMq blocking = BenchQueues.openAnonymous(1, 64);
        PosixMq nonBlocking = BenchQueues.openAnonymous(1, 64);
        nonBlocking.setNonBlocking(true);
        PosixMq full = BenchQueues.openAnonymous(1, 64);
        PosixMq pair = BenchQueues.openAnonymous(10, 64);
        ByteBuffer in = ByteBuffer.allocateDirect(64);
        ByteBuffer out = ByteBuffer.allocateDirect(64);
        ByteBuffer heapIn = ByteBuffer.allocate(64);
        byte[] bytes = new byte[64];
        if (!full.trySend(out, 0)) {
            throw new IllegalStateException("cannot fill " + full);
        }
        NativeMemory memory = binding.allocate(256);
        long buffer = memory.address();
        long priority = buffer + 128;
        long expired = Scratch.EXPIRED_DEADLINE;
        long blockingHandle = binding.handleOf(blocking.fileDescriptor());
        long nonBlockingHandle = binding.handleOf(nonBlocking.fileDescriptor());
        long fullHandle = binding.handleOf(full.fileDescriptor());
        long pairHandle = binding.handleOf(pair.fileDescriptor());
        String[] names = {
            "binding: mq_receive, O_NONBLOCK empty queue, + errno",
            "binding: mq_timedreceive(expired), blocking empty queue, + errno",
            "API: tryReceive(direct), blocking empty queue",
            "API: tryReceive(direct), O_NONBLOCK empty queue",
            "binding: mq_timedsend(expired), blocking full queue, + errno",
            "API: trySend(direct), blocking full queue",
            "binding: mq_send + mq_receive, 64 B",
            "binding: mq_timedsend + mq_timedreceive (expired), 64 B",
            "API: send + receive, direct ByteBuffers, 64 B",
            "API: send(byte[]) + receive(heap ByteBuffer), 64 B",
        };
        Step[] steps = {
            () -> {
                if (binding.mqReceive(nonBlockingHandle, buffer, 64, priority) < 0) {
                    binding.lastErrno();
                }
            },
            () -> {
                if (binding.mqTimedreceive(blockingHandle, buffer, 64, priority, expired) < 0) {
                    binding.lastErrno();
                }
            },
            () -> blocking.tryReceive(in.clear()),
            () -> nonBlocking.tryReceive(in.clear()),
            () -> {
                if (binding.mqTimedsend(fullHandle, buffer, 64, 0, expired) != 0) {
                    binding.lastErrno();
                }
            },
            () -> full.trySend(out.clear(), 0),
            () -> {
                binding.mqSend(pairHandle, buffer, 64, 0);
                binding.mqReceive(pairHandle, buffer, 64, priority);
            },
            () -> {
                binding.mqTimedsend(pairHandle, buffer, 64, 0, expired);
                binding.mqTimedreceive(pairHandle, buffer, 64, priority, expired);
            },
            () -> {
                pair.send(out.clear(), 0);
                pair.receive(in.clear());
            },
            () -> {
                pair.send(bytes, 0);
                pair.receive(heapIn.clear());
            },
        };
        double[] best = new double[steps.length];
        Arrays.fill(best, Double.MAX_VALUE);
        for (int batch = 0; batch < BATCHES; batch++) {
            for (int step = 0; step < steps.length; step++) {
                Step s = steps[step];
                long start = System.nanoTime();
                for (int i = 0; i < BATCH; i++) {
                    s.run();
                }
                double perCall = (double) (System.nanoTime() - start) / BATCH;
                if (batch >= BATCHES / 5) { // the first fifth warms up
                    best[step] = Math.min(best[step], perCall);
                }
            }
        }
        System.out.println("binding " + Bindings.name() + ", Java " + Runtime.version() + ", fastest of "
                + (BATCHES - BATCHES / 5) + " batches of " + BATCH + " calls:");
        for (int step = 0; step < steps.length; step++) {
            System.out.printf(Locale.ROOT, "%-66s %7.1f ns%n", names[step], best[step]);
        }
        for (PosixMq queue : new PosixMq[] {blocking, nonBlocking, full, pair}) {
            queue.close();
        }
    }
}
