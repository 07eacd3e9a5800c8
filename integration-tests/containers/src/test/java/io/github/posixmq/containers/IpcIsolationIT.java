package io.github.posixmq.containers;

import java.util.stream.Stream;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueNotFoundException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.lifecycle.Startable;
import org.testcontainers.lifecycle.Startables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The security boundary: a queue is visible only inside its IPC namespace. A container with Docker's default IPC
 * mode sees neither the host's queues nor a pod's; containers joined to one namespace see each other's. Each
 * negative check has a positive twin, so a broken probe cannot pass for isolation.
 */
@DockerTest
class IpcIsolationIT {

    private static final int ENOENT_EXIT = 3;

    private static GenericContainer<?> isolated;
    private static GenericContainer<?> hostIpc;
    private static GenericContainer<?> podOwner;
    private static GenericContainer<?> podMember;

    @BeforeAll
    static void start() {
        isolated = Containers.tools("isolated", null); // Docker's default: a private IPC namespace
        hostIpc = Containers.tools("host-ipc", Containers.HOST);
        podOwner = Containers.tools("pod-owner", Containers.SHAREABLE);
        Startables.deepStart(isolated, hostIpc, podOwner).join();
        podMember = Containers.tools("pod-member", Containers.joining(podOwner));
        podMember.start();
    }

    @AfterAll
    static void stop() {
        Stream.of(podMember, podOwner, hostIpc, isolated).filter(c -> c != null).forEach(Startable::stop);
    }

    @Test
    void hostQueueIsInvisibleToAContainerWithItsOwnIpcNamespace() {
        String name = Containers.uniqueQueueName("host-only");
        try (PosixMq queue = OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(64).open(name)) {
            assertThat(probe(hostIpc, name).getStdout()).as("seen through --ipc=host").isEqualTo("OK\n");

            ExecResult fromIsolated = probe(isolated, name);
            assertThat(fromIsolated.getExitCode()).isEqualTo(ENOENT_EXIT);
            assertThat(fromIsolated.getStdout()).isEqualTo("ENOENT\n");

            // the same name in the container's namespace is another queue: nothing reaches the host's
            Containers.run(isolated, "mqtool", "create", name, "2", "64");
            Containers.run(isolated, "mqtool", "send", name, "1", "not for the host");
            assertThat(queue.attributes().currentMessages()).isZero();
            assertThat(probe(podOwner, name).getExitCode()).isEqualTo(ENOENT_EXIT);
        }
        finally {
            PosixMq.unlinkIfExists(name);
            Containers.exec(isolated, "mqtool", "unlink", name);
        }
    }

    @Test
    void podQueueIsVisibleInThePodOnly() {
        String name = "/pod-private";
        Containers.run(podOwner, "mqtool", "create", name, "2", "64");
        try {
            Containers.run(podMember, "mqtool", "send", name, "4", "inside the pod");
            assertThat(Containers.run(podOwner, "mqtool", "drain", name)).isEqualTo("4\tinside the pod\n");

            assertThat(probe(isolated, name).getExitCode()).isEqualTo(ENOENT_EXIT);
            assertThat(probe(hostIpc, name).getExitCode()).isEqualTo(ENOENT_EXIT);
            assertThatThrownBy(() -> PosixMq.open(name)).as("the test JVM is on the host")
                    .isInstanceOf(QueueNotFoundException.class);
        }
        finally {
            Containers.exec(podOwner, "mqtool", "unlink", name);
        }
    }

    private static ExecResult probe(GenericContainer<?> container, String name) {
        return Containers.exec(container, "mqtool", "probe", name);
    }
}
