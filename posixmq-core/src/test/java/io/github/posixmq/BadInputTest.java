package io.github.posixmq;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import io.github.posixmq.internal.Bindings;
import io.github.posixmq.internal.Linux;
import io.github.posixmq.internal.MqBinding;
import io.github.posixmq.internal.Scratch;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every kind of bad input gets a typed exception that names the queue and the limit, and changes nothing. */
class BadInputTest {

    /** Linux's HARD_MSGMAX and HARD_MSGSIZEMAX: not even CAP_SYS_RESOURCE may go above them. */
    private static final long HARD_MSGMAX = 65536;
    private static final long HARD_MSGSIZEMAX = 16 * 1024 * 1024;

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        queues.close();
    }

    static Stream<Arguments> invalidNames() {
        return Stream.of(arguments("", "must not be empty"), arguments("/", "must not be empty"),
                arguments("/.", "is reserved"), arguments(".", "is reserved"), arguments("/..", "is reserved"),
                arguments("..", "is reserved"), arguments("a/b", "contains a '/'"), arguments("/a/b", "contains a '/'"),
                arguments("/a/", "contains a '/'"), arguments("//a", "contains a '/'"),
                arguments("/a\0b", "contains a NUL byte"), arguments("a\0", "contains a NUL byte"),
                arguments("/" + "x".repeat(256), "256 bytes long"), arguments("x".repeat(1000), "1000 bytes long"),
                arguments("/" + "\u00e9".repeat(128), "256 bytes long"));
    }

    @ParameterizedTest
    @MethodSource("invalidNames")
    void invalidNameIsRejectedByEveryEntryPoint(String name, String reason) {
        List<ThrowingCallable> entryPoints = List.of(() -> QueueNames.normalize(name),
                () -> OpenOptions.readWrite().create().capacity(1).maxMessageSize(16).open(name),
                () -> OpenOptions.readOnly().open(name), () -> PosixMq.create(name), () -> PosixMq.open(name),
                () -> PosixMq.unlink(name), () -> PosixMq.unlinkIfExists(name));
        for (ThrowingCallable entryPoint : entryPoints) {
            assertThatThrownBy(entryPoint).isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(reason);
        }
        assertThat(QueueNames.isValid(name)).isFalse();
    }

    @Test
    void nameWithAnUnpairedSurrogateIsRejectedInsteadOfAliasingAnotherQueue() {
        String name = queues.name("alias");
        String lookalike = queues.track(name + "?");
        try (PosixMq other = OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(16).open(lookalike)) {
            // UTF-8 cannot encode a lone surrogate: encoding would turn it into '?' and open the queue above
            for (String malformed : List.of(name + "\uD800", name + "\uDC00", name + "\uDE00\uD83D")) {
                assertThatThrownBy(() -> OpenOptions.readWrite().open(malformed))
                        .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
                assertThat(QueueNames.isValid(malformed)).isFalse();
            }
            assertThat(other.currentMessages()).isZero();
        }
        String emoji = queues.track(queues.name("emoji") + "\uD83D\uDE00");
        try (PosixMq mq = OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(16).open(emoji)) {
            assertThat(mq.name()).as("a proper surrogate pair is fine").isEqualTo(emoji);
        }
    }

    @Test
    void nullNameIsRejected() {
        assertThatThrownBy(() -> OpenOptions.readWrite().create().open(null))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be null");
        assertThatThrownBy(() -> PosixMq.unlink(null)).isExactlyInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nameOfExactly255BytesWorksInAsciiAndUtf8() {
        String ascii = queues.name("n");
        ascii = ascii + "x".repeat(256 - ascii.length());
        String utf8 = queues.name("u");
        int asciiPart = utf8.length() - 1;
        utf8 = utf8 + "\u00e9".repeat((255 - asciiPart) / 2) + "y".repeat((255 - asciiPart) % 2);
        for (String name : List.of(ascii, utf8)) {
            assertThat(name.substring(1).getBytes(StandardCharsets.UTF_8)).hasSize(255);
            try (PosixMq mq = OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(16).open(name)) {
                mq.send(new byte[] {42}, 3);
                assertThat(mq.receive()).isEqualTo(new Message(3, new byte[] {42}));
                assertThat(mq.name()).isEqualTo(name);
            }
            try (PosixMq again = PosixMq.open(name.substring(1))) {
                assertThat(again.name()).as("the name without its slash opens the same queue").isEqualTo(name);
            }
            PosixMq.unlink(name);
            assertThatThrownBy(() -> QueueNames.normalize(name + "z")).hasMessageContaining("256 bytes long")
                    .hasMessageContaining("255");
        }
    }

    /** The three ways to pass a message: array, heap buffer (copied) and direct buffer (sent in place). */
    static Stream<Arguments> sendPaths() {
        Function<byte[], ByteBuffer> direct = bytes -> ByteBuffer.allocateDirect(bytes.length + 8).position(8)
                .put(bytes).flip().position(8);
        return Stream.of(arguments("byte[]", null), arguments("heap", (Function<byte[], ByteBuffer>) ByteBuffer::wrap),
                arguments("direct", direct));
    }

    @ParameterizedTest
    @MethodSource("sendPaths")
    void messageOfExactlyMaxSizeIsSentAndOneByteMoreIsRejected(String path, Function<byte[], ByteBuffer> toBuffer) {
        String name = queues.name("size");
        try (PosixMq mq = OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(100).open(name)) {
            byte[] max = pattern(100);
            byte[] tooLarge = pattern(101);
            ThrowingCallable refused;
            if (toBuffer == null) {
                mq.send(max, 1);
                refused = () -> mq.trySend(tooLarge, 1);
            }
            else {
                ByteBuffer fits = toBuffer.apply(max);
                mq.send(fits, 1);
                assertThat(fits.hasRemaining()).as("a sent buffer is consumed").isFalse();
                ByteBuffer big = toBuffer.apply(tooLarge);
                int position = big.position();
                refused = () -> {
                    try {
                        mq.trySend(big, 1);
                    }
                    finally {
                        assertThat(big.position()).as("a refused buffer keeps its position").isEqualTo(position);
                    }
                };
            }
            assertThatThrownBy(refused).as(path).isInstanceOf(MessageTooLargeException.class)
                    .hasMessageContaining("message of 101 bytes").hasMessageContaining("max message size 100")
                    .hasMessageContaining(name).hasMessageContaining("/proc/sys/fs/mqueue/msgsize_max");
            assertThat(mq.currentMessages()).as("only the message that fits was queued").isEqualTo(1);
            Message received = mq.receive();
            assertThat(received.priority()).isEqualTo(1);
            assertThat(received.bytes()).isEqualTo(max);
        }
    }

    @Test
    void oversizedMessageIsRejectedOnEverySendVariant() {
        String name = queues.name("size2");
        try (PosixMq mq = OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(16).open(name)) {
            byte[] big = new byte[17];
            List<ThrowingCallable> sends = List.of(() -> mq.send(big, 0), () -> mq.trySend(big, 0),
                    () -> mq.send(big, 0, Duration.ofSeconds(1)), () -> mq.sendUntil(big, 0, Instant.now().plusSeconds(1)),
                    () -> mq.send(ByteBuffer.wrap(big), 0), () -> mq.trySend(ByteBuffer.allocateDirect(17), 0),
                    () -> mq.send(ByteBuffer.wrap(big), 0, Duration.ofSeconds(1)),
                    () -> mq.sendUntil(ByteBuffer.wrap(big), 0, Instant.now().plusSeconds(1)));
            for (ThrowingCallable send : sends) {
                assertThatThrownBy(send).isInstanceOf(MessageTooLargeException.class)
                        .hasMessageContaining("17 bytes").hasMessageContaining("16").hasMessageContaining(name)
                        .satisfies(ex -> assertThat(((PosixMqException) ex).queueName()).isEqualTo(name));
            }
            assertThat(mq.currentMessages()).isZero();
        }
    }

    static Stream<Arguments> attributeLimits() {
        SystemLimits limits = SystemLimits.read();
        LongFunction<OpenOptions> capacity = value -> OpenOptions.readWrite().createNew().capacity(value).maxMessageSize(16);
        LongFunction<OpenOptions> size = value -> OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(value);
        return Stream.of(arguments("capacity", limits.msgMax(), HARD_MSGMAX, "msg_max", capacity,
                        (ToLongFunction<PosixMq>) PosixMq::capacity),
                arguments("max message size", limits.msgsizeMax(), HARD_MSGSIZEMAX, "msgsize_max", size,
                        (ToLongFunction<PosixMq>) PosixMq::maxMessageSize));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attributeLimits")
    void attributeAboveItsLimitNamesTheProcFileAndItsValue(String attribute, long limit, long hardLimit, String file,
            LongFunction<OpenOptions> options, ToLongFunction<PosixMq> actual) {
        if (Host.hasCapability(Host.CAP_SYS_RESOURCE)) {
            // CAP_SYS_RESOURCE lifts msg_max and msgsize_max up to the hard limits: the kernel's trust model, not a bug
            try (PosixMq mq = options.apply(limit + 1).open(queues.name("limit"))) {
                assertThat(actual.applyAsLong(mq)).isEqualTo(limit + 1);
            }
        }
        else {
            assertLimitExceeded(options, limit + 1, attribute, file, limit);
        }
        String name = assertLimitExceeded(options, hardLimit + 1, attribute, file, limit);
        assertThatThrownBy(() -> options.apply(hardLimit + 1).open(name))
                .as("no advice beyond what the kernel allows").hasMessageContaining("hard limit " + hardLimit)
                .hasMessageNotContaining("=" + (hardLimit + 1));
        assertThatThrownBy(() -> options.apply(4294967295L).open(name)).hasMessageContaining("hard limit " + hardLimit)
                .hasMessageNotContaining("4294967295;").hasMessageNotContaining("=4294967295");
    }

    private String assertLimitExceeded(LongFunction<OpenOptions> options, long value, String attribute, String file,
            long limit) {
        String name = queues.name("limit");
        assertThatThrownBy(() -> options.apply(value).open(name)).isInstanceOf(QueueLimitExceededException.class)
                .hasMessageContaining(name).hasMessageContaining(attribute + " " + value + " exceeds")
                .hasMessageContaining("/proc/sys/fs/mqueue/" + file + " (" + limit + ")")
                .satisfies(ex -> assertThat(((PosixMqException) ex).errnoName()).isEqualTo("EINVAL"));
        assertThat(PosixMq.unlinkIfExists(name)).as("nothing was created").isFalse();
        return name;
    }

    @Test
    void negativeSizesAndModesAreRejectedBeforeOpening() {
        assertThatThrownBy(() -> OpenOptions.readWrite().capacity(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> OpenOptions.readWrite().maxMessageSize(-5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-5");
        assertThatThrownBy(() -> OpenOptions.readWrite().creation(null)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Every way to receive into a buffer, so each is checked against a buffer that is too small. */
    static Stream<Arguments> bufferReceives() {
        return Stream.of(arguments("receive", (BufferReceive) PosixMq::receive),
                arguments("tryReceive", (BufferReceive) PosixMq::tryReceive),
                arguments("receive(timeout)", (BufferReceive) (mq, b) -> mq.receive(b, Duration.ofSeconds(5))),
                arguments("receiveUntil", (BufferReceive) (mq, b) -> mq.receiveUntil(b, Instant.now().plusSeconds(5))));
    }

    interface BufferReceive {
        int receive(PosixMq mq, ByteBuffer buffer);
    }

    @ParameterizedTest
    @MethodSource("bufferReceives")
    void tooSmallOrReadOnlyReceiveBufferIsRejectedAndTheMessageStaysQueued(String variant, BufferReceive receive) {
        String name = queues.name("buf");
        try (PosixMq mq = OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(64).open(name)) {
            mq.send(pattern(64), 7);
            List<ByteBuffer> bad = List.of(ByteBuffer.allocate(63), ByteBuffer.allocateDirect(63),
                    ByteBuffer.allocate(100).position(37), ByteBuffer.allocateDirect(100).limit(50));
            for (ByteBuffer buffer : bad) {
                int position = buffer.position();
                assertThatThrownBy(() -> receive.receive(mq, buffer)).as(variant + " into " + buffer)
                        .isExactlyInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(buffer.remaining() + " bytes remaining")
                        .hasMessageContaining("up to 64 bytes").hasMessageContaining(name);
                assertThat(buffer.position()).isEqualTo(position);
            }
            assertThatThrownBy(() -> receive.receive(mq, ByteBuffer.allocate(64).asReadOnlyBuffer()))
                    .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only buffer");
            assertThatThrownBy(() -> receive.receive(mq, null)).isExactlyInstanceOf(IllegalArgumentException.class);
            assertThat(mq.currentMessages()).as("nothing was consumed").isEqualTo(1);

            ByteBuffer exact = ByteBuffer.allocate(100).position(36);
            assertThat(receive.receive(mq, exact)).isEqualTo(7);
            assertThat(Arrays.copyOfRange(exact.array(), 36, 100)).isEqualTo(pattern(64));
        }
    }

    @Test
    void sendingOnAReadOnlyAndReceivingOnAWriteOnlyDescriptorIsDeniedWithTheKernelsEbadf() {
        String name = queues.name("access");
        try (PosixMq owner = OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(16).open(name);
                PosixMq readOnly = OpenOptions.readOnly().open(name);
                PosixMq writeOnly = OpenOptions.writeOnly().open(name)) {
            assertThat(readOnly.canSend()).isFalse();
            assertThat(writeOnly.canReceive()).isFalse();
            byte[] m = {1};
            List<ThrowingCallable> sends = List.of(() -> readOnly.send(m, 0), () -> readOnly.trySend(m, 0),
                    () -> readOnly.send(m, 0, Duration.ofSeconds(1)),
                    () -> readOnly.sendUntil(m, 0, Instant.now().plusSeconds(1)),
                    () -> readOnly.send(ByteBuffer.wrap(m), 0), () -> readOnly.trySend(ByteBuffer.allocateDirect(1), 0));
            sends.forEach(send -> assertDenied(send, name, "opened read-only"));
            assertThat(owner.currentMessages()).as("nothing was sent").isZero();

            owner.send(m, 4);
            ByteBuffer buffer = ByteBuffer.allocate(16);
            List<ThrowingCallable> receives = List.of(writeOnly::receive, writeOnly::tryReceive,
                    () -> writeOnly.receive(Duration.ofSeconds(1)),
                    () -> writeOnly.receiveUntil(Instant.now().plusSeconds(1)), () -> writeOnly.receive(buffer),
                    () -> writeOnly.tryReceive(buffer), () -> writeOnly.drain().iterator().hasNext(),
                    () -> writeOnly.stream().findFirst());
            receives.forEach(receive -> assertDenied(receive, name, "opened write-only"));
            assertThat(owner.receive()).as("nothing was consumed").isEqualTo(new Message(4, m));

            // the errno the exceptions carry is the one the kernel gives for the same calls
            MqBinding binding = Bindings.instance();
            Scratch scratch = Scratch.get();
            try {
                scratch.messageBuffer(16);
                assertThat(binding.mqTimedsend(binding.handleOf(readOnly.fileDescriptor()), scratch.messageAddress(), 1,
                        0, Scratch.EXPIRED_DEADLINE)).isEqualTo(-1);
                assertThat(binding.lastErrno()).isEqualTo(Linux.EBADF);
                assertThat(binding.mqTimedreceive(binding.handleOf(writeOnly.fileDescriptor()), scratch.messageAddress(),
                        16, scratch.priority(), Scratch.EXPIRED_DEADLINE)).isEqualTo(-1);
                assertThat(binding.lastErrno()).isEqualTo(Linux.EBADF);
            }
            finally {
                scratch.releaseMessageBuffer();
            }
        }
    }

    private static void assertDenied(ThrowingCallable call, String name, String reason) {
        assertThatThrownBy(call).isExactlyInstanceOf(QueueDirectionException.class)
                .isNotInstanceOf(QueueAccessDeniedException.class).hasMessageContaining(name)
                .hasMessageContaining(reason).hasMessageContaining("EBADF")
                .satisfies(ex -> assertThat(((PosixMqException) ex).queueName()).isEqualTo(name))
                .satisfies(ex -> assertThat(((PosixMqException) ex).errno()).isEqualTo(Linux.EBADF));
    }

    @Test
    void invalidPrioritiesTimeoutsAndNullsAreRejectedBeforeTheSystemCall() {
        String name = queues.name("args");
        try (PosixMq mq = OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(16).open(name)) {
            for (int priority : new int[] {-1, PosixMq.MQ_PRIO_MAX, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
                assertThatThrownBy(() -> mq.send(new byte[1], priority)).isExactlyInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("priority").hasMessageContaining(String.valueOf(priority))
                        .hasMessageContaining(name);
            }
            List<ThrowingCallable> calls = List.of(() -> mq.send(new byte[1], 0, Duration.ofNanos(-1)),
                    () -> mq.send(new byte[1], 0, null), () -> mq.receive(Duration.ofMillis(-1)),
                    () -> mq.receive((Duration) null), () -> mq.sendUntil(new byte[1], 0, null),
                    () -> mq.receiveUntil((Instant) null), () -> mq.send((byte[]) null, 0),
                    () -> mq.send((ByteBuffer) null, 0), () -> mq.registerNotification(null));
            calls.forEach(call -> assertThatThrownBy(call).isExactlyInstanceOf(IllegalArgumentException.class));
            assertThat(mq.currentMessages()).isZero();
            mq.send(new byte[] {9}, PosixMq.MQ_PRIO_MAX - 1);
            assertThat(mq.receive().priority()).isEqualTo(PosixMq.MQ_PRIO_MAX - 1);
        }
    }

    private static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }
}
