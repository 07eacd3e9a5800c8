package io.github.posixmq;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM of {@link FfmWithoutJnaTest}: uses every part of core that touches native code (open, send and receive
 * on every buffer kind, try and timed calls, attributes, stat, a selector, a notification, system limits, a virtual
 * thread blocked in receive) on the queue {@code args[0]}, then prints {@code BINDING <name>} and {@code DONE}. It
 * uses nothing of the test helpers ({@link ChildJvm} refers to JNA).
 */
final class FfmOnlyMain {

    private FfmOnlyMain() {
    }

    public static void main(String[] args) throws Exception {
        String name = args[0];
        try (PosixMq mq = OpenOptions.readWrite().createNew().capacity(4).maxMessageSize(64).open(name);
                PosixMqSelector selector = PosixMqSelector.open()) {
            mq.send("bytes".getBytes(StandardCharsets.US_ASCII), 1);
            check(mq.receive().utf8().equals("bytes"));
            ByteBuffer direct = ByteBuffer.allocateDirect(64);
            direct.put((byte) 7).flip();
            mq.send(direct, 2);
            ByteBuffer heap = ByteBuffer.allocate(64);
            check(mq.receive(heap) == 2 && heap.get(0) == 7);
            check(mq.trySend(ByteBuffer.wrap(new byte[3]), 3));
            direct.clear();
            check(mq.tryReceive(direct) == 3);
            check(mq.tryReceive(direct.clear()) == PosixMq.NO_MESSAGE);
            check(mq.receive(direct.clear(), Duration.ofMillis(1)) == PosixMq.NO_MESSAGE);
            check(mq.attributes().capacity() == 4);
            check(mq.stat().mode() == 0600);
            SystemLimits.read();

            PosixMqSelector.Key key = selector.register(mq, PosixMqSelector.READABLE, "q");
            check(selector.selectNow().isEmpty());
            mq.send(new byte[1], 0);
            List<PosixMqSelector.Key> ready = selector.select(Duration.ofSeconds(30));
            check(ready.size() == 1 && ready.get(0) == key && key.isReadable());
            mq.receive(direct.clear());
            selector.wakeup();
            check(selector.select().isEmpty());
            key.cancel();

            // a virtual thread blocked in receive parks on the poller
            Runnable receive = () -> mq.receive(ByteBuffer.allocateDirect(64));
            Thread receiver = (Thread) Thread.class.getMethod("startVirtualThread", Runnable.class) // Java 21+
                    .invoke(null, receive);
            mq.send(new byte[2], 0);
            receiver.join();

            CountDownLatch notified = new CountDownLatch(1);
            mq.registerNotification(notified::countDown);
            mq.send(new byte[1], 0);
            check(notified.await(30, TimeUnit.SECONDS));
            mq.registerNotification(() -> { });
            mq.unregisterNotification();
        }
        finally {
            PosixMq.unlinkIfExists(name);
        }
        System.out.println("BINDING " + SystemLimits.binding());
        System.out.println("DONE");
    }

    private static void check(boolean condition) {
        if (!condition) {
            throw new IllegalStateException("unexpected result");
        }
    }
}
