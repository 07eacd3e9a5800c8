package io.github.posixmq.integration;

import io.github.posixmq.integration.runtime.QueueTrust;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real second OS user for the ownership tests: as root, runs a small C program as {@code nobody} (uid 65534,
 * through {@code setpriv}) that creates a queue, as a squatter would. Unavailable (empty) when this process is not
 * root or {@code setpriv} or {@code gcc} is missing. Shared with the Boot module's tests through this module's
 * test-jar.
 */
public final class OtherUser implements AutoCloseable {

    /** The uid of the other user. */
    public static final int UID = 65534;

    private static final String PLANT = """
            #include <fcntl.h>
            #include <mqueue.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <sys/stat.h>
            int main(int argc, char **argv) {
                struct mq_attr attr = {0};
                attr.mq_maxmsg = atol(argv[3]);
                attr.mq_msgsize = atol(argv[4]);
                umask(0);
                mqd_t mq = mq_open(argv[1], O_CREAT | O_EXCL | O_RDWR, (mode_t) strtol(argv[2], NULL, 8), &attr);
                if (mq == (mqd_t) -1) { perror("mq_open"); return 1; }
                mq_close(mq);
                return 0;
            }
            """;

    private final Path dir;

    private final Path program;

    private OtherUser(Path dir, Path program) {
        this.dir = dir;
        this.program = program;
    }

    /** The other user, or empty with the reason in {@code why} when this process cannot act as one. */
    public static Optional<OtherUser> create(StringBuilder why) throws IOException, InterruptedException {
        if (QueueTrust.effectiveUid() != 0) {
            why.append("acting as a second OS user needs root (setpriv --reuid); as an ordinary user the tests with "
                    + "a wider mode of this user's own queue check the same refusal");
            return Optional.empty();
        }
        Optional<Path> setpriv = tool("setpriv");
        Optional<Path> gcc = tool("gcc");
        if (setpriv.isEmpty() || gcc.isEmpty()) {
            why.append("setpriv and gcc are needed to create a queue as another user");
            return Optional.empty();
        }
        Path dir = Files.createTempDirectory("posixmq-other-user",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path source = dir.resolve("plant.c");
        Files.writeString(source, PLANT, StandardCharsets.UTF_8);
        Path program = dir.resolve("plant");
        run(List.of(gcc.get().toString(), "-o", program.toString(), source.toString(), "-lrt"));
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        return Optional.of(new OtherUser(dir, program));
    }

    /** Creates queue {@code name} as the other user with {@code mode} (umask 0), capacity and message size. */
    public void createQueue(String name, int mode, int capacity, int maxMessageSize) throws IOException, InterruptedException {
        run(List.of(tool("setpriv").orElseThrow().toString(), "--reuid=" + UID, "--regid=" + UID, "--clear-groups",
                this.program.toString(), name, Integer.toOctalString(mode), Integer.toString(capacity),
                Integer.toString(maxMessageSize)));
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " failed: " + output);
        }
    }

    private static Optional<Path> tool(String name) {
        List<Path> dirs = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            dirs.add(Path.of(dir));
        }
        dirs.addAll(List.of(Path.of("/usr/sbin"), Path.of("/sbin"), Path.of("/usr/bin"), Path.of("/bin")));
        return dirs.stream().map((dir) -> dir.resolve(name)).filter(Files::isExecutable).findFirst();
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(this.program);
        Files.deleteIfExists(this.dir.resolve("plant.c"));
        Files.deleteIfExists(this.dir);
    }
}
