package io.github.posixmq;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What the test process may do on this host: its uid and capabilities, helper tools, private IPC namespaces. */
final class Host {

    static final int CAP_DAC_OVERRIDE = 1;
    static final int CAP_SETGID = 6;
    static final int CAP_SETUID = 7;
    static final int CAP_SYS_RESOURCE = 24;

    /** The uid and gid of the unprivileged "other user" (nobody). */
    static final int NOBODY = 65534;

    private Host() {
    }

    /** Effective uid of this process. */
    static long effectiveUid() {
        return Long.parseLong(status("Uid").split("\\s+")[1]);
    }

    static boolean isRoot() {
        return effectiveUid() == 0;
    }

    /** This process's file mode creation mask, which the kernel applies to the mode of a created queue too. */
    static int umask() {
        return Integer.parseInt(status("Umask"), 8);
    }

    /** Whether the effective capability set holds {@code cap} (see capabilities(7)). */
    static boolean hasCapability(int cap) {
        return (Long.parseUnsignedLong(status("CapEff").trim(), 16) & (1L << cap)) != 0;
    }

    /** The absolute path of a tool on PATH or in the usual sbin directories. */
    static Optional<Path> tool(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        return dirs.stream().filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable).findFirst();
    }

    /**
     * A command prefix that runs a program as the unprivileged user nobody, or empty when this process cannot switch
     * users (it is not root, or neither setpriv nor runuser is installed).
     */
    static Optional<List<String>> asNobody() {
        if (!isRoot() || !hasCapability(CAP_SETUID) || !hasCapability(CAP_SETGID)) {
            return Optional.empty();
        }
        Optional<Path> setpriv = tool("setpriv");
        if (setpriv.isPresent()) {
            return Optional.of(List.of(setpriv.get().toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY,
                    "--clear-groups"));
        }
        return tool("runuser").map(runuser -> List.of(runuser.toString(), "-u", "nobody", "--"));
    }

    /**
     * A command prefix that runs a program in a new IPC namespace (and mount namespace when {@code mount}) without
     * CAP_SYS_RESOURCE, so namespace limits apply even to root; empty when neither an unprivileged user namespace nor
     * root's {@code unshare} is available. A candidate is used only when {@code sh -c probe} succeeds inside it.
     */
    static Optional<List<String>> privateIpcNamespace(boolean mount, String probe) {
        Optional<Path> unshare = tool("unshare");
        if (unshare.isEmpty()) {
            return Optional.empty();
        }
        List<List<String>> candidates = new ArrayList<>();
        List<String> userNs = new ArrayList<>(List.of(unshare.get().toString(), "--user", "--map-root-user", "--ipc"));
        if (mount) {
            userNs.add("--mount");
        }
        candidates.add(userNs);
        Optional<Path> setpriv = tool("setpriv");
        if (isRoot() && setpriv.isPresent()) {
            List<String> rootNs = new ArrayList<>(List.of(unshare.get().toString(), "--ipc"));
            if (mount) {
                rootNs.add("--mount");
            }
            rootNs.addAll(List.of(setpriv.get().toString(), "--bounding-set=-sys_resource",
                    "--inh-caps=-sys_resource"));
            candidates.add(rootNs);
        }
        for (List<String> prefix : candidates) {
            List<String> command = new ArrayList<>(prefix);
            command.addAll(List.of("sh", "-c", probe));
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (process.waitFor() == 0) {
                    return Optional.of(List.copyOf(prefix));
                }
            }
            catch (IOException ex) {
                // try the next candidate
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** This process's open file descriptors: number to target, from {@code /proc/self/fd}. */
    static Map<Integer, String> openFiles() {
        Map<Integer, String> files = new TreeMap<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                try {
                    files.put(Integer.valueOf(entry.getFileName().toString()), Files.readSymbolicLink(entry).toString());
                }
                catch (IOException ex) {
                    // closed while listing (it was the directory stream itself, or another thread's file)
                }
            }
        }
        catch (IOException ex) {
            throw new IllegalStateException("cannot list /proc/self/fd", ex);
        }
        return files;
    }

    private static String status(String field) {
        try (FileInputStream in = new FileInputStream("/proc/self/status")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.startsWith(field + ":")) {
                    return line.substring(field.length() + 1).trim();
                }
            }
        }
        catch (IOException ex) {
            throw new IllegalStateException("cannot read /proc/self/status", ex);
        }
        throw new IllegalStateException("no " + field + " in /proc/self/status");
    }
}
