package io.github.posixmq;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Child JVM of the security and limit tests: does one thing in another user's, namespace's or rlimit's context and
 * reports each outcome with {@link ChildJvm#report(String, Runnable)}. Commands:
 * <ul>
 * <li>{@code access <name>}: opens read-only, write-only and read-write, sends, receives and unlinks;</li>
 * <li>{@code plant <name>}: creates {@code name} with mode 0666 and leaves a message in it;</li>
 * <li>{@code create <name> <capacity> <maxMessageSize>}: creates and unlinks a queue;</li>
 * <li>{@code exhaust <prefix> <queuesMax>}: sets queues_max, creates queues until it fails, unlinks them;</li>
 * <li>{@code modes <mqueue mount> <prefix>}: creates queues with several modes and prints their permissions;</li>
 * <li>{@code budget <first> <second>}: creates a small queue (kept until the end), then tries a large one;</li>
 * <li>{@code nofile <existing> <new>}: uses up the descriptors, then opens an existing queue and creates one.</li>
 * </ul>
 */
final class ProbeMain {

    private ProbeMain() {
    }

    public static void main(String[] args) throws IOException {
        ChildJvm.println("UID " + Host.effectiveUid());
        switch (args[0]) {
            case "access" -> access(args[1]);
            case "plant" -> ChildJvm.report("plant", () -> {
                try (PosixMq mq = OpenOptions.readWrite().createNew().mode(0666).capacity(2).maxMessageSize(64)
                        .open(args[1])) {
                    mq.send("planted".getBytes(StandardCharsets.UTF_8), 5);
                }
            });
            case "create" -> ChildJvm.report("create", () -> {
                ChildJvm.println("RLIMIT_MSGQUEUE " + SystemLimits.read().rlimitMsgqueue());
                OpenOptions.readWrite().createNew().capacity(Long.parseLong(args[2]))
                        .maxMessageSize(Long.parseLong(args[3])).open(args[1]).close();
                PosixMq.unlink(args[1]);
            });
            case "exhaust" -> exhaust(args[1], Integer.parseInt(args[2]));
            case "modes" -> modes(Path.of(args[1]), args[2]);
            case "budget" -> {
                try {
                    // the first fits only when the parent guessed this user's usage well enough: reported, not thrown
                    boolean[] created = {false};
                    ChildJvm.report("first", () -> {
                        OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(16).open(args[1]).close();
                        created[0] = true;
                    });
                    if (created[0]) {
                        ChildJvm.report("second", () -> OpenOptions.readWrite().createNew().capacity(10)
                                .maxMessageSize(1024).open(args[2]).close());
                    }
                }
                finally {
                    PosixMq.unlinkIfExists(args[1]);
                    PosixMq.unlinkIfExists(args[2]);
                }
            }
            case "nofile" -> nofile(args[1], args[2]);
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private static void access(String name) {
        ChildJvm.report("read-only", () -> OpenOptions.readOnly().open(name).close());
        ChildJvm.report("write-only", () -> OpenOptions.writeOnly().open(name).close());
        ChildJvm.report("read-write", () -> OpenOptions.readWrite().open(name).close());
        ChildJvm.report("send", () -> {
            try (PosixMq mq = OpenOptions.writeOnly().open(name)) {
                mq.send("from the other user".getBytes(StandardCharsets.UTF_8), 1);
            }
        });
        ChildJvm.report("receive", () -> {
            try (PosixMq mq = OpenOptions.readOnly().open(name)) {
                ChildJvm.println("RECEIVED " + mq.tryReceive().map(Message::utf8).orElse("(nothing)"));
            }
        });
        ChildJvm.report("create", () -> OpenOptions.readWrite().create().open(name).close());
        ChildJvm.report("unlink", () -> PosixMq.unlink(name));
    }

    private static void exhaust(String prefix, int queuesMax) {
        try (FileOutputStream out = new FileOutputStream(SystemLimits.path("queues_max"))) {
            out.write(Integer.toString(queuesMax).getBytes(StandardCharsets.US_ASCII));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        ChildJvm.println("QUEUES_MAX " + SystemLimits.read().queuesMax());
        List<String> created = new ArrayList<>();
        ChildJvm.report("exhaust", () -> {
            for (int i = 0; i <= queuesMax + 5; i++) {
                String name = prefix + "-" + i;
                OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(16).open(name).close();
                created.add(name);
            }
        });
        ChildJvm.println("CREATED " + created.size());
        created.forEach(PosixMq::unlink);
        ChildJvm.report("after-unlink", () -> {
            OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(16).open(prefix + "-again").close();
            PosixMq.unlink(prefix + "-again");
        });
    }

    private static void nofile(String existing, String created) {
        // classes load from target/classes, one open(2) each: load every class of the failure path while we can
        OpenOptions.readWrite().open(existing).close();
        for (Class<?> type : List.of(Errors.class, QueueLimitExceededException.class, SystemLimits.class,
                QueueBudget.class, OpenOptions.Creation.class)) {
            try {
                Class.forName(type.getName(), true, ProbeMain.class.getClassLoader());
            }
            catch (ClassNotFoundException ex) {
                throw new IllegalStateException(ex);
            }
        }
        List<FileInputStream> held = new ArrayList<>();
        try {
            while (true) {
                held.add(new FileInputStream("/dev/null"));
            }
        }
        catch (IOException ex) {
            // the descriptor table is full: free one for the report's own output, keep the rest
        }
        try {
            ChildJvm.report("open-existing", () -> OpenOptions.readWrite().open(existing).close());
            ChildJvm.report("create-new", () -> OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(16)
                    .open(created).close());
        }
        finally {
            for (FileInputStream in : held) {
                try {
                    in.close();
                }
                catch (IOException ex) {
                    // nothing to do
                }
            }
            PosixMq.unlinkIfExists(created);
        }
    }

    private static void modes(Path mount, String prefix) throws IOException {
        record Case(String label, OpenOptions options) {
        }
        List<Case> cases = List.of(new Case("default", OpenOptions.readWrite().create()),
                new Case("createNew", OpenOptions.readWrite().createNew()),
                new Case("0640", OpenOptions.readWrite().create().mode(0640)),
                new Case("0666", OpenOptions.readWrite().create().mode(0666)),
                new Case("0000", OpenOptions.readWrite().create().mode(0)));
        for (Case c : cases) {
            String name = prefix + "-" + c.label();
            try (PosixMq mq = c.options().capacity(1).maxMessageSize(16).open(name)) {
                Path file = mount.resolve(mq.name().substring(1));
                ChildJvm.println("MODE " + c.label() + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            }
            finally {
                PosixMq.unlinkIfExists(name);
            }
        }
    }
}
