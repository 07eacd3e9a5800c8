package io.github.posixmq;

import java.nio.ByteBuffer;

/**
 * Child JVM of {@link ConsumerKillTest}: a consumer process with several receiving threads that prints each
 * message's sequence number after it has verified ("processed") it, and runs until it is killed. A corrupt message
 * is reported as a {@code CORRUPT} line. Processing takes a little while (busy work), so a kill often finds
 * messages in hand. Arguments: queue, threads, max payload, processing microseconds.
 */
final class KillableConsumerMain {

    private KillableConsumerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ChildJvm.exitWhenParentGoes();
        int threads = Integer.parseInt(args[1]);
        int maxPayload = Integer.parseInt(args[2]);
        long processingNanos = Long.parseLong(args[3]) * 1000;
        PosixMq queue = OpenOptions.readOnly().open(args[0]);
        for (int i = 0; i < threads; i++) {
            Thread thread = new Thread(() -> {
                ByteBuffer buffer = ByteBuffer.allocateDirect((int) queue.maxMessageSize());
                while (true) {
                    buffer.clear();
                    int priority = queue.receive(buffer);
                    try {
                        LoadMessages.Decoded message = LoadMessages.verify(buffer, buffer.position(), priority,
                                maxPayload);
                        long done = System.nanoTime() + processingNanos;
                        while (System.nanoTime() < done) {
                            Thread.onSpinWait();
                        }
                        ChildJvm.println(Long.toString(message.seq()));
                    }
                    catch (IllegalStateException ex) {
                        ChildJvm.println("CORRUPT " + ex.getMessage());
                    }
                }
            }, "consumer-" + i);
            thread.start();
        }
        ChildJvm.println("READY");
        Thread.currentThread().join();
    }
}
