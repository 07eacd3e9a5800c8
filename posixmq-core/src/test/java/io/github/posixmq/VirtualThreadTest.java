package io.github.posixmq;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Virtual threads blocked in send, receive and select park on posixmq's poller instead of pinning their carrier, so
 * other virtual threads keep running. Without the poller the first two blocked threads (on a 2-core machine) pin
 * both carriers and nothing else runs: each test here then fails at its "another virtual thread runs" step.
 *
 * <p>How many: {@link #THREADS} (1,000) virtual threads, more than any carrier pool (as many carriers as cores, at most
 * 256), spread round-robin over as many tiny queues as the limits leave room for, at most {@link #MAX_QUEUES} (64).
 * A queue of capacity 1 and 16-byte messages charges about 100 bytes to the user's {@code RLIMIT_MSGQUEUE} (819,200
 * bytes by default, room for thousands), so the binding limit is {@code /proc/sys/fs/mqueue/queues_max} (256 by
 * default): it counts every queue of every user in the IPC namespace, and other test runs on the same host need
 * theirs, so a test takes a quarter of it at most and fewer if opening fails with a limit.
 *
 * <p>Times: "promptly" is {@link #PROMPTLY} (5 s), far above what a working poller needs (milliseconds) and far below
 * "never"; no test asserts a tight time. Java 17-20 have no virtual threads: every test is skipped there.
 */
class VirtualThreadTest {

    /** {@code Thread.startVirtualThread(Runnable)} (Java 21+), or null: the tests compile for Java 17. */
    private static final @Nullable MethodHandle START_VIRTUAL = startVirtualHandle();

    private static final int THREADS = 1_000;
    private static final int MAX_QUEUES = 64;
    private static final int MIN_QUEUES = 4;
    private static final Duration PROMPTLY = Duration.ofSeconds(5);
    /** How long 1,000 virtual threads may take to start and park on a loaded machine. */
    private static final Duration SETTLE = Duration.ofSeconds(Integer.getInteger("posixmq.vt.settle", 60));

    private final TestQueues queues = new TestQueues();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    @BeforeEach
    void requireVirtualThreads() {
        assumeTrue(START_VIRTUAL != null, "virtual threads need Java 21 or later; this JVM is Java "
                + Runtime.version());
    }

    @AfterEach
    void closeAndRemove() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close(); // wakes anything still blocked, on today's code too
        }
        for (Thread thread : threads) {
            thread.join(PROMPTLY.toMillis());
        }
        queues.close();
    }

    // ---------------------------------------------------------------- receive

    @Test
    void receiversParkedOnEmptyQueuesLeaveTheCarriersFreeAndEachReturnsAMessageSentToItsQueue() throws Exception {
        PosixMq other = tinyQueue("other");
        List<PosixMq> tiny = tinyQueues("recv");
        List<Task<Message>> receivers = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            PosixMq queue = tiny.get(i % tiny.size());
            receivers.add(virtual(queue::receive));
        }
        awaitParked(receivers, "receivers on empty queues");

        assertAnotherVirtualThreadSends(other);

        // release every receiver: this platform thread sends one message per receiver (capacity 1: each send waits
        // until a receiver took the one before)
        Map<String, Integer> sent = new HashMap<>();
        for (int i = 0; i < THREADS; i++) {
            PosixMq queue = tiny.get(i % tiny.size());
            String text = "q" + (i % tiny.size()) + "-" + i;
            queue.send(bytes(text), 0);
            sent.put(text, i % tiny.size());
        }
        Set<String> received = new HashSet<>();
        for (int i = 0; i < THREADS; i++) {
            String text = new String(result(receivers.get(i), "receiver " + i).bytes(), StandardCharsets.UTF_8);
            assertThat(sent.get(text)).as("receiver %d on queue %d got %s", i, i % tiny.size(), text)
                    .isEqualTo(i % tiny.size());
            assertThat(received.add(text)).as("message %s received twice", text).isTrue();
        }
        assertThat(received).hasSize(THREADS);
        closeAll();
        assertPollerWatchesNothing();
    }

    // ---------------------------------------------------------------- send

    @Test
    void sendersParkedOnFullQueuesLeaveTheCarriersFreeAndEveryMessageArrives() throws Exception {
        PosixMq other = tinyQueue("other");
        List<PosixMq> tiny = tinyQueues("send");
        Set<String> expected = new HashSet<>();
        for (int q = 0; q < tiny.size(); q++) {
            tiny.get(q).send(bytes("fill" + q), 0);
            expected.add("fill" + q);
        }
        List<Task<Boolean>> senders = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            PosixMq queue = tiny.get(i % tiny.size());
            String text = "s" + i;
            expected.add(text);
            senders.add(virtual(() -> {
                queue.send(bytes(text), 0);
                return true;
            }));
        }
        awaitParked(senders, "senders on full queues");

        assertAnotherVirtualThreadSends(other);

        Set<String> received = new HashSet<>();
        for (int q = 0; q < tiny.size(); q++) {
            int messages = 1 + (THREADS - q + tiny.size() - 1) / tiny.size();
            for (int m = 0; m < messages; m++) {
                received.add(new String(tiny.get(q).receive().bytes(), StandardCharsets.UTF_8));
            }
        }
        for (int i = 0; i < THREADS; i++) {
            assertThat(result(senders.get(i), "sender " + i)).isTrue();
        }
        assertThat(received).isEqualTo(expected);
        closeAll();
        assertPollerWatchesNothing();
    }

    // ---------------------------------------------------------------- timed

    @Test
    void timedReceiveAndSendHonourTheirDeadlineWhileOtherVirtualThreadsRun() throws Exception {
        PosixMq other = tinyQueue("other");
        List<PosixMq> empty = tinyQueues("timed");
        PosixMq full = tinyQueue("full");
        full.send(bytes("fill"), 0);
        Duration timeout = Duration.ofSeconds(3);
        List<Task<Long>> receivers = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            PosixMq queue = empty.get(i % empty.size());
            receivers.add(virtual(() -> {
                long start = System.nanoTime();
                Optional<Message> message = queue.receive(timeout);
                assertThat(message).isEmpty();
                return System.nanoTime() - start;
            }));
        }
        List<Task<Long>> senders = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            senders.add(virtual(() -> {
                long start = System.nanoTime();
                assertThat(full.send(bytes("late"), 0, timeout)).isFalse();
                return System.nanoTime() - start;
            }));
        }

        // more than there are carriers are waiting (all of them, usually): without the poller they would pin them all
        int carriers = Runtime.getRuntime().availableProcessors();
        awaitParked(receivers, Math.min(THREADS, 4 * carriers), "timed receivers on empty queues");
        assertAnotherVirtualThreadSends(other);

        List<Task<Long>> all = new ArrayList<>(receivers);
        all.addAll(senders);
        long[] late = new long[all.size()];
        for (int i = 0; i < late.length; i++) {
            long elapsed = all.get(i).result().get(timeout.plus(SETTLE).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(Duration.ofNanos(elapsed)).as("a timed call returned before its deadline")
                    .isGreaterThanOrEqualTo(timeout);
            late[i] = elapsed - timeout.toNanos();
        }
        // reported, not asserted: a loaded machine may be late by more than a quiet one
        java.util.Arrays.sort(late);
        System.out.printf("VirtualThreadTest: %d timed calls on virtual threads, all expiring together, returned "
                + "%.1f ms (median) and %.1f ms (last) after their deadline (binding %s, load %.2f)%n", late.length,
                late[late.length / 2] / 1e6, late[late.length - 1] / 1e6, SystemLimits.binding(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        assertThat(full.currentMessages()).isEqualTo(1);
        closeAll();
        assertPollerWatchesNothing();
    }

    // ---------------------------------------------------------------- select

    @Test
    void selectParkedOnManySelectorsLeavesTheCarriersFreeAndReturnsTheReadyQueue() throws Exception {
        PosixMq other = tinyQueue("other");
        List<PosixMq> tiny = tinyQueues("select");
        List<PosixMqSelector> selectors = new ArrayList<>();
        for (PosixMq queue : tiny) {
            PosixMqSelector selector = PosixMqSelector.open();
            resources.add(selector);
            selector.register(queue, PosixMqSelector.READABLE, queue.name());
            selectors.add(selector);
        }
        // several threads per selector: one selects, the others wait for the selector's lock (parked as well)
        List<Task<List<PosixMqSelector.Key>>> selecting = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            PosixMqSelector selector = selectors.get(i % selectors.size());
            selecting.add(virtual(selector::select));
        }
        awaitParked(selecting, "threads in select()");

        assertAnotherVirtualThreadSends(other);

        for (PosixMq queue : tiny) {
            queue.send(bytes("ready"), 0); // level-triggered: every select on its selector sees it
        }
        for (int i = 0; i < THREADS; i++) {
            List<PosixMqSelector.Key> keys = result(selecting.get(i), "select " + i);
            assertThat(keys).as("select %d", i).hasSize(1);
            assertThat(keys.get(0).queue()).isSameAs(tiny.get(i % tiny.size()));
            assertThat(keys.get(0).isReadable()).isTrue();
        }

        // wakeup() and a deadline end a parked select too
        PosixMqSelector first = selectors.get(0);
        tiny.get(0).receive();
        Task<List<PosixMqSelector.Key>> woken = virtual(first::select);
        awaitParked(List.of(woken), "select() before wakeup()");
        first.wakeup();
        assertThat(result(woken, "select after wakeup()")).isEmpty();
        Task<List<PosixMqSelector.Key>> timed = virtual(() -> first.select(Duration.ofMillis(300)));
        assertThat(result(timed, "select(300 ms)")).isEmpty();
        closeAll();
        assertPollerWatchesNothing();
    }

    // ---------------------------------------------------------------- close

    @Test
    void closeWakesEveryParkedReceiverSenderAndSelectPromptly() throws Exception {
        PosixMq other = tinyQueue("other");
        List<PosixMq> tiny = tinyQueues("close");
        int half = tiny.size() / 2;
        PosixMqSelector selector = PosixMqSelector.open();
        resources.add(selector);
        List<Task<?>> blocked = new ArrayList<>();
        for (int q = half; q < tiny.size(); q++) {
            tiny.get(q).send(bytes("fill"), 0);
        }
        for (int i = 0; i < THREADS; i++) {
            int q = i % tiny.size();
            PosixMq queue = tiny.get(q);
            blocked.add(q < half ? virtual(queue::receive) : virtual(() -> {
                queue.send(bytes("more"), 0);
                return true;
            }));
        }
        selector.register(tiny.get(0), PosixMqSelector.READABLE, null);
        Task<List<PosixMqSelector.Key>> selecting = virtual(selector::select);
        blocked.add(selecting);
        awaitParked(blocked, "receivers, senders and a select");

        assertAnotherVirtualThreadSends(other);

        for (PosixMq queue : tiny) {
            queue.close();
        }
        selector.close();
        for (Task<?> task : blocked) {
            if (task == selecting) {
                assertThat(result(selecting, "select")).isEmpty();
                continue;
            }
            try {
                task.result().get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
                fail("a call parked on a queue closed under it returned normally");
            }
            catch (ExecutionException ex) {
                assertThat(ex.getCause()).isInstanceOf(QueueClosedException.class);
            }
            catch (TimeoutException ex) {
                fail("a virtual thread parked on a closed queue did not return within " + PROMPTLY);
            }
        }
        closeAll();
        assertPollerWatchesNothing();
    }

    // ---------------------------------------------------------------- interrupt

    /** What a call returned and whether the thread's interrupt status was set afterwards. */
    private record Outcome(Object value, boolean interrupted) {
    }

    @Test
    void interruptDoesNotEndAParkedCallAndStaysSetAsOnAPlatformThread() throws Exception {
        PosixMq queue = tinyQueue("interrupt");
        Callable<Outcome> receive = () -> {
            Message message = queue.receive();
            return new Outcome(new String(message.bytes(), StandardCharsets.UTF_8),
                    Thread.currentThread().isInterrupted());
        };

        Task<Outcome> virtual = virtual(receive);
        awaitParked(List.of(virtual), "receiver before the interrupt");
        virtual.thread().interrupt();
        // it keeps waiting (parked again, not spinning): only the message ends the call
        awaitParked(List.of(virtual), "receiver after the interrupt");
        assertThat(virtual.result()).isNotDone();
        queue.send(bytes("after"), 0);
        Outcome onVirtual = result(virtual, "interrupted virtual receiver");

        Task<Outcome> platform = platform(receive);
        platform.thread().interrupt();
        queue.send(bytes("after"), 0);
        Outcome onPlatform = result(platform, "interrupted platform receiver");

        assertThat(onVirtual).isEqualTo(new Outcome("after", true)).isEqualTo(onPlatform);

        // a timed receive keeps its deadline when interrupted, and a select keeps waiting
        Task<Outcome> timed = virtual(() -> {
            Thread.currentThread().interrupt();
            return new Outcome(queue.receive(Duration.ofMillis(200)), Thread.currentThread().isInterrupted());
        });
        assertThat(result(timed, "interrupted timed receive")).isEqualTo(new Outcome(Optional.empty(), true));
        try (PosixMqSelector selector = PosixMqSelector.open()) {
            selector.register(queue, PosixMqSelector.READABLE, null);
            Task<Outcome> selecting = virtual(() -> new Outcome(selector.select().size(),
                    Thread.currentThread().isInterrupted()));
            awaitParked(List.of(selecting), "select before the interrupt");
            selecting.thread().interrupt();
            awaitParked(List.of(selecting), "select after the interrupt");
            assertThat(selecting.result()).isNotDone();
            queue.send(bytes("ready"), 0);
            assertThat(result(selecting, "interrupted select")).isEqualTo(new Outcome(1, true));
        }
        queue.close();
        assertPollerWatchesNothing();
    }

    // ---------------------------------------------------------------- helpers

    /** A started thread and what its body returned or threw. */
    private record Task<T>(Thread thread, CompletableFuture<T> result) {
    }

    private <T> Task<T> virtual(Callable<T> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread;
        try {
            thread = (Thread) START_VIRTUAL.invokeExact(runnable(body, result));
        }
        catch (Throwable ex) {
            throw new AssertionError("cannot start a virtual thread", ex);
        }
        threads.add(thread);
        return new Task<>(thread, result);
    }

    private <T> Task<T> platform(Callable<T> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(runnable(body, result), "platform-receiver");
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
        return new Task<>(thread, result);
    }

    private static <T> Runnable runnable(Callable<T> body, CompletableFuture<T> result) {
        return () -> {
            try {
                result.complete(body.call());
            }
            catch (Throwable ex) {
                result.completeExceptionally(ex);
            }
        };
    }

    /** Waits until every task's thread is parked; fails at once when one ended. */
    private static void awaitParked(List<? extends Task<?>> tasks, String what) {
        awaitParked(tasks, tasks.size(), what);
    }

    /** Waits until at least {@code count} of the tasks' threads are parked; fails at once when one ended. */
    private static void awaitParked(List<? extends Task<?>> tasks, int count, String what) {
        try {
            await().atMost(SETTLE).pollInterval(Duration.ofMillis(20))
                    .until(() -> tasks.size() - notParkedCount(tasks, what) >= count);
        }
        catch (ConditionTimeoutException ex) {
            Thread running = notParked(tasks, what);
            AssertionError error = new AssertionError("not " + count + " of " + tasks.size() + " " + what
                    + " parked within " + SETTLE + ": " + running + " is "
                    + (running == null ? "?" : running.getState()) + " (pinned in a native call, or never scheduled because others pin every carrier); its stack "
                    + "is this error's");
            if (running != null) {
                error.setStackTrace(running.getStackTrace());
            }
            throw error;
        }
    }

    private static long notParkedCount(List<? extends Task<?>> tasks, String what) {
        long count = 0;
        for (Task<?> task : tasks) {
            if (notParked(List.of(task), what) != null) {
                count++;
            }
        }
        return count;
    }

    /** A thread of {@code tasks} that is not parked, or null; fails at once when one ended. */
    private static @Nullable Thread notParked(List<? extends Task<?>> tasks, String what) {
        for (Task<?> task : tasks) {
            if (task.result().isDone()) {
                throw new AssertionError(what + ": a thread ended before it was released: "
                        + task.result().handle((value, ex) -> ex != null ? ex : value).join());
            }
            Thread.State state = task.thread().getState();
            if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
                return task.thread();
            }
        }
        return null;
    }

    /** The check each test exists for: with every other virtual thread blocked, one more still runs promptly. */
    private void assertAnotherVirtualThreadSends(PosixMq other) throws Exception {
        Task<Boolean> sender = virtual(() -> other.trySend(bytes("ping"), 0));
        try {
            assertThat(sender.result().get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        }
        catch (TimeoutException ex) {
            fail("another virtual thread did not get to run within " + PROMPTLY + ": the blocked virtual threads "
                    + "pin every carrier thread");
        }
        assertThat(other.tryReceive()).map(Message::bytes).contains(bytes("ping"));
    }

    private static <T> T result(Task<T> task, String what) throws Exception {
        try {
            return task.result().get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException ex) {
            throw new AssertionError(what + " did not return within " + PROMPTLY + " (" + task.thread() + " is "
                    + task.thread().getState() + ")");
        }
    }

    /** Tiny queues, as many as the limits leave room for up to {@link #MAX_QUEUES} (see the class comment). */
    private List<PosixMq> tinyQueues(String hint) {
        long queuesMax = SystemLimits.read().queuesMax();
        int wanted = (int) Math.min(MAX_QUEUES, queuesMax > 0 ? queuesMax / 4 : MAX_QUEUES);
        List<PosixMq> opened = new ArrayList<>();
        for (int i = 0; i < wanted; i++) {
            try {
                opened.add(tinyQueue(hint + i));
            }
            catch (QueueLimitExceededException ex) {
                break; // other users' queues or this user's byte budget took the rest
            }
        }
        assumeTrue(opened.size() >= MIN_QUEUES, "only " + opened.size() + " queues could be created (queues_max "
                + queuesMax + ", shared with every user); this test needs " + MIN_QUEUES);
        return opened;
    }

    private PosixMq tinyQueue(String hint) {
        PosixMq queue = OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(16).open(queues.name(hint));
        resources.add(queue);
        return queue;
    }

    private void closeAll() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    /**
     * Nothing stays in the poller's epoll set once every call returned: the last waiter removes a descriptor before
     * it lets go of it, so a closed (and maybe reused) descriptor number is never watched.
     */
    private static void assertPollerWatchesNothing() throws IOException {
        VirtualThreadPoller poller = VirtualThreadPoller.get();
        assertThat(poller).isNotNull();
        List<String> watched = Files.readAllLines(Path.of("/proc/self/fdinfo/" + poller.epollDescriptor())).stream()
                .filter(line -> line.startsWith("tfd:")).toList();
        assertThat(watched).as("descriptors still in the poller's epoll set").isEmpty();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static @Nullable MethodHandle startVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findStatic(Thread.class, "startVirtualThread",
                    MethodType.methodType(Thread.class, Runnable.class));
        }
        catch (ReflectiveOperationException ex) {
            return null;
        }
    }
}
