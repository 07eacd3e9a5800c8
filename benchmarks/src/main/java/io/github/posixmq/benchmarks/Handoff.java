package io.github.posixmq.benchmarks;

import java.nio.ByteBuffer;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;

/**
 * {@code Handoff QUEUE COUNT}: a producer thread sends COUNT 64-byte messages (direct buffers) to a new queue of
 * capacity 10 (removed at once) and a consumer thread receives them, through posixmq's blocking {@code send} and
 * {@code receive}; two rounds, the first a warm-up; prints messages/s. The Java side of {@code benchmarks/c/handoff.c},
 * for counting system calls per message ({@code perf stat -e 'syscalls:sys_enter_mq_*'}, pinned with taskset).
 */
public final class Handoff {

    private Handoff() {
    }

    /** Runs the two rounds. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: Handoff QUEUE COUNT");
            System.exit(2);
        }
        long count = Long.parseLong(args[1]);
        try (PosixMq queue = OpenOptions.readWrite().createNew().capacity(10).maxMessageSize(64).open(args[0])) {
            PosixMq.unlink(args[0]);
            for (int round = 0; round < 2; round++) {
                Thread consumer = new Thread(() -> {
                    ByteBuffer in = ByteBuffer.allocateDirect(64);
                    for (long i = 0; i < count; i++) {
                        in.clear();
                        queue.receive(in);
                    }
                });
                ByteBuffer out = ByteBuffer.allocateDirect(64);
                long start = System.nanoTime();
                consumer.start();
                for (long i = 0; i < count; i++) {
                    out.clear();
                    queue.send(out, 1);
                }
                consumer.join();
                long nanos = System.nanoTime() - start;
                System.out.printf("Java round %d%s: %.0f messages/s%n", round + 1, round == 0 ? " (warm-up)" : "",
                        count / (nanos / 1e9));
            }
        }
    }
}
