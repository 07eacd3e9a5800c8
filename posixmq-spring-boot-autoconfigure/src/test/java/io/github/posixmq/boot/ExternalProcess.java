package io.github.posixmq.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;

/**
 * A second program for the IPC tests: {@code send <queue> <priority> <text>} sends one UTF-8 message;
 * {@code receive <queue> <seconds>} prints {@code <priority>:<text>} of the next message (exit 3 when none came).
 */
public final class ExternalProcess {

    private ExternalProcess() {
    }

    /** Entry point of the second process. */
    public static void main(String[] args) {
        if (args[0].equals("send")) {
            try (PosixMq mq = OpenOptions.writeOnly().open(args[1])) {
                mq.send(args[3].getBytes(StandardCharsets.UTF_8), Integer.parseInt(args[2]));
            }
            return;
        }
        try (PosixMq mq = OpenOptions.readOnly().open(args[1])) {
            Optional<Message> message = mq.receive(Duration.ofSeconds(Long.parseLong(args[2])));
            if (message.isEmpty()) {
                System.exit(3);
            }
            System.out.print(message.get().priority() + ":" + message.get().utf8());
        }
    }

    /** Runs this class in a new JVM on the test class path; returns its standard output, failing on a non-zero exit. */
    public static String run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ExternalProcess.class.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("second process did not finish: " + command);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("second process exited with " + process.exitValue() + ": " + command);
        }
        return output;
    }
}
