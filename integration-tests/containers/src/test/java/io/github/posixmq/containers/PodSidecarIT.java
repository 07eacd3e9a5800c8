package io.github.posixmq.containers;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.lifecycle.Startable;
import org.testcontainers.lifecycle.Startables;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pod, built the way Kubernetes builds one: a sandbox container owns the IPC namespace ({@code --ipc=shareable},
 * like the pod's pause container) and the other containers join it ({@code --ipc=container:<id>}). In it run the
 * packaged order-pipeline sample (Spring Boot, JVM) and, in a second container, the C order producer
 * (samples/native-producer, static). Neither knows anything about the other but the queue names.
 */
@DockerTest
class PodSidecarIT {

    /** The producer's summary: "sent N orders (I invalid) in T s: P processed, R rejected, W wrong, ...". */
    private static final Pattern SUMMARY = Pattern.compile("sent (\\d+) orders \\((\\d+) invalid\\) in \\S+ s: "
            + "(\\d+) processed, (\\d+) rejected, 0 wrong, 0 missing, 0 duplicated, 0 unknown");

    private static GenericContainer<?> sandbox;
    private static GenericContainer<?> app;
    private static GenericContainer<?> producer;

    @BeforeAll
    static void startPod() {
        // every container runs as one unprivileged user, as with a pod's runAsUser: queues are created 0600
        sandbox = Containers.tools("pod-sandbox", Containers.SHAREABLE)
                .withCreateContainerCmdModifier(Containers.appUser());
        sandbox.start();
        String pod = Containers.joining(sandbox);
        app = Containers.orderPipeline("order-pipeline")
                .withCreateContainerCmdModifier(Containers.ipc(pod))
                .withCreateContainerCmdModifier(Containers.appUser());
        producer = Containers.tools("order-producer", pod).withCreateContainerCmdModifier(Containers.appUser());
        Startables.deepStart(app, producer).join();
    }

    @AfterAll
    static void stopPod() {
        for (Startable container : new Startable[] {producer, app, sandbox}) {
            if (container != null) {
                container.stop();
            }
        }
    }

    @Test
    void everyOrderComesBackOnceOnTheRightQueueWithItsPriority() {
        // order-producer itself checks every result: right queue, exact bytes, same priority, exactly once
        ExecResult result = Containers.exec(producer, "order-producer", "-n", "300", "-i", "5", "-w", "30", "-s", "1");
        assertThat(result.getExitCode()).as(result.getStderr() + result.getStdout()).isZero();
        Matcher summary = SUMMARY.matcher(result.getStdout());
        assertThat(summary.find()).as(result.getStdout()).isTrue();
        assertThat(List.of(summary.group(1), summary.group(2), summary.group(3), summary.group(4)))
                .containsExactly("300", "60", "240", "60");
        assertQueuesEmpty();
    }

    @Test
    void aThirdContainerOfThePodReadsTheResults() {
        // send only; the sandbox (a third container in the pod) reads what the app sent back
        Containers.run(producer, "order-producer", "-S", "-n", "10", "-i", "5", "-s", "1001");
        List<String> processed = Containers.run(sandbox, "mqtool", "recv", "/orders.processed", "8", "30").lines()
                .toList();
        List<String> rejected = Containers.run(sandbox, "mqtool", "recv", "/orders.rejected", "2", "30").lines()
                .toList();
        assertThat(processed).hasSize(8).allSatisfy(line -> {
            assertThat(line).endsWith(",\"status\":\"ACCEPTED\"}");
            assertThat(priorityOf(line)).isEqualTo(expectedPriority(line));
        });
        assertThat(rejected).hasSize(2).allSatisfy(line -> {
            assertThat(line).doesNotContain("ACCEPTED");
            assertThat(priorityOf(line)).isEqualTo(expectedPriority(line));
        });
        assertThat(rejected.stream().map(PodSidecarIT::idOf)).containsExactlyInAnyOrder(1005L, 1010L);
        assertQueuesEmpty();
    }

    @Test
    void queuedOrdersSurviveARestartOfTheAppContainer() {
        app.stop(); // like Kubernetes restarting one container: the pod, its IPC namespace and its queues stay
        try {
            Containers.run(producer, "order-producer", "-S", "-n", "5", "-i", "5", "-s", "2001");
            assertThat(Containers.run(sandbox, "mqtool", "attr", "/orders")).contains("current=5");
        }
        finally {
            app.start(); // a new container in the same pod
        }
        assertThat(Containers.run(sandbox, "mqtool", "recv", "/orders.processed", "4", "30").lines())
                .hasSize(4).allSatisfy(line -> assertThat(line).contains("ACCEPTED"));
        assertThat(Containers.run(sandbox, "mqtool", "recv", "/orders.rejected", "1", "30").lines())
                .singleElement().satisfies(line -> assertThat(idOf(line)).isEqualTo(2005L));
        assertQueuesEmpty();
    }

    private static void assertQueuesEmpty() {
        for (String queue : List.of("/orders", "/orders.processed", "/orders.rejected", "/orders.dead-letter")) {
            assertThat(Containers.run(sandbox, "mqtool", "attr", queue)).as(queue).contains("current=0");
        }
    }

    /** The priority order-producer gives order {@code id}: (id * 7) % 10. */
    private static int expectedPriority(String line) {
        return (int) (idOf(line) * 7 % 10);
    }

    private static int priorityOf(String line) {
        return Integer.parseInt(line.substring(0, line.indexOf('\t')));
    }

    /** Every order carries "#ID" (see order_producer.c). */
    private static long idOf(String line) {
        Matcher id = Pattern.compile("#(\\d+)").matcher(line);
        assertThat(id.find()).as(line).isTrue();
        return Long.parseLong(id.group(1));
    }
}
