package io.github.posixmq;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.posixmq.internal.Bindings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Running out of queues ({@code queues_max}, ENOSPC) and of queue memory ({@code RLIMIT_MSGQUEUE}, EMFILE) gives a
 * {@link QueueLimitExceededException} that names the limit and its value. Both limits are exhausted in a child
 * process only, in a private IPC namespace or under a tiny rlimit, so concurrently running tests are not starved.
 */
class SystemLimitsExhaustionTest {

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        queues.close();
    }

    @Test
    void queueCountAboveQueuesMaxFailsWithEnospcNamingTheLimit(@TempDir Path tmp) {
        Optional<List<String>> namespace = Host.privateIpcNamespace(false,
                "echo 3 > " + SystemLimits.path("queues_max"));
        assumeThat(namespace).as("a private IPC namespace whose queues_max this user may set (unshare --user "
                + "--map-root-user --ipc, or root's unshare --ipc) is needed to exhaust queues_max without "
                + "starving other tests").isPresent();

        ChildJvm.Result child = ChildJvm.run(ChildJvm.prefixed(namespace.get(),
                ChildJvm.command(tmp, ProbeMain.class, "exhaust", "/posixmq-exhaust", "3")), tmp, ChildJvm.TIMEOUT);

        assertThat(child.exitCode()).as("%s", child).isZero();
        assertThat(child.value("QUEUES_MAX ")).as("SystemLimits reads the namespace's value").isEqualTo("3");
        assertThat(child.value("CREATED ")).as("queues created before the limit").isEqualTo("3");
        assertThat(child.outcome("exhaust")).startsWith("QueueLimitExceededException ENOSPC ")
                .contains("/posixmq-exhaust-3").contains("/proc/sys/fs/mqueue/queues_max = 3")
                .contains("unlink unused queues");
        assertThat(child.outcome("after-unlink")).as("unlinking frees the slots").isEqualTo("OK");
    }

    @Test
    void queueMemoryAboveRlimitMsgqueueFailsWithEmfileNamingTheLimit(@TempDir Path tmp) {
        Optional<Path> prlimit = Host.tool("prlimit");
        assumeThat(prlimit).as("prlimit (util-linux) is needed to start a child with a tiny RLIMIT_MSGQUEUE")
                .isPresent();
        String name = queues.name("rlimit");
        // control: the same queue fits this process's own limit
        OpenOptions.readWrite().createNew().capacity(10).maxMessageSize(1024).open(name).close();
        PosixMq.unlink(name);

        ChildJvm.Result child = ChildJvm.run(ChildJvm.prefixed(List.of(prlimit.get().toString(), "--msgqueue=4096"),
                ChildJvm.command(tmp, ProbeMain.class, "create", name, "10", "1024")), tmp, ChildJvm.TIMEOUT);

        assertThat(child.exitCode()).as("%s", child).isZero();
        assertThat(child.value("RLIMIT_MSGQUEUE ")).isEqualTo("4096");
        assertThat(child.outcome("create")).startsWith("QueueLimitExceededException EMFILE ").contains(name)
                .contains("RLIMIT_MSGQUEUE of 4096 bytes").contains("10 messages x 1024 bytes")
                .contains("ulimit -q");
        assertThat(PosixMq.unlinkIfExists(name)).as("the failed create left no queue behind").isFalse();
    }

    /**
     * The child's {@code RLIMIT_MSGQUEUE} is shared with every process of this user (the kernel counts queue memory
     * per user), so it is computed from what this user's queues already take: room for the first, small queue and
     * half the second, large one. When the estimate is off (queues of this user it cannot read, queues removed but
     * still held open, queues in other IPC namespaces, or another process creating queues meanwhile), the limit is
     * moved by half the large queue and the child runs again; skipped, saying why, only when no limit worked.
     */
    @Test
    void createBeyondRlimitMsgqueueSaysHowManyOfTheUsersQueuesHoldTheBudget(@TempDir Path tmp) {
        String first = queues.name("budget1");
        String second = queues.name("budget2");
        long firstBytes = Errors.queueBytes(1, 16);
        long secondBytes = Errors.queueBytes(10, 1024);
        QueueBudget budget = QueueBudget.read(Bindings.instance());
        long usage = budget != null ? budget.bytes() : 0;
        List<String> tried = new ArrayList<>();
        for (int attempt = 0; attempt < 8; attempt++) {
            long limit = usage + firstBytes + secondBytes / 2;
            ChildJvm.Result child = underPrlimit(tmp, "--msgqueue=" + limit, "budget", first, second);
            String firstOutcome = child.outcome("first");
            if (!firstOutcome.equals("OK")) {
                assertThat(firstOutcome).startsWith("QueueLimitExceededException EMFILE ");
                tried.add(limit + " (the small queue did not fit)");
                usage += secondBytes / 2;
                continue;
            }
            String outcome = child.outcome("second");
            if (outcome.equals("OK")) {
                tried.add(limit + " (the large queue fitted)");
                usage = Math.max(0, usage - secondBytes / 2);
                continue;
            }
            assertThat(outcome).startsWith("QueueLimitExceededException EMFILE ").contains(second)
                    .contains("RLIMIT_MSGQUEUE of " + limit + " bytes").doesNotContain("about 0 bytes");
            assumeThat(Files.isDirectory(Path.of("/dev/mqueue"))).as("/dev/mqueue is mounted here").isTrue();
            // at least the first queue (1 x 16 bytes: 48 + 40 + 16 = 104 bytes as the kernel counts) is among them
            Matcher matcher = Pattern.compile("this user's (\\d+) queues? in /dev/mqueue take about (\\d+) bytes")
                    .matcher(outcome);
            assertThat(matcher.find()).as(outcome).isTrue();
            assertThat(Integer.parseInt(matcher.group(1))).isPositive();
            assertThat(Long.parseLong(matcher.group(2))).isGreaterThanOrEqualTo(firstBytes);
            return;
        }
        assumeThat(tried).as("no RLIMIT_MSGQUEUE left room for the small queue but not the large one: this user's "
                + "queue memory changed while the test ran (limits tried: " + tried + ")").isEmpty();
    }

    @Test
    void withoutAnMqueueMountTheBudgetMessageSaysItCannotTellWhichQueuesUseIt(@TempDir Path tmp) {
        Optional<Path> prlimit = Host.tool("prlimit");
        assumeThat(prlimit).as("prlimit (util-linux) is needed to start a child with a tiny RLIMIT_MSGQUEUE")
                .isPresent();
        // a private IPC and mount namespace where /dev/mqueue is covered by an empty tmpfs
        String hide = "mkdir -p /dev/mqueue && mount -t tmpfs none /dev/mqueue";
        Optional<List<String>> namespace = Host.privateIpcNamespace(true, hide);
        assumeThat(namespace).as("a private IPC and mount namespace (unshare --user --map-root-user --ipc --mount, or "
                + "root's unshare) is needed to hide /dev/mqueue from one child").isPresent();

        ChildJvm.Result child = ChildJvm.run(ChildJvm.afterShell(namespace.get(), hide,
                ChildJvm.prefixed(List.of(prlimit.get().toString(), "--msgqueue=4096"),
                        ChildJvm.command(tmp, ProbeMain.class, "budget", "/posixmq-hidden-1", "/posixmq-hidden-2"))),
                tmp, ChildJvm.TIMEOUT);

        assertThat(child.exitCode()).as("%s", child).isZero();
        assertThat(child.outcome("second")).startsWith("QueueLimitExceededException EMFILE ")
                .contains("RLIMIT_MSGQUEUE of 4096 bytes")
                .contains("posixmq cannot tell which queues use it, as no mqueue file system is mounted on /dev/mqueue")
                .doesNotContain("take about");
    }

    @Test
    void runningOutOfDescriptorsNamesRlimitNofileNotQueueMemory(@TempDir Path tmp) {
        String existing = queues.name("nofile");
        String created = queues.name("nofilenew");
        OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(16).open(existing).close();

        ChildJvm.Result child = underPrlimit(tmp, "--nofile=512", "nofile", existing, created);

        for (String label : List.of("open-existing", "create-new")) {
            assertThat(child.outcome(label)).as(label).startsWith("QueueLimitExceededException EMFILE ")
                    .contains("RLIMIT_NOFILE of 512").contains("ulimit -n").doesNotContain("RLIMIT_MSGQUEUE");
        }
        assertThat(PosixMq.unlinkIfExists(created)).as("nothing was created").isFalse();
    }

    /** Runs {@link ProbeMain} with {@code args} under {@code prlimit limit}; the child must exit normally. */
    private static ChildJvm.Result underPrlimit(Path tmp, String limit, String... args) {
        Optional<Path> prlimit = Host.tool("prlimit");
        assumeThat(prlimit).as("prlimit (util-linux) is needed to start a child with " + limit).isPresent();
        ChildJvm.Result child = ChildJvm.run(ChildJvm.prefixed(List.of(prlimit.get().toString(), limit),
                ChildJvm.command(tmp, ProbeMain.class, args)), tmp, ChildJvm.TIMEOUT);
        assertThat(child.exitCode()).as("%s", child).isZero();
        return child;
    }
}
