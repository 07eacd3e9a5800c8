package io.github.posixmq;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.sun.jna.Native;
import io.github.posixmq.internal.Bindings;

/**
 * Starts a test {@code main} class in a child JVM ({@code java -cp <core, test classes, JNA> Main args}), optionally
 * behind a command prefix such as {@code setpriv}, {@code unshare} or {@code prlimit}. Child mains report with
 * {@link #report(String, Runnable)} lines that {@link Result#outcome(String)} parses.
 */
final class ChildJvm {

    /** How long a short-lived child may run before {@link #run(List, Path, Duration)} gives up on it. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** The FFM binding class, present on JDK 22+ builds. */
    static final String FFM_BINDING = "io.github.posixmq.internal.FfmLinuxBinding";

    private ChildJvm() {
    }

    /** The {@code java} launcher of the running JVM. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** What a child needs on its class path: the core classes, the test classes and JNA. */
    static List<Path> classPathEntries() {
        Set<Path> entries = new LinkedHashSet<>();
        List<Class<?>> types = new ArrayList<>(List.of(PosixMq.class, ChildJvm.class, Native.class));
        try {
            // the FFM binding sits in META-INF/versions/22: its own class path entry when running from directories
            types.add(Class.forName(FFM_BINDING));
        }
        catch (ClassNotFoundException ex) {
            // JDK 17-21: JNA only
        }
        for (Class<?> type : types) {
            try {
                entries.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()));
            }
            catch (URISyntaxException ex) {
                throw new IllegalStateException(ex);
            }
        }
        return List.copyOf(entries);
    }

    /** {@link #classPathEntries()} as a class path string. */
    static String classPath() {
        return classPathEntries().stream().map(Path::toString).collect(Collectors.joining(":"));
    }

    /**
     * Copies the class path into {@code dir} readable by every user (the originals may sit in a private home
     * directory) and returns it; also makes {@code dir} itself traversable and gives it a world-writable {@code tmp}.
     */
    static String worldReadableClassPath(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> copies = new ArrayList<>();
        int index = 0;
        for (Path entry : classPathEntries()) {
            Path copy = dir.resolve("cp" + index++ + (Files.isDirectory(entry) ? "" : ".jar"));
            try (Stream<Path> tree = Files.walk(entry)) {
                for (Path source : (Iterable<Path>) tree::iterator) {
                    Path target = copy.resolve(entry.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                    }
                    else {
                        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
                    }
                }
            }
            copies.add(copy.toString());
        }
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        return String.join(":", copies);
    }

    /** {@code java ... -cp classPath main args}, with JNA unpacking into {@code tmp} and this JVM's binding. */
    static List<String> command(String classPath, Path tmp, Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xshare:auto", "-Xmx64m", "-Djna.tmpdir=" + tmp, "-Djava.io.tmpdir=" + tmp,
                "-D" + Bindings.PROPERTY + "=" + Bindings.name()));
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.addAll(List.of("-cp", classPath, main.getName()));
        command.addAll(Arrays.asList(args));
        return command;
    }

    /** {@link #command(String, Path, Class, String...)} with this JVM's class path. */
    static List<String> command(Path tmp, Class<?> main, String... args) {
        return command(classPath(), tmp, main, args);
    }

    /** {@code prefix} followed by {@code command}. */
    static List<String> prefixed(List<String> prefix, List<String> command) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(command);
        return all;
    }

    /** {@code prefix sh -c 'script && exec "$@"' sh command...}: runs a shell step in the child's context first. */
    static List<String> afterShell(List<String> prefix, String script, List<String> command) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of("sh", "-c", script + " && exec \"$@\"", "sh"));
        all.addAll(command);
        return all;
    }

    /** Runs the command to its end (at most {@code timeout}) and collects its output. */
    static Result run(List<String> command, Path directory, Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).start();
            process.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("child did not finish within " + timeout + ": " + command + "\nstdout: "
                        + out.join() + "\nstderr: " + err.join());
            }
            return new Result(command, process.exitValue(), out.join(), err.join());
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot start " + command, ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + command, ex);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (IOException ex) {
            return "(cannot read: " + ex + ")";
        }
    }

    /** What a child printed and how it ended. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /** The value of the {@code RESULT label ...} line, e.g. {@code OK} or {@code QueueAccessDeniedException ...}. */
        String outcome(String label) {
            return value("RESULT " + label + " ");
        }

        /** The rest of the first stdout line starting with {@code prefix}; fails naming the output when none. */
        String value(String prefix) {
            return stdout.lines().filter(line -> line.startsWith(prefix)).map(line -> line.substring(prefix.length()))
                    .findFirst().orElseThrow(() -> new AssertionError("no line \"" + prefix + "...\" in " + this));
        }

        @Override
        public String toString() {
            return "child " + command + " exited " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    /**
     * The lines of a child's output file that were completed with a newline. The output goes to a file, not a pipe:
     * the JDK drains a dead child's pipe into memory and closes it, and a reader racing with that can miss lines.
     * Empty while the file does not exist yet.
     */
    static List<String> completeLines(Path output) throws IOException {
        if (!Files.exists(output)) {
            return List.of();
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        lines.remove(lines.size() - 1); // empty after the last newline, or a line cut short
        return lines;
    }

    /** What a child wrote to {@code file} (its stderr, for a failure message), or {@code (none)}. */
    static String readOrNone(Path file) {
        try {
            return Files.readString(file);
        }
        catch (IOException ex) {
            return "(none)";
        }
    }

    // ---------------------------------------------------------------- used by the child mains

    private static final FileOutputStream STDOUT = new FileOutputStream(FileDescriptor.out);

    /**
     * Prints {@code line} plus a newline with one {@code write(2)}: atomic on a pipe for lines up to PIPE_BUF, so a
     * child killed at any moment leaves either the whole line or nothing of it.
     */
    static void println(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (STDOUT) {
            try {
                STDOUT.write(bytes);
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
    }

    /**
     * Runs {@code action} and prints {@code RESULT label OK}, or {@code RESULT label <exception> <errno> <message>}
     * for an exception (errno name for a {@link PosixMqException}, else {@code -}).
     */
    static void report(String label, Runnable action) {
        String outcome;
        try {
            action.run();
            outcome = "OK";
        }
        catch (RuntimeException ex) {
            String errno = ex instanceof PosixMqException mqEx ? mqEx.errnoName() : "-";
            outcome = ex.getClass().getSimpleName() + " " + errno + " " + String.valueOf(ex.getMessage()).replace('\n', ' ');
        }
        println("RESULT " + label + " " + outcome);
    }

    /** Halts this child when its parent closes our stdin (the parent ended or gave up on us). */
    static void exitWhenParentGoes() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent never writes; EOF means it is gone
                }
            }
            catch (IOException ex) {
                // treat like EOF
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }
}
