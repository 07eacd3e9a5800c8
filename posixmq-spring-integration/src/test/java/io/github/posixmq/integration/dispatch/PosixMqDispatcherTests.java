package io.github.posixmq.integration.dispatch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.TestQueues;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The shared dispatcher against real queues: threads, order, fairness, linger, stop, restarts, closed queues. */
class PosixMqDispatcherTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A linger far longer than {@link #WAIT}: what ends it early is what the linger tests check. */
    private static final Duration LONG_LINGER = Duration.ofMinutes(5);

    private final TestQueues names = new TestQueues();

    private final List<PosixMq> opened = new ArrayList<>();

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : this.closeables) {
            closeable.close();
        }
        this.opened.forEach(PosixMq::close);
        this.names.close();
    }

    private PosixMq queue(String hint) {
        PosixMq mq = OpenOptions.readWrite().create().capacity(4).maxMessageSize(64).open(this.names.name(hint));
        this.opened.add(mq);
        return mq;
    }

    private PosixMqDispatcher dispatcher(int selectors, int workers) {
        ExecutorService pool = PosixMqDispatcher.defaultWorkers(workers);
        PosixMqDispatcher dispatcher = new PosixMqDispatcher(selectors, pool);
        this.closeables.add(pool::shutdownNow);
        this.closeables.add(dispatcher);
        return dispatcher;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void twentyQueuesShareOneSelectorThreadAndTwoWorkers() throws Exception {
        PosixMqDispatcher dispatcher = dispatcher(1, 2);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<PosixMq> queues = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            PosixMq mq = queue("many" + i);
            queues.add(mq);
            dispatcher.register(new TestReceiver(mq, 1, (text, priority) -> {
                threads.add(Thread.currentThread().getName());
                received.add(text);
            }));
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 20; i++) {
                queues.get(i).send(utf8(i + ":" + round), 0);
            }
        }
        Set<String> all = new java.util.HashSet<>();
        for (int n = 0; n < 60; n++) {
            String text = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(text).isNotNull();
            all.add(text);
        }
        assertThat(all).hasSize(60);
        assertThat(threads).hasSizeLessThanOrEqualTo(2).allMatch((name) -> name.startsWith("posixmq-worker-"));
        long selectorThreads = Thread.getAllStackTraces().keySet().stream()
            .filter((thread) -> thread.getName().startsWith("posixmq-selector-")).count();
        assertThat(selectorThreads).isGreaterThanOrEqualTo(1);
    }

    @Test
    void concurrencyOneHandlesInOrderOneAtATime() throws Exception {
        PosixMqDispatcher dispatcher = dispatcher(1, 4);
        PosixMq mq = OpenOptions.readWrite().create().capacity(10).maxMessageSize(64).open(this.names.name("order"));
        this.opened.add(mq);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        BlockingQueue<Integer> received = new LinkedBlockingQueue<>();
        dispatcher.register(new TestReceiver(mq, 1, (text, priority) -> {
            if (inFlight.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            received.add(Integer.parseInt(text));
            inFlight.decrementAndGet();
        }));
        Thread sender = new Thread(() -> {
            for (int i = 0; i < 200; i++) {
                mq.send(utf8(Integer.toString(i)), 0);
            }
        });
        sender.start();
        for (int i = 0; i < 200; i++) {
            assertThat(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(i);
        }
        sender.join();
        assertThat(overlaps).hasValue(0);
    }

    @Test
    void aBusyQueueCannotStarveAQuietOne() throws Exception {
        PosixMqDispatcher dispatcher = dispatcher(1, 1);
        PosixMq busy = OpenOptions.readWrite().create().capacity(10).maxMessageSize(64).open(this.names.name("busy"));
        this.opened.add(busy);
        PosixMq quiet = queue("quiet");
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        AtomicInteger busyHandled = new AtomicInteger();
        CountDownLatch quietSeen = new CountDownLatch(1);
        AtomicInteger busyBeforeQuiet = new AtomicInteger(-1);
        // the busy queue is refilled by its own handler, so it is never empty
        dispatcher.register(new TestReceiver(busy, 1, (text, priority) -> {
            busyHandled.incrementAndGet();
            busy.trySend(utf8("again"), 0);
        }));
        for (int i = 0; i < 10; i++) {
            busy.send(utf8("busy"), 0);
        }
        await().atMost(WAIT).until(() -> busyHandled.get() > 100);
        dispatcher.register(new TestReceiver(quiet, 1, (text, priority) -> {
            busyBeforeQuiet.set(busyHandled.get());
            received.add(text);
            quietSeen.countDown();
        }));
        int before = busyHandled.get();
        quiet.send(utf8("quiet"), 0);
        assertThat(quietSeen.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(busyBeforeQuiet.get() - before).as("busy messages handled before the quiet one")
            .isLessThanOrEqualTo(4 * PosixMqDispatcher.DRAIN);
    }

    @Test
    void aLingeringWorkerKeepsAConcurrencyOneQueueInOrderOneAtATime() throws Exception {
        PosixMqDispatcher dispatcher = dispatcher(1, 4);
        dispatcher.setLinger(LONG_LINGER);
        PosixMq mq = OpenOptions.readWrite().create().capacity(10).maxMessageSize(64).open(this.names.name("linger"));
        this.opened.add(mq);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        BlockingQueue<Integer> received = new LinkedBlockingQueue<>();
        QueueDispatch registration = (QueueDispatch) dispatcher.register(new TestReceiver(mq, 1, (text, priority) -> {
            if (inFlight.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            threads.add(Thread.currentThread().getName());
            received.add(Integer.parseInt(text));
            inFlight.decrementAndGet();
        }));
        for (int i = 0; i < 100; i++) {
            // one at a time, so that the queue runs empty and the worker waits for the next one
            mq.send(utf8(Integer.toString(i)), 0);
            assertThat(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(i);
        }
        await().atMost(WAIT).until(registration::lingering, (count) -> count == 1);
        for (int i = 100; i < 200; i++) {
            mq.send(utf8(Integer.toString(i)), 0);
        }
        for (int i = 100; i < 200; i++) {
            assertThat(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(i);
        }
        assertThat(overlaps).hasValue(0);
        assertThat(threads).as("one worker kept the queue: no hand-off from the selector after the first message")
            .hasSize(1);
    }

    @Test
    void aStopEndsALingeringWorkersWaitAndNothingIsReceivedAfterIt() throws Exception {
        PosixMqDispatcher dispatcher = dispatcher(1, 2);
        dispatcher.setLinger(LONG_LINGER);
        PosixMq mq = queue("stop-linger");
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        TestReceiver receiver = new TestReceiver(mq, 1, (text, priority) -> received.add(text));
        QueueDispatch registration = (QueueDispatch) dispatcher.register(receiver);
        mq.send(utf8("first"), 0);
        assertThat(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("first");
        await().atMost(WAIT).until(registration::lingering, (count) -> count == 1);
        registration.stop();
        assertThat(receiver.ended.await(WAIT.toSeconds(), TimeUnit.SECONDS))
            .as("ended long before the linger of %s", LONG_LINGER).isTrue();
        assertThat(registration.lingering()).isZero();
        mq.send(utf8("after the stop"), 0);
        assertThat(mq.currentMessages()).as("nothing received after the stop").isEqualTo(1);
        assertThat(received).isEmpty();
    }

    @Test
    void aQuietQueueIsServedWhileAnotherLingersOnTheOnlyWorker() throws Exception {
        PosixMqDispatcher dispatcher = dispatcher(1, 1);
        dispatcher.setLinger(LONG_LINGER);
        PosixMq lingering = queue("lingering");
        PosixMq quiet = queue("quiet");
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        QueueDispatch registration = (QueueDispatch) dispatcher
            .register(new TestReceiver(lingering, 1, (text, priority) -> received.add(text)));
        lingering.send(utf8("first"), 0);
        assertThat(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("first");
        await().atMost(WAIT).until(registration::lingering, (count) -> count == 1);
        dispatcher.register(new TestReceiver(quiet, 1, (text, priority) -> received.add(text)));
        quiet.send(utf8("quiet"), 0);
        assertThat(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS))
            .as("served long before the linger of %s ends", LONG_LINGER).isEqualTo("quiet");
        lingering.send(utf8("again"), 0);
        assertThat(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("again");
    }

    @Test
    void stopFinishesTheMessageInHandThenEnds() throws Exception {
        PosixMqDispatcher dispatcher = dispatcher(1, 2);
        PosixMq mq = queue("stop");
        CountDownLatch inHand = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        TestReceiver receiver = new TestReceiver(mq, 1, (text, priority) -> {
            inHand.countDown();
            awaitLatch(release);
            received.add(text);
        });
        PosixMqDispatcher.Registration registration = dispatcher.register(receiver);
        mq.send(utf8("slow"), 0);
        assertThat(inHand.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        mq.send(utf8("left in the queue"), 0);
        registration.stop();
        assertThat(registration.isEnded()).isFalse();
        assertThat(registration.receivers()).as("the message in hand").isEqualTo(1);
        release.countDown();
        assertThat(receiver.ended.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(received.poll()).isEqualTo("slow");
        assertThat(mq.currentMessages()).as("nothing received after the stop").isEqualTo(1);
        assertThat(registration.receivers()).isZero();

        // a new registration of the same descriptor receives what was left
        dispatcher.register(new TestReceiver(mq, 1, (text, priority) -> received.add(text)));
        assertThat(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("left in the queue");
    }

    @Test
    void aWorkerFailureOutsideTheFlowIsCountedAndTheQueueGoesOn() throws Exception {
        PosixMqDispatcher dispatcher = dispatcher(1, 2);
        PosixMq mq = queue("worker");
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        TestReceiver receiver = new TestReceiver(mq, 1, (text, priority) -> {
            if (text.equals("boom")) {
                throw new StackOverflowError("thrown by the test");
            }
            received.add(text);
        });
        dispatcher.register(receiver);
        mq.send(utf8("boom"), 0);
        mq.send(utf8("after"), 0);
        assertThat(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("after");
        assertThat(receiver.restarts).hasValue(1);
    }

    @Test
    void aSelectorThreadThatEndsUnexpectedlyIsRestartedAndCounted() throws Exception {
        PosixMqDispatcher dispatcher = dispatcher(1, 2);
        PosixMq mq = queue("selector");
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        TestReceiver receiver = new TestReceiver(mq, 2, (text, priority) -> received.add(text));
        PosixMqDispatcher.Registration registration = dispatcher.register(receiver);
        mq.send(utf8("before"), 0);
        assertThat(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("before");
        assertThat(registration.receivers()).isEqualTo(2);
        dispatcher.loops()[0].failNextRound(new NoClassDefFoundError("thrown by the test"));
        await().atMost(WAIT).until(() -> receiver.restarts.get() == 1);
        mq.send(utf8("after"), 0);
        assertThat(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("after");
        await().atMost(WAIT).until(registration::receivers, (count) -> count == 2);
    }

    @Test
    void closingTheQueueEndsItsRegistrationAndLeavesTheOthersReceiving() throws Exception {
        PosixMqDispatcher dispatcher = dispatcher(1, 2);
        PosixMq closed = queue("closed");
        PosixMq other = queue("other");
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        TestReceiver closing = new TestReceiver(closed, 1, (text, priority) -> received.add(text));
        dispatcher.register(closing);
        dispatcher.register(new TestReceiver(other, 1, (text, priority) -> received.add(text)));
        closed.close();
        assertThat(closing.ended.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        other.send(utf8("still"), 0);
        assertThat(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("still");
    }

    @Test
    void aSupplierThatSwitchesDescriptorsIsFollowed() throws Exception {
        PosixMqDispatcher dispatcher = dispatcher(1, 2);
        String name = this.names.name("follow");
        PosixMq first = OpenOptions.readWrite().create().capacity(4).maxMessageSize(64).open(name);
        java.util.concurrent.atomic.AtomicReference<PosixMq> current = new java.util.concurrent.atomic.AtomicReference<>(first);
        PosixMqQueueSupplier supplier = new PosixMqQueueSupplier() {
            @Override
            public PosixMq get() {
                return current.get();
            }

            @Override
            public String queueName() {
                return name;
            }
        };
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        TestReceiver receiver = new TestReceiver(supplier, 1, (text, priority) -> received.add(text));
        dispatcher.register(receiver);
        PosixMq second = OpenOptions.readWrite().existing().open(name);
        this.opened.add(second);
        current.set(second);
        first.close();
        second.send(utf8("on the new descriptor"), 0);
        assertThat(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("on the new descriptor");
        assertThat(receiver.ended.getCount()).isEqualTo(1);
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** A receiver handing each message's text and priority to a callback. */
    private static final class TestReceiver implements PosixMqDispatcher.Receiver {

        private final PosixMqQueueSupplier queue;

        private final int concurrency;

        private final BiConsumer<String, Integer> handler;

        final CountDownLatch ended = new CountDownLatch(1);

        final AtomicInteger restarts = new AtomicInteger();

        TestReceiver(PosixMq queue, int concurrency, BiConsumer<String, Integer> handler) {
            this(PosixMqQueueSupplier.of(queue), concurrency, handler);
        }

        TestReceiver(PosixMqQueueSupplier queue, int concurrency, BiConsumer<String, Integer> handler) {
            this.queue = queue;
            this.concurrency = concurrency;
            this.handler = handler;
        }

        @Override
        public PosixMqQueueSupplier queue() {
            return this.queue;
        }

        @Override
        public int concurrency() {
            return this.concurrency;
        }

        @Override
        public void deliver(ByteBuffer message, int priority) {
            this.handler.accept(StandardCharsets.UTF_8.decode(message).toString(), priority);
        }

        @Override
        public void ended() {
            this.ended.countDown();
        }

        @Override
        public void restarted(String why) {
            this.restarts.incrementAndGet();
        }

        @Override
        public String owner() {
            return "test receiver of " + this.queue.queueName();
        }
    }
}
