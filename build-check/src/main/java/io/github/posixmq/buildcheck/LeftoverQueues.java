package io.github.posixmq.buildcheck;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The build's check that {@code ./mvnw verify} leaves no queue behind. The root POM runs
 * {@code java LeftoverQueues.java snapshot FILE} when the reactor starts, and the {@code build-check} module, which
 * builds last, runs {@code java LeftoverQueues.java compare FILE}: it fails, naming them and how to remove them, when
 * {@code /dev/mqueue} holds queues that were not there at the start and belong to the user running the build (other
 * users' builds may run on the same machine at the same time). Where {@code /dev/mqueue} is not mounted it says so in
 * one line and passes. JDK only, so it runs from source before anything is compiled.
 */
public final class LeftoverQueues {

    /** Where the kernel shows this IPC namespace's queues. */
    public static final Path MQUEUE = Path.of("/dev/mqueue");

    static final String PREFIX = "[posixmq queue check] ";

    private static final String BUILD_MARK = "# build ";

    private static final String NOT_MOUNTED_MARK = "# /dev/mqueue not mounted";

    private static final String MOUNT_HINT = "mkdir -p /dev/mqueue && mount -t mqueue none /dev/mqueue";

    private LeftoverQueues() {
    }

    /**
     * {@code snapshot FILE BUILD} or {@code compare FILE BUILD}, BUILD naming this build (Maven's
     * {@code maven.build.timestamp}, the same in every module of one reactor); exits 1 when queues were left behind,
     * 2 on a usage error.
     */
    public static void main(String[] args) {
        if (args.length != 3 || !(args[0].equals("snapshot") || args[0].equals("compare"))) {
            System.err.println("usage: java LeftoverQueues.java snapshot|compare FILE BUILD");
            System.exit(2);
        }
        Path file = Path.of(args[1]).toAbsolutePath().normalize();
        if (args[0].equals("snapshot")) {
            snapshot(MQUEUE, file, args[2]);
            return;
        }
        System.exit(compare(MQUEUE, file, args[2], currentUid(), System.out, System.err) ? 0 : 1);
    }

    /** Writes {@code build} and the names of all queues in {@code mqueueDir} (every owner's) to {@code file}. */
    public static void snapshot(Path mqueueDir, Path file, String build) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            List<String> lines = new ArrayList<>();
            lines.add(BUILD_MARK + build);
            if (!isMounted(mqueueDir)) {
                lines.add(NOT_MOUNTED_MARK);
                Files.write(file, lines);
                return;
            }
            for (Path entry : entries(mqueueDir)) {
                lines.add(URLEncoder.encode(rawName(entry), StandardCharsets.ISO_8859_1));
            }
            Files.write(file, lines);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Compares {@code mqueueDir} with the snapshot of {@code build} in {@code file}: false, after naming them on
     * {@code err}, when queues owned by {@code uid} are there that the snapshot does not list; true otherwise, with
     * one line on {@code out}.
     */
    public static boolean compare(Path mqueueDir, Path file, String build, long uid, PrintStream out, PrintStream err) {
        try {
            if (!isMounted(mqueueDir)) {
                out.println(PREFIX + "skipped: " + mqueueDir + " is not mounted, so queues cannot be listed (as root: "
                        + MOUNT_HINT + ")");
                return true;
            }
            if (!Files.isRegularFile(file)) {
                out.println(PREFIX + "skipped: no snapshot " + file + " from the start of this build (it is taken "
                        + "when the whole reactor builds, as ./mvnw verify does)");
                return true;
            }
            List<String> before = Files.readAllLines(file);
            if (before.isEmpty() || !before.get(0).equals(BUILD_MARK + build)) {
                out.println(PREFIX + "skipped: the snapshot " + file + " is from another build (" + (before.isEmpty()
                        ? "empty" : before.get(0).substring(1).trim()) + ", this is build " + build + "); it is taken "
                        + "when the whole reactor builds, as ./mvnw verify does");
                return true;
            }
            before = before.subList(1, before.size());
            if (before.contains(NOT_MOUNTED_MARK)) {
                out.println(PREFIX + "skipped: " + mqueueDir + " was not mounted when this build started (as root: "
                        + MOUNT_HINT + ")");
                return true;
            }
            Set<String> existing = new HashSet<>();
            for (String line : before) {
                existing.add(URLDecoder.decode(line, StandardCharsets.ISO_8859_1));
            }
            List<String> left = new ArrayList<>();
            for (Path entry : entries(mqueueDir)) {
                String name = rawName(entry);
                if (!existing.contains(name) && ownedBy(entry, uid)) {
                    left.add(name);
                }
            }
            if (left.isEmpty()) {
                out.println(PREFIX + "no queue of this build (uid " + uid + ") left in " + mqueueDir);
                return true;
            }
            err.println(PREFIX + "FAILED: this build (uid " + uid + ") left " + left.size()
                    + (left.size() == 1 ? " queue" : " queues") + " in " + mqueueDir
                    + "; every test must remove the queues it creates:");
            StringBuilder remove = new StringBuilder("rm --");
            for (String name : left) {
                byte[] path = (rawPath(mqueueDir) + "/" + name).getBytes(StandardCharsets.ISO_8859_1);
                err.println("  " + shellWord(path));
                remove.append(' ').append(shellWord(path));
            }
            err.println("Remove them with: " + remove);
            return false;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Whether {@code dir} is an mqueue file system (a plain directory there is not). */
    static boolean isMounted(Path dir) throws IOException {
        try {
            return Files.isDirectory(dir) && Files.getFileStore(dir).type().equals("mqueue");
        }
        catch (NoSuchFileException ex) {
            return false;
        }
    }

    /**
     * The bytes of {@code entry}'s file name, one char per byte (ISO-8859-1), whatever the locale: not
     * {@code getFileName().toString()}, which the JDK decodes with {@code sun.jnu.encoding} (ASCII under
     * {@code LANG=C}, turning {@code é} into {@code ??}); a path's {@code file:} URI percent-encodes its own bytes.
     */
    static String rawName(Path entry) {
        String path = rawPath(entry);
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The bytes of the absolute {@code path}, one char per byte, without a trailing slash. */
    private static String rawPath(Path path) {
        String raw = path.toAbsolutePath().toUri().getRawPath();
        if (raw.length() > 1 && raw.endsWith("/")) {
            raw = raw.substring(0, raw.length() - 1);
        }
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.ISO_8859_1);
    }

    private static List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    private static boolean ownedBy(Path entry, long uid) {
        try {
            return ((Number) Files.getAttribute(entry, "unix:uid")).longValue() == uid;
        }
        catch (NoSuchFileException ex) {
            return false; // removed meanwhile
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The file-system user id of this process, the owner of the queues it creates (from /proc/self/status). */
    public static long currentUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).trim().split("\\s+");
                    return Long.parseLong(ids[3]);
                }
            }
            throw new IllegalStateException("no Uid line in /proc/self/status");
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * {@code text} as one shell word to copy and paste: single-quoted, or as {@code $'...'} with {@code \xNN} for
     * every byte that is not printable ASCII, so control characters in a name cannot act on the terminal.
     */
    static String shellWord(String text) {
        return shellWord(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #shellWord(String)} of a name's bytes. */
    static String shellWord(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        boolean plain = true;
        for (byte b : bytes) {
            plain &= b >= 0x20 && b < 0x7f;
        }
        if (plain) {
            return "'" + text.replace("'", "'\\''") + "'";
        }
        StringBuilder word = new StringBuilder("$'");
        for (byte b : bytes) {
            if (b >= 0x20 && b < 0x7f && b != '\'' && b != '\\') {
                word.append((char) b);
            }
            else {
                word.append(String.format("\\x%02x", b & 0xff));
            }
        }
        return word.append('\'').toString();
    }
}
