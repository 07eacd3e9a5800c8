package io.github.posixmq.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.Attributes;
import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.SystemLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the CLI in-process against real kernel queues. */
class PosixMqCliTest {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final List<String> queues = new ArrayList<>();

    @TempDir
    Path tempDir;

    @AfterEach
    void removeQueues() {
        queues.forEach(PosixMq::unlinkIfExists);
    }

    private String queue(String hint) {
        String name = "/posixmq-cli-test-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + "-" + hint;
        queues.add(name);
        return name;
    }

    /** Creates a small queue through the CLI itself. */
    private String createdQueue(String hint) {
        String name = queue(hint);
        assertThat(cli("create", name, "--capacity", "3", "--max-message-size", "128").code).isZero();
        return name;
    }

    private Result cli(String... args) {
        return cliWithInput(new byte[0], args);
    }

    private Result cliWithInput(byte[] stdin, String... args) {
        return cliIn(Path.of("/dev/mqueue"), stdin, args);
    }

    private Result cliIn(Path mqueueDir, byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PosixMqCli cli = new PosixMqCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(stdin), mqueueDir);
        int code = cli.run(List.of(args));
        return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    record Result(int code, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    // ---------------------------------------------------------------- help and usage

    @Test
    void helpGoesToStdoutWithExitZero() {
        Result help = cli("--help");
        assertThat(help.code).isEqualTo(PosixMqCli.OK);
        assertThat(help.out()).contains("Usage: posixmq-cli COMMAND", "receive QUEUE", "Exit codes");
        assertThat(help.stderr).isEmpty();

        Result sendHelp = cli("send", "--help");
        assertThat(sendHelp.code).isZero();
        assertThat(sendHelp.out()).contains("Usage: posixmq-cli send QUEUE MESSAGE", "--priority");
        assertThat(cli("help", "receive").out()).contains("--show-priority");
    }

    @Test
    void usageErrorsExitTwoWithTheReasonOnStderr() {
        assertThat(cli().code).isEqualTo(PosixMqCli.USAGE);
        Result unknown = cli("frobnicate");
        assertThat(unknown.code).isEqualTo(PosixMqCli.USAGE);
        assertThat(unknown.stderr).contains("unknown command 'frobnicate'");
        assertThat(unknown.stdout).isEmpty();

        assertThat(cli("send", "/q").stderr).contains("expected a queue name and a message");
        assertThat(cli("send", "/q", "m", "--priority", "40000").stderr).contains("--priority must be between 0 and 32767");
        assertThat(cli("send", "/q", "m", "--priority").stderr).contains("--priority needs a value");
        assertThat(cli("receive", "/q", "--timeout", "soon").stderr).contains("--timeout must be a duration");
        assertThat(cli("create", "/q", "--mode", "999").stderr).contains("--mode must be octal");
        assertThat(cli("create", "/q", "--colour", "red").stderr).contains("unknown option --colour");
        assertThat(cli("stat", "/a/b").stderr).contains("contains a '/' after the leading one");
        assertThat(cli("receive", "/q", "--raw", "--show-priority").stderr).contains("cannot be combined");
        for (String[] args : List.of(new String[] {"send", "/q"}, new String[] {"receive", "/q", "--count", "-1"},
                new String[] {"rm"}, new String[] {"stat", "/a/b"}, new String[] {"list", "extra"})) {
            Result result = cli(args);
            assertThat(result.code).as(String.join(" ", args)).isEqualTo(PosixMqCli.USAGE);
            assertThat(result.stderr).contains("--help");
        }
    }

    // ---------------------------------------------------------------- create, stat, rm

    @Test
    void createMakesTheQueueWithTheGivenAttributes() {
        String name = queue("create");
        Result created = cli("create", name, "--capacity", "4", "--max-message-size", "100", "--mode", "0640");
        assertThat(created.code).isZero();
        assertThat(created.stderr).isEmpty();
        try (PosixMq mq = OpenOptions.readOnly().open(name)) {
            Attributes attributes = mq.attributes();
            assertThat(attributes.capacity()).isEqualTo(4);
            assertThat(attributes.maxMessageSize()).isEqualTo(100);
        }

        Result again = cli("create", name);
        assertThat(again.code).isEqualTo(PosixMqCli.FAILURE);
        assertThat(again.stderr).contains(name, "already exists");
    }

    @Test
    void createAboveTheSystemLimitNamesTheLimit() {
        String name = queue("toobig");
        // above the kernel's hard ceiling (65536), so even CAP_SYS_RESOURCE cannot create it
        Result result = cli("create", name, "--capacity", "100000", "--max-message-size", "64");
        assertThat(result.code).isEqualTo(PosixMqCli.FAILURE);
        assertThat(result.stderr).contains(name, "/proc/sys/fs/mqueue/msg_max");
    }

    @Test
    void statPrintsAttributesAndCurrentMessages() {
        String name = createdQueue("stat");
        try (PosixMq mq = OpenOptions.writeOnly().open(name)) {
            mq.send("x".getBytes(StandardCharsets.UTF_8), 1);
        }
        Result stat = cli("stat", name);
        assertThat(stat.code).isZero();
        assertThat(stat.out()).contains(name, "messages:          1", "capacity:          3",
                "max message size:  128 bytes");

        String missing = queue("missing");
        Result partly = cli("stat", name, missing);
        assertThat(partly.code).isEqualTo(PosixMqCli.FAILURE);
        assertThat(partly.out()).contains("capacity:          3");
        assertThat(partly.stderr).contains(missing, "does not exist");
    }

    @Test
    void rmRemovesQueuesAndForceIgnoresMissingOnes() {
        String first = createdQueue("rm1");
        String second = createdQueue("rm2");
        assertThat(cli("rm", first, second).code).isZero();
        assertThat(cli("stat", first).code).isEqualTo(PosixMqCli.FAILURE);

        Result missing = cli("rm", first);
        assertThat(missing.code).isEqualTo(PosixMqCli.FAILURE);
        assertThat(missing.stderr).contains(first, "does not exist");
        assertThat(cli("rm", "--force", first, second).code).isZero();
    }

    // ---------------------------------------------------------------- send and receive

    @Test
    void receivePrintsMessagesHighestPriorityFirst() {
        String name = createdQueue("prio");
        assertThat(cli("send", name, "low").code).isZero();
        assertThat(cli("send", name, "high", "--priority", "9").code).isZero();
        assertThat(cli("send", name, "--priority=5", "--", "-middle").code).isZero();

        Result received = cli("receive", name, "--count", "3", "--show-priority");
        assertThat(received.code).isZero();
        assertThat(received.out()).isEqualTo("9\thigh\n5\t-middle\n0\tlow\n");
        assertThat(received.stderr).isEmpty();
    }

    @Test
    void stdinBytesTravelUnchangedAndRawWritesThemExactly() {
        String name = createdQueue("raw");
        byte[] binary = {0, (byte) 0xff, '\n', (byte) 0xc3, 'x'};
        assertThat(cliWithInput(binary, "send", name, "-", "--priority", "3").code).isZero();
        try (PosixMq mq = OpenOptions.readOnly().open(name)) {
            assertThat(mq.attributes().currentMessages()).isEqualTo(1);
        }
        Result received = cli("receive", name, "--raw");
        assertThat(received.code).isZero();
        assertThat(received.stdout).isEqualTo(binary);
    }

    @Test
    void receiveTimeoutOnAnEmptyQueueExitsThree() {
        String name = createdQueue("empty");
        Result result = cli("receive", name, "--timeout", "50ms");
        assertThat(result.code).isEqualTo(PosixMqCli.TIMEOUT);
        assertThat(result.stdout).isEmpty();
        assertThat(result.stderr).contains(name, "no message arrived", "50ms");
    }

    @Test
    void receiveCountZeroDrainsUntilTheTimeout() {
        String name = createdQueue("drain");
        cli("send", name, "a");
        cli("send", name, "b");
        Result drained = cli("receive", name, "--count", "0", "--timeout", "0");
        assertThat(drained.code).isZero();
        assertThat(drained.out()).isEqualTo("a\nb\n");

        Result partial = cli("send", name, "c");
        assertThat(partial.code).isZero();
        Result fewer = cli("receive", name, "--count", "2", "--timeout", "0");
        assertThat(fewer.code).isEqualTo(PosixMqCli.TIMEOUT);
        assertThat(fewer.out()).isEqualTo("c\n");
        assertThat(fewer.stderr).contains("1 of 2 received");
    }

    @Test
    void receiveWithoutTimeoutWaitsForTheNextMessage() throws Exception {
        String name = createdQueue("wait");
        CompletableFuture<Result> receiver = CompletableFuture.supplyAsync(() -> cli("receive", name));
        try (PosixMq mq = OpenOptions.writeOnly().open(name)) {
            mq.send("late".getBytes(StandardCharsets.UTF_8), 2);
        }
        Result received = receiver.get(30, TimeUnit.SECONDS);
        assertThat(received.code).isZero();
        assertThat(received.out()).isEqualTo("late\n");
    }

    @Test
    void sendOnAFullQueueWaitsUpToTheTimeoutThenExitsThree() {
        String name = createdQueue("full");
        for (int i = 0; i < 3; i++) {
            assertThat(cli("send", name, "m" + i, "--timeout", "0").code).isZero();
        }
        Result full = cli("send", name, "overflow", "--timeout", "20ms");
        assertThat(full.code).isEqualTo(PosixMqCli.TIMEOUT);
        assertThat(full.stderr).contains(name, "stayed full (3 messages)", "nothing was sent");
        try (PosixMq mq = OpenOptions.readOnly().open(name)) {
            assertThat(mq.drainStream().map(Message::utf8)).containsExactly("m0", "m1", "m2");
        }
    }

    @Test
    void sendFailuresNameTheQueue() {
        String missing = queue("nosuch");
        Result notThere = cli("send", missing, "hello");
        assertThat(notThere.code).isEqualTo(PosixMqCli.FAILURE);
        assertThat(notThere.stderr).contains(missing, "does not exist");

        String name = createdQueue("small");
        Result tooLarge = cli("send", name, "x".repeat(129));
        assertThat(tooLarge.code).isEqualTo(PosixMqCli.FAILURE);
        assertThat(tooLarge.stderr).contains(name, "129 bytes", "128");
    }

    @Test
    void receiveEscapesControlCharactersAndBytesThatAreNotUtf8() {
        String name = createdQueue("escape");
        byte[] hostile = concat("ok \u001b[2J\u001b]0;title\u0007 a\rb\nc\td\u007f e\u009b1m f\\g \u202eh \u2028 é😀 ",
                new byte[] {(byte) 0xff, (byte) 0xc0, (byte) 0xaf, (byte) 0xed, (byte) 0xa0, (byte) 0x80, 0});
        try (PosixMq mq = OpenOptions.writeOnly().open(name)) {
            mq.send(hostile, 4);
            mq.send(hostile, 2);
        }
        String escaped = "ok \\x1b[2J\\x1b]0;title\\x07 a\\rb\\nc\\td\\x7f e\\xc2\\x9b1m f\\\\g \\xe2\\x80\\xaeh "
                + "\\xe2\\x80\\xa8 é😀 \\xff\\xc0\\xaf\\xed\\xa0\\x80\\x00";
        Result shown = cli("receive", name, "--show-priority");
        assertThat(shown.code).isZero();
        assertThat(shown.out()).isEqualTo("4\t" + escaped + "\n");
        Result plain = cli("receive", name);
        assertThat(plain.out()).isEqualTo(escaped + "\n");
        // printf %b (or bash $'...') turns the escaped line back into the message's bytes
        assertThat(unescape(escaped)).isEqualTo(hostile);
    }

    @Test
    void escapingIsReversibleForAnyBytes() {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 5000; i++) {
            byte[] bytes = new byte[random.nextInt(24)];
            random.nextBytes(bytes);
            String escaped = Printable.of(bytes);
            assertThat(escaped.codePoints()).as(escaped).allMatch(c -> c >= 0x20 && c != 0x7f && (c < 0x80 || c > 0x9f));
            assertThat(unescape(escaped)).as(escaped).isEqualTo(bytes);
        }
    }

