package io.github.posixmq;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Nobody gets in: queues are created 0600, another user is denied with a {@link QueueAccessDeniedException} naming
 * the queue, the mode is validated and the umask applies, and {@code createNew()} never adopts a planted queue.
 */
class SecurityTest {

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        queues.close();
    }

    @Test
    void queuesAreCreated0600AndTheModeAndUmaskApply(@TempDir Path tmp) throws Exception {
        Path mount = Files.createDirectory(tmp.resolve("mqueue"));
        String mountScript = "mount -t mqueue none " + mount + " && umask 022";
        Optional<List<String>> namespace = Host.privateIpcNamespace(true, mountScript);
        assumeThat(namespace).as("/dev/mqueue is not mounted here; checking the mode needs a private IPC and mount "
                + "namespace to mount an mqueue file system in (unshare --user --map-root-user --ipc --mount, or "
                + "root's unshare --ipc --mount)").isPresent();

        ChildJvm.Result child = ChildJvm.run(ChildJvm.afterShell(namespace.get(), mountScript,
                ChildJvm.command(tmp, ProbeMain.class, "modes", mount.toString(), "/posixmq-mode")), tmp, ChildJvm.TIMEOUT);

        assertThat(child.exitCode()).as("%s", child).isZero();
        assertThat(child.value("MODE default ")).isEqualTo("rw-------");
        assertThat(child.value("MODE createNew ")).isEqualTo("rw-------");
        assertThat(child.value("MODE 0640 ")).isEqualTo("rw-r-----");
        assertThat(child.value("MODE 0666 ")).as("umask 022 applies to the mode").isEqualTo("rw-r--r--");
        assertThat(child.value("MODE 0000 ")).isEqualTo("---------");
    }

    @Test
    void anotherUserIsDeniedAQueueCreatedWithTheDefaultMode(@TempDir Path tmp) throws Exception {
        Optional<List<String>> nobody = Host.asNobody();
        assumeThat(nobody).as("running a child as another user needs root and setpriv or runuser; as an ordinary "
                + "user modeBitsDenyTheOwnerWithoutCapDacOverride checks the denial").isPresent();
        String classPath = ChildJvm.worldReadableClassPath(tmp);
        Path childTmp = tmp.resolve("tmp");

        String privateQueue = queues.name("private");
        String shared = queues.name("shared");
        try (PosixMq owner = OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(64).open(privateQueue);
                PosixMq open = OpenOptions.readWrite().createNew().mode(0666).capacity(2).maxMessageSize(64)
                        .open(shared)) {
            owner.send("secret".getBytes(StandardCharsets.UTF_8), 3);
            open.send("public".getBytes(StandardCharsets.UTF_8), 5);

            ChildJvm.Result denied = probeAccess(nobody.get(), classPath, childTmp, privateQueue, tmp);
            assertThat(denied.value("UID ")).isEqualTo(String.valueOf(Host.NOBODY));
            for (String label : List.of("read-only", "write-only", "read-write", "send", "receive", "create")) {
                assertThat(denied.outcome(label)).as(label).startsWith("QueueAccessDeniedException EACCES ")
                        .contains(privateQueue).contains("permission denied");
            }
            assertThat(denied.outcome("unlink")).as("only the owner may remove a queue")
                    .startsWith("QueueAccessDeniedException ").contains(privateQueue).contains("only its owner");
            assertThat(owner.receive().utf8()).as("the message stayed private").isEqualTo("secret");

            // mode 0666 minus this process's umask decides what the other user may do
            int others = 0666 & ~Host.umask() & 07;
            boolean read = (others & 04) != 0;
            boolean write = (others & 02) != 0;
            ChildJvm.Result granted = probeAccess(nobody.get(), classPath, childTmp, shared, tmp);
            assertGranted(granted, "read-only", read, shared);
            assertGranted(granted, "write-only", write, shared);
            assertGranted(granted, "read-write", read && write, shared);
            assertGranted(granted, "create", read && write, shared);
            assertGranted(granted, "send", write, shared);
            assertGranted(granted, "receive", read, shared);
            if (read) {
                assertThat(granted.value("RECEIVED ")).isEqualTo("public");
            }
            assertThat(granted.outcome("unlink")).as("no mode lets another user remove a queue")
                    .startsWith("QueueAccessDeniedException ").contains("only its owner");
        }

        String planted = queues.name("planted");
        ChildJvm.Result plant = ChildJvm.run(ChildJvm.prefixed(nobody.get(),
                ChildJvm.command(classPath, childTmp, ProbeMain.class, "plant", planted)), tmp, ChildJvm.TIMEOUT);
        assertThat(plant.outcome("plant")).as("%s", plant).isEqualTo("OK");
        assertThatThrownBy(() -> OpenOptions.readWrite().createNew().open(planted))
                .isInstanceOf(QueueAlreadyExistsException.class).hasMessageContaining(planted)
                .hasMessageContaining("createNew() refuses to adopt it");
    }

    private static void assertGranted(ChildJvm.Result result, String label, boolean granted, String queue) {
        if (granted) {
            assertThat(result.outcome(label)).as("%s (umask %o)", label, Host.umask()).isEqualTo("OK");
        }
        else {
            assertThat(result.outcome(label)).as("%s (umask %o)", label, Host.umask())
                    .startsWith("QueueAccessDeniedException EACCES ").contains(queue);
        }
    }

    private static ChildJvm.Result probeAccess(List<String> asUser, String classPath, Path childTmp, String queue,
            Path dir) {
        ChildJvm.Result result = ChildJvm.run(ChildJvm.prefixed(asUser,
                ChildJvm.command(classPath, childTmp, ProbeMain.class, "access", queue)), dir, ChildJvm.TIMEOUT);
        assertThat(result.exitCode()).as("%s", result).isZero();
        return result;
    }

    @Test
    void modeBitsDenyTheOwnerWithoutCapDacOverride() {
        boolean bypass = Host.hasCapability(Host.CAP_DAC_OVERRIDE);
        String readOnlyMode = queues.name("m0400");
        String noAccess = queues.name("m0000");
        try (PosixMq a = OpenOptions.readWrite().createNew().mode(0400).capacity(1).maxMessageSize(16).open(readOnlyMode);
                PosixMq b = OpenOptions.readWrite().createNew().mode(0).capacity(1).maxMessageSize(16).open(noAccess)) {
            // the mode is checked when a queue is opened, so the creating descriptors keep the access they asked for
            a.send(new byte[] {1}, 0);
            b.send(new byte[] {2}, 0);
            assertThat(b.receive().bytes()).containsExactly(2);
            OpenOptions.readOnly().open(readOnlyMode).close();
            assertOpen(OpenOptions.writeOnly(), readOnlyMode, bypass);
            assertOpen(OpenOptions.readWrite(), readOnlyMode, bypass);
            assertOpen(OpenOptions.readOnly(), noAccess, bypass);
            assertOpen(OpenOptions.writeOnly(), noAccess, bypass);
        }
    }

    /** Denied for a normal user; root and other CAP_DAC_OVERRIDE holders bypass the mode (the trust model). */
    private static void assertOpen(OpenOptions options, String name, boolean bypass) {
        if (bypass) {
            options.open(name).close();
        }
        else {
            assertThatThrownBy(() -> options.open(name)).isExactlyInstanceOf(QueueAccessDeniedException.class)
                    .hasMessageContaining(name).hasMessageContaining("permission denied (EACCES)")
                    .satisfies(ex -> assertThat(((PosixMqException) ex).queueName()).isEqualTo(name));
        }
    }

    @Test
    void modeIsValidated() {
        for (int mode : new int[] {-1, 01000, 02000, 04755, 0x10000, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> OpenOptions.readWrite().mode(mode)).isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("between 0 and 0777");
        }
        assertThat(OpenOptions.readWrite().mode(0).toString()).contains("mode=00");
        assertThat(OpenOptions.readWrite().mode(0777).toString()).contains("mode=0777");
        assertThat(OpenOptions.readWrite().toString()).as("the default").contains("mode=0600");
    }

    @Test
    void createNewRefusesAQueueSomeoneElseCreatedWhileCreateAdoptsIt() {
        String name = queues.name("squat");
        try (PosixMq squatter = OpenOptions.readWrite().createNew().mode(0666).capacity(2).maxMessageSize(32).open(name)) {
            squatter.send("planted".getBytes(StandardCharsets.UTF_8), 9);
            assertThatThrownBy(() -> OpenOptions.readWrite().createNew().capacity(5).maxMessageSize(64).open(name))
                    .isExactlyInstanceOf(QueueAlreadyExistsException.class).hasMessageContaining(name)
                    .hasMessageContaining("EEXIST").hasMessageContaining("PosixMq.unlink(\"" + name + "\")");
            assertThat(squatter.currentMessages()).as("the refused open changed nothing").isEqualTo(1);
            try (PosixMq adopted = OpenOptions.readWrite().create().capacity(5).maxMessageSize(64).open(name)) {
                assertThat(adopted.capacity()).as("create() silently adopts the existing queue and its attributes")
                        .isEqualTo(2);
                assertThat(adopted.receive().utf8()).isEqualTo("planted");
            }
        }
    }
}
