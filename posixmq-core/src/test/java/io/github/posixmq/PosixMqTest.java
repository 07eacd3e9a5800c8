package io.github.posixmq;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PosixMqTest {

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        queues.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void sendsAndReceivesInPriorityOrder() {
        try (PosixMq mq = OpenOptions.readWrite().create().capacity(5).maxMessageSize(128).open(queues.name("prio"))) {
            mq.send(utf8("low"), 1);
            mq.send(utf8("high"), 9);
            mq.send(utf8("mid"), 5);
            mq.send(utf8("mid2"), 5);
            assertThat(mq.receive()).isEqualTo(new Message(9, utf8("high")));
            assertThat(mq.receive().utf8()).isEqualTo("mid");
            assertThat(mq.receive().utf8()).isEqualTo("mid2");
            assertThat(mq.receive().priority()).isEqualTo(1);
            assertThat(mq.tryReceive()).isEmpty();
        }
    }

    @Test
    void attributesReflectCreationAndContents() {
        try (PosixMq mq = OpenOptions.readWrite().create().capacity(3).maxMessageSize(100).open(queues.name("attr"))) {
            mq.send(new byte[0], 0);
            Attributes attributes = mq.attributes();
            assertThat(attributes).isEqualTo(new Attributes(3, 100, 1, false));
            assertThat(mq.receive().bytes()).isEmpty();
        }
    }

    @Test
    void onlyCapacityFillsMessageSizeFromSystemDefault() {
        SystemLimits limits = SystemLimits.read();
        try (PosixMq mq = OpenOptions.readWrite().create().capacity(2).open(queues.name("fill"))) {
            assertThat(mq.capacity()).isEqualTo(2);
            assertThat(mq.maxMessageSize()).isEqualTo(limits.msgsizeDefault());
        }
        try (PosixMq mq = OpenOptions.readWrite().create().maxMessageSize(64).open(queues.name("fill2"))) {
            assertThat(mq.capacity()).isEqualTo(limits.msgDefault());
            assertThat(mq.maxMessageSize()).isEqualTo(64);
        }
    }

    @Test
    void byteBufferPathsDirectAndHeap() {
        try (PosixMq mq = OpenOptions.readWrite().create().capacity(4).maxMessageSize(64).open(queues.name("buf"))) {
            ByteBuffer direct = ByteBuffer.allocateDirect(64);
            direct.put(utf8("direct")).flip();
            mq.send(direct, 3);
            assertThat(direct.hasRemaining()).isFalse();
            mq.send(ByteBuffer.wrap(utf8("xxheap"), 2, 4), 2);

            ByteBuffer in = ByteBuffer.allocateDirect(80);
            in.position(10);
            assertThat(mq.receive(in)).isEqualTo(3);
            assertThat(in.position()).isEqualTo(16);
            byte[] got = new byte[6];
            in.flip().position(10);
            in.get(got);
            assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("direct");

            ByteBuffer heap = ByteBuffer.allocate(64);
            assertThat(mq.tryReceive(heap)).isEqualTo(2);
            assertThat(new String(heap.array(), 0, heap.position(), StandardCharsets.UTF_8)).isEqualTo("heap");
            assertThat(mq.tryReceive(ByteBuffer.allocate(64))).isEqualTo(PosixMq.NO_MESSAGE);
        }
    }

    @Test
    void smallReceiveBufferIsRejectedBeforeTheSystemCall() {
        try (PosixMq mq = OpenOptions.readWrite().create().capacity(2).maxMessageSize(64).open(queues.name("small"))) {
            mq.send(utf8("x"), 0);
            assertThatThrownBy(() -> mq.receive(ByteBuffer.allocate(63)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("63 bytes remaining").hasMessageContaining("64 bytes");
            assertThat(mq.currentMessages()).isEqualTo(1);
        }
    }

    @Test
    void trySendReturnsFalseWhenFullAndTimedSendTimesOut() {
        try (PosixMq mq = OpenOptions.readWrite().create().capacity(1).maxMessageSize(16).open(queues.name("full"))) {
            assertThat(mq.trySend(utf8("a"), 0)).isTrue();
            assertThat(mq.trySend(utf8("b"), 0)).isFalse();
            assertThat(mq.send(utf8("b"), 0, Duration.ofMillis(20))).isFalse();
            assertThat(mq.sendUntil(utf8("b"), 0, Instant.now().plusMillis(20))).isFalse();
            assertThat(mq.receive().utf8()).isEqualTo("a");
            assertThat(mq.receive(Duration.ofMillis(20))).isEmpty();
            assertThat(mq.receiveUntil(Instant.now().plusMillis(5))).isEmpty();
        }
    }

    @Test
    void blockedReceiverGetsMessageFromAnotherThread() throws Exception {
        try (PosixMq mq = OpenOptions.readWrite().create().capacity(2).maxMessageSize(16).open(queues.name("block"))) {
            CompletableFuture<Message> received = CompletableFuture.supplyAsync(mq::receive);
            mq.send(utf8("wake"), 4);
            assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(new Message(4, utf8("wake")));
        }
    }

    @Test
    void closeWakesBlockedReceiverAndSender() throws Exception {
        String name = queues.name("close");
        PosixMq mq = OpenOptions.readWrite().create().capacity(1).maxMessageSize(16).open(name);
        PosixMq full = OpenOptions.readWrite().open(name);
        full.send(utf8("x"), 0);
        PosixMq empty = OpenOptions.readWrite().create().capacity(1).maxMessageSize(16).open(queues.name("close2"));
        CompletableFuture<Object> receiver = CompletableFuture.supplyAsync(empty::receive);
        CompletableFuture<Object> sender = CompletableFuture.supplyAsync(() -> {
            full.send(utf8("y"), 0);
            return "sent";
        });
        Thread.onSpinWait();
        empty.close();
        full.close();
        assertThatThrownBy(() -> receiver.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(QueueClosedException.class);
        assertThatThrownBy(() -> sender.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(QueueClosedException.class);
        empty.close();
        assertThatThrownBy(() -> empty.send(utf8("z"), 0)).isInstanceOf(QueueClosedException.class)
                .hasMessageContaining("close2");
        assertThat(mq.receive().utf8()).isEqualTo("x");
        mq.close();
    }

    @Test
    void errorsAreTypedAndNameTheQueue() {
        String missing = queues.name("missing");
        assertThatThrownBy(() -> PosixMq.open(missing)).isInstanceOf(QueueNotFoundException.class)
                .hasMessageContaining(missing).satisfies(ex -> assertThat(((PosixMqException) ex).errnoName()).isEqualTo("ENOENT"));
        String name = queues.name("exists");
        try (PosixMq first = OpenOptions.readWrite().createNew().open(name)) {
            assertThatThrownBy(() -> OpenOptions.readWrite().createNew().open(name))
                    .isInstanceOf(QueueAlreadyExistsException.class).hasMessageContaining(name);
            assertThatThrownBy(() -> first.send(new byte[(int) first.maxMessageSize() + 1], 0))
                    .isInstanceOf(MessageTooLargeException.class).hasMessageContaining(name)
                    .hasMessageContaining(String.valueOf(first.maxMessageSize()))
                    .satisfies(ex -> assertThat(((PosixMqException) ex).errnoName()).isEqualTo("EMSGSIZE"));
        }
        try (PosixMq readOnly = OpenOptions.readOnly().open(name)) {
            assertThatThrownBy(() -> readOnly.send(utf8("x"), 0)).isInstanceOf(QueueDirectionException.class)
                    .hasMessageContaining("read-only")
                    .satisfies(ex -> assertThat(((PosixMqException) ex).errnoName()).isEqualTo("EBADF"));
        }
        long msgMax = SystemLimits.read().msgMax();
        assertThatThrownBy(() -> OpenOptions.readWrite().create().capacity(msgMax + 1).open(queues.name("big")))
                .isInstanceOf(QueueLimitExceededException.class)
                .hasMessageContaining("/proc/sys/fs/mqueue/msg_max").hasMessageContaining("(" + msgMax + ")");
    }

    @Test
    void closedWinsOverTheAccessCheck() {
        String name = queues.name("closedro");
        try (PosixMq owner = PosixMq.create(name)) {
            PosixMq readOnly = OpenOptions.readOnly().open(name);
            PosixMq writeOnly = OpenOptions.writeOnly().open(name);
            readOnly.close();
            writeOnly.close();
            assertThatThrownBy(() -> readOnly.send(utf8("x"), 0)).isInstanceOf(QueueClosedException.class);
            assertThatThrownBy(writeOnly::tryReceive).isInstanceOf(QueueClosedException.class);
        }
    }

    @Test
    void tellsWhenTheNameWasUnlinkedUnderAnOpenDescriptor() {
        String name = queues.name("unlinked");
        try (PosixMq mq = PosixMq.create(name)) {
            assertThat(mq.isUnlinked()).isFalse();
            PosixMq.unlink(name);
            assertThat(mq.isUnlinked()).isTrue();
            try (PosixMq again = PosixMq.create(name)) {
                assertThat(mq.isUnlinked()).isTrue();
                assertThat(again.isUnlinked()).isFalse();
            }
            mq.close();
            assertThatThrownBy(mq::isUnlinked).isInstanceOf(QueueClosedException.class);
        }
    }

    @Test
    void iteratesAndStreams() {
        try (PosixMq mq = OpenOptions.readWrite().create().capacity(5).maxMessageSize(16).open(queues.name("iter"))) {
            for (int i = 0; i < 5; i++) {
                mq.send(utf8("m" + i), i);
            }
            assertThat(mq.drainStream().map(Message::priority).toList()).containsExactly(4, 3, 2, 1, 0);
            mq.send(utf8("x"), 0);
            int count = 0;
            for (Message m : mq.drain()) {
                count++;
            }
            assertThat(count).isEqualTo(1);
        }
    }

    @Test
    void duplicateAndCloseOnExec() {
        try (PosixMq mq = OpenOptions.readWrite().create().open(queues.name("dup"))) {
            assertThat(mq.isCloseOnExec()).isTrue();
            mq.setCloseOnExec(false);
            assertThat(mq.isCloseOnExec()).isFalse();
            try (PosixMq copy = mq.duplicate()) {
                assertThat(copy.fileDescriptor()).isNotEqualTo(mq.fileDescriptor());
                copy.send(utf8("via copy"), 1);
            }
            assertThat(mq.receive().utf8()).isEqualTo("via copy");
        }
    }

    @Test
    void selectorWakesOnMessageAndOnWakeup() throws Exception {
        try (PosixMq a = OpenOptions.readWrite().create().open(queues.name("selA"));
                PosixMq b = OpenOptions.readWrite().create().open(queues.name("selB"));
                PosixMqSelector selector = PosixMqSelector.open()) {
            selector.register(a, PosixMqSelector.READABLE, "a");
            selector.register(b, PosixMqSelector.READABLE, "b");
            assertThat(selector.selectNow()).isEmpty();
            CompletableFuture<List<PosixMqSelector.Key>> waiting = CompletableFuture.supplyAsync(selector::select);
            b.send(utf8("hi"), 0);
            List<PosixMqSelector.Key> ready = waiting.get(10, TimeUnit.SECONDS);
            assertThat(ready).extracting(PosixMqSelector.Key::attachment).containsExactly("b");
            assertThat(ready.get(0).isReadable()).isTrue();
            b.receive();
            CompletableFuture<List<PosixMqSelector.Key>> woken = CompletableFuture.supplyAsync(selector::select);
            selector.wakeup();
            assertThat(woken.get(10, TimeUnit.SECONDS)).isEmpty();
            PosixMqSelector.Key keyA = selector.keys().stream().filter(k -> "a".equals(k.attachment())).findFirst()
                    .orElseThrow();
            CompletableFuture<List<PosixMqSelector.Key>> closing = CompletableFuture.supplyAsync(selector::select);
            a.close();
            assertThat(closing.get(10, TimeUnit.SECONDS)).isEmpty();
            assertThat(keyA.isValid()).isFalse();
            assertThat(selector.keys()).hasSize(1);
        }
    }

    @Test
    void notificationFiresOnceWhenMessageArrives() throws Exception {
        try (PosixMq mq = OpenOptions.readWrite().create().open(queues.name("notify"));
                PosixMq other = OpenOptions.readWrite().open(mq.name())) {
            CountDownLatch fired = new CountDownLatch(1);
            mq.registerNotification(fired::countDown);
            assertThatThrownBy(() -> other.registerNotification(() -> { }))
                    .satisfies(ex -> assertThat(((PosixMqException) ex).errnoName()).isIn("EBUSY"));
            other.send(utf8("ping"), 0);
            assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
            mq.registerNotification(() -> { });
            assertThatThrownBy(() -> other.registerNotification(() -> { })).isInstanceOf(QueueBusyException.class);
            mq.unregisterNotification();
            // unregistered in the kernel: the process may register again, through any descriptor
            other.registerNotification(() -> { });
            other.unregisterNotification();
        }
    }

    @Test
    void registeringAQueueTwiceWithOneSelectorIsTyped() {
        try (PosixMq a = OpenOptions.readWrite().create().open(queues.name("twice"));
                PosixMqSelector selector = PosixMqSelector.open()) {
            selector.register(a, PosixMqSelector.READABLE, "first");
            assertThatThrownBy(() -> selector.register(a, PosixMqSelector.WRITABLE, "second"))
                    .isExactlyInstanceOf(QueueAlreadyRegisteredException.class).hasMessageContaining(a.name())
                    .hasMessageContaining("setInterest")
                    .satisfies(ex -> assertThat(((PosixMqException) ex).errnoName()).isEqualTo("EEXIST"));
            assertThat(selector.keys()).extracting(PosixMqSelector.Key::attachment).containsExactly("first");
        }
    }

    @Test
    void selectWithTheLongestDurationsWaitsInsteadOfOverflowing() throws Exception {
        try (PosixMq a = OpenOptions.readWrite().create().open(queues.name("longsel"));
                PosixMqSelector selector = PosixMqSelector.open()) {
            selector.register(a, PosixMqSelector.READABLE, "a");
            for (Duration longest : List.of(Duration.ofSeconds(9223372036854775L, 807_000_001),
                    Duration.ofSeconds(Long.MAX_VALUE, 999_999_999), Duration.ofDays(30))) {
                CompletableFuture<List<PosixMqSelector.Key>> waiting = CompletableFuture
                        .supplyAsync(() -> selector.select(longest));
                a.send(utf8("now"), 0);
                assertThat(waiting.get(30, TimeUnit.SECONDS)).as("select(%s) waited for the message", longest)
                        .extracting(PosixMqSelector.Key::attachment).containsExactly("a");
                a.receive();
            }
        }
    }

    @Test
    void statShowsOwnerGroupModeAndIdentityOfTheQueue() throws Exception {
        String name = queues.name("stat");
        try (PosixMq mq = OpenOptions.readWrite().createNew().mode(0640).capacity(1).maxMessageSize(16).open(name);
                PosixMq second = PosixMq.open(name)) {
            QueueStat stat = mq.stat();
            assertThat((long) stat.uid()).isEqualTo(Host.effectiveUid());
            assertThat(stat.mode()).isEqualTo(0640 & ~Host.umask());
            assertThat(stat.grantsBeyond(0600)).isEqualTo((0640 & ~Host.umask() & 0077) != 0);
            assertThat(stat.grantsBeyond(0777)).isFalse();
            assertThat(second.stat().isSameQueue(stat)).isTrue();
            Path file = Path.of("/dev/mqueue", name.substring(1));
            if (Files.exists(file)) {
                assertThat(stat.uid()).isEqualTo(Files.getAttribute(file, "unix:uid"));
                assertThat(stat.gid()).isEqualTo(Files.getAttribute(file, "unix:gid"));
                assertThat(stat.mode()).isEqualTo((Integer) Files.getAttribute(file, "unix:mode") & 07777);
                assertThat(stat.inode()).isEqualTo(Files.getAttribute(file, "unix:ino"));
                assertThat(stat.device()).isEqualTo(Files.getAttribute(file, "unix:dev"));
            }
            PosixMq.unlink(name);
            try (PosixMq replacement = OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(16).open(name)) {
                assertThat(replacement.stat().isSameQueue(stat)).as("a new queue under the old name").isFalse();
                assertThat(replacement.stat().mode()).isEqualTo(0600 & ~Host.umask());
            }
            mq.close();
            assertThatThrownBy(mq::stat).isInstanceOf(QueueClosedException.class);
        }
    }

    @Test
    void namesAreValidatedInJava() {
        assertThat(QueueNames.normalize("orders")).isEqualTo("/orders");
        for (String bad : List.of("", "/", "/.", "/..", "a/b", "/a/b", "a\0b", "x".repeat(256))) {
            assertThatThrownBy(() -> QueueNames.normalize(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(QueueNames.isValid("x".repeat(255))).isTrue();
    }
}