    private static byte[] concat(String text, byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bytes);
        return out.toByteArray();
    }

    /** What {@code printf '%b'} makes of an escaped line. */
    private static byte[] unescape(String escaped) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < escaped.length(); i++) {
            int c = escaped.codePointAt(i);
            if (c != '\\') {
                out.writeBytes(Character.toString(c).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(c) - 1;
                continue;
            }
            char next = escaped.charAt(++i);
            switch (next) {
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case '\\' -> out.write('\\');
                case 'x' -> {
                    out.write(Integer.parseInt(escaped.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new AssertionError("unknown escape \\" + next + " in " + escaped);
            }
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- list and limits

    @Test
    void listEscapesNamesSoAQueueNameCannotForgeRows() {
        // a real queue whose name ends a row, hides the rest with ESC[8m (concealed text) and starts a forged one
        String forged = "/orders 999 999 8192 0 0600 root";
        String name = queue("x\n" + forged.substring(1) + "\u001b[8m\r\u007f\u009b\\");
        try (PosixMq mq = OpenOptions.readOnly().createNew().capacity(1).maxMessageSize(16).open(name)) {
            assertThat(mq.capacity()).isEqualTo(1);
        }
        Result listed = cli("list");
        assertThat(listed.code).isZero();
        String escapedName = Printable.of(name);
        assertThat(escapedName).endsWith("-x\\n" + forged.substring(1) + "\\x1b[8m\\r\\x7f\\xc2\\x9b\\\\");
        assertThat(listed.out().lines()).anySatisfy(line -> assertThat(line).startsWith(escapedName + " ")
                .contains(" 0600 "));
        assertThat(listed.out().lines()).noneSatisfy(line -> assertThat(line).startsWith(forged.substring(0, 8)));
        assertThat(listed.stdout).doesNotContain((byte) 0x1b, (byte) '\r', (byte) 0x7f);

        Result raw = cli("list", "--raw");
        assertThat(raw.code).isZero();
        assertThat(raw.out()).contains(name.substring(0, name.indexOf('\n') + 1) + forged.substring(1) + "\u001b[8m");

        Result stat = cli("stat", name);
        assertThat(stat.out().lines().findFirst()).hasValue(escapedName);
    }


    @Test
    void listExplainsHowToMountWhenDevMqueueIsMissing() {
        Result result = cliIn(tempDir.resolve("not-mounted"), new byte[0], "list");
        assertThat(result.code).isEqualTo(PosixMqCli.FAILURE);
        assertThat(result.stderr).contains("is not mounted", "mkdir -p /dev/mqueue && mount -t mqueue none /dev/mqueue");
    }

    @Test
    void listShowsEachQueueOfTheMountedDirectory() throws IOException {
        String name = createdQueue("listed");
        try (PosixMq mq = OpenOptions.writeOnly().open(name)) {
            mq.send("hello".getBytes(StandardCharsets.UTF_8), 0);
        }
        // the directory the kernel would show at /dev/mqueue, with the real queue's entry
        Path dir = Files.createDirectory(tempDir.resolve("mqueue"));
        Path entry = Files.writeString(dir.resolve(name.substring(1)),
                "QSIZE:5          NOTIFY:0     SIGNO:0     NOTIFY_PID:0\n");
        Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString("rw-r-----"));
        Files.writeString(dir.resolve("not-a-queue-" + ProcessHandle.current().pid()), "QSIZE:0\n");

        Result result = cliIn(dir, new byte[0], "list");
        assertThat(result.code).isZero();
        List<String> lines = result.out().lines().toList();
        assertThat(lines.get(0)).contains("NAME", "MESSAGES", "CAPACITY", "MSGSIZE", "BYTES", "MODE", "OWNER");
        assertThat(lines).anySatisfy(line -> assertThat(line.split("\\s+"))
                .containsExactly(name, "1", "3", "128", "5", "0640", Files.getOwner(entry).getName()));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("/not-a-queue-").contains(" - "));
    }

    @Test
    void limitsShowsTheValuesInForceAndHowToRaiseThem() {
        SystemLimits limits = SystemLimits.read();
        Result result = cli("limits");
        assertThat(result.code).isZero();
        assertThat(result.out()).containsPattern("msg_max\\s+" + limits.msgMax() + "\\s")
                .containsPattern("msgsize_max\\s+" + limits.msgsizeMax() + "\\s")
                .contains("sysctl -w fs.mqueue.msg_max", "ulimit -q", "LimitMSGQUEUE");
    }

    @Test
    void durationsAcceptUnitsAndIso8601() {
        Arguments args = Arguments.parse("t", List.of("--a", "500ms", "--b=2.5", "--c", "1m", "--d", "PT5S", "--e", "3s"),
                java.util.Set.of("a", "b", "c", "d", "e"), java.util.Set.of());
        assertThat(args.duration("a")).isEqualTo(Duration.ofMillis(500));
        assertThat(args.duration("b")).isEqualTo(Duration.ofMillis(2500));
        assertThat(args.duration("c")).isEqualTo(Duration.ofMinutes(1));
        assertThat(args.duration("d")).isEqualTo(Duration.ofSeconds(5));
        assertThat(args.duration("e")).isEqualTo(Duration.ofSeconds(3));
        assertThat(args.duration("missing")).isNull();
    }
}
