package io.github.posixmq;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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
}
