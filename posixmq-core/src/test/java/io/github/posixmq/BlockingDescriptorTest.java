package io.github.posixmq;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The kernel descriptor is blocking or non-blocking exactly as opened: a C program that inherits it blocks in plain
 * {@code mq_receive}, try-operations still return at once, and the flag is the open description's, shared with
 * {@code duplicate()}.
 */
class BlockingDescriptorTest {

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        queues.close();
    }

    @Test
    void theKernelFlagIsWhatTheQueueWasOpenedWithAndSetNonBlockingChangesItForEveryCopy() {
        String name = queues.name("flag");
        try (PosixMq blocking = OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(16).open(name);
                PosixMq nonBlocking = OpenOptions.readWrite().nonBlocking(true).open(name);
                PosixMq copy = blocking.duplicate()) {
            assertThat(blocking.attributes().nonBlocking()).isFalse();
            assertThat(blocking.isNonBlocking()).isFalse();
            assertThat(nonBlocking.attributes().nonBlocking()).isTrue();
            assertThat(copy.isNonBlocking()).isFalse();

            blocking.setNonBlocking(true);
            assertThat(copy.attributes().nonBlocking()).as("dup shares the open description").isTrue();
            assertThat(copy.isNonBlocking()).isTrue();
            assertThatThrownBy(copy::receive).isInstanceOf(QueueWouldBlockException.class)
                    .satisfies(ex -> assertThat(((PosixMqException) ex).errnoName()).isEqualTo("EAGAIN"));
            copy.setNonBlocking(false);
            assertThat(blocking.isNonBlocking()).isFalse();
            blocking.close();
            assertThat(blocking.isNonBlocking()).as("the last value seen, once closed").isFalse();
        }
    }

    @Test
    void tryOperationsReturnAtOnceOnBlockingAndNonBlockingDescriptors() {
        String name = queues.name("try");
        try (PosixMq blocking = OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(16).open(name);
                PosixMq nonBlocking = OpenOptions.readWrite().nonBlocking(true).open(name)) {
            for (PosixMq mq : List.of(blocking, nonBlocking)) {
                assertThat(mq.tryReceive()).as("%s empty", mq).isEmpty();
                assertThat(mq.receive(Duration.ofMillis(1))).as("%s empty, timed", mq).isEmpty();
                assertThat(mq.trySend(utf8("a"), 1)).as("%s has room", mq).isTrue();
                assertThat(mq.trySend(utf8("b"), 1)).as("%s full", mq).isFalse();
                assertThat(mq.send(utf8("b"), 1, Duration.ofMillis(1))).as("%s full, timed", mq).isFalse();
                assertThat(mq.tryReceive()).map(Message::utf8).contains("a");
            }
        }
    }

    @Test
    void aBlockingReceiveOfAnyLengthWaitsForTheMessage() throws Exception {
        String name = queues.name("long");
        try (PosixMq mq = OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(16).open(name)) {
            Duration forever = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
            CompletableFuture<Optional<Message>> waiting = CompletableFuture.supplyAsync(() -> mq.receive(forever));
            mq.send(utf8("late"), 3);
            assertThat(waiting.get(30, TimeUnit.SECONDS)).as("not clamped to nothing").contains(new Message(3, utf8("late")));
        }
    }

    @Test
    void aCChildThatInheritsTheDescriptorBlocksInMqReceive(@TempDir Path tmp) throws Exception {
        withChild(tmp, false, (mq, reply, pid) -> {
            assertThat(reply.receive(Duration.ofSeconds(60)).map(Message::utf8)).contains("READY nonblock=0");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                    .until(() -> sleepingInMqReceive(pid));
            mq.send(utf8("hello child"), 2);
            assertThat(reply.receive(Duration.ofSeconds(60)).map(Message::utf8)).contains("GOT hello child");
        });
    }

    @Test
    void aCChildThatInheritsANonBlockingDescriptorGetsEagain(@TempDir Path tmp) throws Exception {
        withChild(tmp, true, (mq, reply, pid) -> {
            assertThat(reply.receive(Duration.ofSeconds(60)).map(Message::utf8)).contains("READY nonblock=1");
            assertThat(reply.receive(Duration.ofSeconds(60)).map(Message::utf8)).contains("ERR mq_receive 11");
        });
    }

    interface ChildCheck {
        void check(PosixMq inherited, PosixMq reply, int pid) throws Exception;
    }

    /** Starts the C child on a queue opened with closeOnExec(false), runs {@code check}, and reaps the child. */
    private void withChild(Path tmp, boolean nonBlocking, ChildCheck check) throws Exception {
        Path child = compileChild(tmp);
        String replyName = queues.name("reply");
        try (PosixMq reply = OpenOptions.readWrite().createNew().capacity(4).maxMessageSize(256).open(replyName);
                PosixMq mq = OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(64).closeOnExec(false)
                        .nonBlocking(nonBlocking).open(queues.name("inherited"))) {
            int pid = spawn(child, mq.fileDescriptor(), replyName);
            try {
                check.check(mq, reply, pid);
                assertThat(reap(pid)).as("exit status of the C child").isZero();
            }
            finally {
                kill(pid);
            }
        }
    }

    private static Path compileChild(Path tmp) throws IOException, InterruptedException {
        Optional<Path> gcc = Host.tool("gcc");
        assumeThat(gcc).as("gcc is needed to build the C child (.ci/run installs it)").isPresent();
        Path source = Path.of("src/test/c/mq_child.c").toAbsolutePath();
        Path binary = tmp.resolve("mq_child");
        Process cc = new ProcessBuilder(gcc.get().toString(), "-O2", "-o", binary.toString(), source.toString(), "-lrt")
                .redirectErrorStream(true).start();
        String output = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cc.waitFor()).as("gcc: %s", output).isZero();
        return binary;
    }

    /** posix_spawn keeps every descriptor without close-on-exec open in the child (ProcessBuilder closes them). */
    private static int spawn(Path program, int fd, String replyName) {
        IntByReference pid = new IntByReference();
        String[] argv = {program.toString(), Integer.toString(fd), replyName};
        int result = LibC.INSTANCE.posix_spawn(pid, program.toString(), null, null, argv, new String[0]);
        assertThat(result).as("posix_spawn").isZero();
        return pid.getValue();
    }

    /** Whether the process sleeps in {@code mq_timedreceive} (glibc's mq_receive), per /proc. */
    private static boolean sleepingInMqReceive(int pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        char state = stat.charAt(stat.lastIndexOf(')') + 2);
        if (state != 'S') {
            return false;
        }
        try {
            String syscall = Files.readString(Path.of("/proc/" + pid + "/syscall")).trim().split(" ")[0];
            return syscall.equals(Platform.ARCH.equals("x86-64") ? "243" : "183");
        }
        catch (IOException ex) {
            return true; // /proc/pid/syscall needs CONFIG_HAVE_ARCH_TRACEHOOK; sleeping after READY is the receive
        }
    }

    private static int reap(int pid) {
        IntByReference status = new IntByReference();
        assertThat(LibC.INSTANCE.waitpid(pid, status, 0)).isEqualTo(pid);
        int raw = status.getValue();
        return (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f);
    }

    private static void kill(int pid) {
        ProcessHandle.of(pid).ifPresent(handle -> {
            handle.destroyForcibly();
            LibC.INSTANCE.waitpid(pid, new IntByReference(), 0);
        });
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The libc calls to start and reap a child without closing inherited descriptors. */
    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attributes, String[] argv,
                String[] envp);

        int waitpid(int pid, IntByReference status, int options);
    }
}
