package io.github.posixmq.internal;

import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** Scratch memory is bounded per thread and in the shared pool, and goes with its thread. */
class ScratchTest {

    @Test
    void aPlatformThreadKeepsAtMostTheRetainedLimit() throws Exception {
        inNewThread(() -> {
            Scratch scratch = Scratch.get();
            use(scratch, 8192);
            assertThat(scratch.retainedBytes()).isEqualTo(8192);
            use(scratch, 16L << 20);
            assertThat(scratch.retainedBytes()).as("a 16 MiB buffer is borrowed, not kept").isEqualTo(8192);
            use(scratch, Scratch.RETAINED_LIMIT);
            assertThat(scratch.retainedBytes()).isEqualTo(Scratch.RETAINED_LIMIT);
            use(scratch, Scratch.RETAINED_LIMIT + 1);
            assertThat(scratch.retainedBytes()).isEqualTo(Scratch.RETAINED_LIMIT);
            assertThat(Scratch.pooledBytes()).isLessThanOrEqualTo(Scratch.POOL_LIMIT);
        });
    }

    private static void inNewThread(Runnable body) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                body.run();
            }
            catch (Throwable ex) {
                failure.set(ex);
            }
        });
        thread.start();
        thread.join();
        assertThat(failure.get()).isNull();
    }

    @Test
    void borrowedBuffersAreReusedAndThePoolStaysBounded() {
        Scratch scratch = Scratch.get();
        ByteBuffer first = borrow(scratch, 1L << 20);
        long address = scratch.messageAddress();
        scratch.releaseMessageBuffer();
        assertThat(borrow(scratch, 1L << 20)).isSameAs(first);
        assertThat(scratch.messageAddress()).as("no allocation once warm").isEqualTo(address);
        scratch.releaseMessageBuffer();
        for (int i = 0; i < 3 * Scratch.POOL_SLOTS; i++) {
            use(scratch, 16L << 20);
            assertThat(Scratch.pooledBytes()).isLessThanOrEqualTo(Scratch.POOL_LIMIT);
        }
    }

    @Test
    void aThreadsScratchIsReleasedWithTheThread() throws Exception {
        AtomicReference<WeakReference<Scratch>> reference = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            Scratch scratch = Scratch.get();
            use(scratch, 8192);
            reference.set(new WeakReference<>(scratch));
        });
        thread.start();
        thread.join();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return reference.get().get() == null;
        });
    }

    @Test
    void aVirtualThreadKeepsNoMessageBuffer() throws Exception {
        Method ofVirtual;
        try {
            ofVirtual = Thread.class.getMethod("ofVirtual");
        }
        catch (NoSuchMethodException ex) {
            assumeThat(ofVirtual = null).as("virtual threads need Java 21+").isNotNull();
            return;
        }
        Object builder = ofVirtual.invoke(null);
        AtomicLong retained = new AtomicLong(-1);
        Thread thread = (Thread) Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class).invoke(builder,
                (Runnable) () -> {
                    Scratch scratch = Scratch.get();
                    use(scratch, 8192);
                    retained.set(scratch.retainedBytes());
                });
        thread.join();
        assertThat(retained.get()).isZero();
    }

    private static ByteBuffer borrow(Scratch scratch, long capacity) {
        return scratch.messageBuffer(capacity);
    }

    private static void use(Scratch scratch, long capacity) {
        try {
            ByteBuffer buffer = scratch.messageBuffer(capacity);
            assertThat(buffer.capacity()).isGreaterThanOrEqualTo((int) capacity);
            buffer.put(0, (byte) 1);
        }
        finally {
            scratch.releaseMessageBuffer();
        }
    }
}
