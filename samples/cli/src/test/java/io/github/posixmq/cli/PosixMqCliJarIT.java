package io.github.posixmq.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the packaged {@code target/posixmq-cli.jar} with {@code java -jar} as separate processes. */
class PosixMqCliJarIT {

    private final String queue = "/posixmq-cli-it-" + ProcessHandle.current().pid();

    @AfterEach
    void removeQueue() {
        PosixMq.unlinkIfExists(queue);
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("posixmq.cli.jar", "target/posixmq-cli.jar"));
        assertThat(jar).as("run 'mvn package' first").exists();
        return jar;
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null")
                .toFile())).start();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("posixmq-cli " + String.join(" ", args) + " finished").isTrue();
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void listAndReceiveInAnotherProcessPrintNoControlBytesUnlessRaw() throws Exception {
        String hostile = queue + "-x\norders 999 999 8192 0 0600 root\u001b[8m";
        try (PosixMq mq = OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(32).open(hostile)) {
            mq.send("a\u001b[2Jb\nc".getBytes(StandardCharsets.UTF_8), 1);
            Run listed = run("list");
            assertThat(listed.code).isZero();
            assertThat(listed.out).contains(queue + "-x\\norders 999 999 8192 0 0600 root\\x1b[8m ")
                    .doesNotContain("\u001b", "\norders 999");
            assertThat(run("list", "--raw").out).contains(hostile);
            Run received = run("receive", hostile);
            assertThat(received.out).isEqualTo("a\\x1b[2Jb\\nc\n");
        }
        finally {
            PosixMq.unlinkIfExists(hostile);
        }
    }

    /**
     * {@code sh -c script} with the jar as {@code $1} and {@code java} as {@code $0}, in the environment of a plain
     * {@code su -}: no {@code LANG} or {@code LC_*} but {@code lang} when given. The script is ASCII; other bytes come
     * from {@code printf} escapes, so the test's own locale does not touch them.
     */
    private static Run shell(String lang, String script) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", script,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), jar().toString());
        builder.environment().keySet().removeIf(key -> key.equals("LANG") || key.equals("LANGUAGE") || key.startsWith("LC_"));
        if (!lang.isEmpty()) {
            builder.environment().put("LANG", lang);
        }
        Process process = builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(script + " finished").isTrue();
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /** {@code printf} octal escapes of the UTF-8 bytes of {@code text}, quoted for the shell. */
    private static String printfBytes(String text) {
        StringBuilder escaped = new StringBuilder("\"$(printf '");
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            escaped.append('\\').append(String.format("%03o", b & 0xff));
        }
        return escaped.append("')\"").toString();
    }

    @Test
    void namesAreBytesWhateverTheLocale() throws Exception {
        String name = queue + "-nb-caf\u00e9-\u65e5";
        OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(32).open(name).close();
        try {
            for (String lang : List.of("", "C", "C.UTF-8")) {
                Run listed = shell(lang, "exec \"$0\" -jar \"$1\" list");
                assertThat(listed.code).as(lang).isZero();
                String line = listed.out.lines().filter(l -> l.startsWith(queue + "-nb-")).findFirst().orElseThrow(
                        () -> new AssertionError("LANG=" + lang + ": no " + name + " in\n" + listed.out + listed.err));
                String printed = line.substring(0, line.indexOf(' '));
                assertThat(printed).as("LANG=" + lang).isEqualTo(name);
                // the printed name, typed back in the same locale, finds the queue
                Run stat = shell(lang, "exec \"$0\" -jar \"$1\" stat " + printfBytes(printed));
                assertThat(stat.code).as("LANG=%s: %s", lang, stat.err).isZero();
                assertThat(stat.out.lines().findFirst()).hasValue(name);
                assertThat(stat.out).contains("capacity:          1", "mode:              0600");
            }
        }
        finally {
            PosixMq.unlinkIfExists(name);
        }
    }

    @Test
    void theJarRunsEachCommandWithShellExitCodes() throws Exception {
        Run help = run("--help");
        assertThat(help.code).isZero();
        assertThat(help.out).contains("Usage: posixmq-cli");

        assertThat(run("create", queue, "--capacity", "2", "--max-message-size", "64").code).isZero();
        assertThat(run("send", queue, "from another process", "--priority", "7").code).isZero();
        Run stat = run("stat", queue);
        assertThat(stat.out).contains("messages:          1", "capacity:          2", "max message size:  64 bytes");

        Run received = run("receive", queue, "--show-priority");
        assertThat(received.code).isZero();
        assertThat(received.out).isEqualTo("7\tfrom another process\n");

        Run empty = run("receive", queue, "--timeout", "10ms");
        assertThat(empty.code).isEqualTo(PosixMqCli.TIMEOUT);
        assertThat(empty.err).contains(queue);

        Run usage = run("send", queue);
        assertThat(usage.code).isEqualTo(PosixMqCli.USAGE);
        assertThat(usage.out).isEmpty();

        assertThat(run("rm", queue).code).isZero();
        Run gone = run("stat", queue);
        assertThat(gone.code).isEqualTo(PosixMqCli.FAILURE);
        assertThat(gone.err).contains(queue, "does not exist");
        assertThat(Files.size(jar())).isPositive();
    }
}
