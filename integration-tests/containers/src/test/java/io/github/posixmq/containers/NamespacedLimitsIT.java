package io.github.posixmq.containers;

import java.net.http.HttpResponse;
import java.util.Map;

import io.github.posixmq.SystemLimits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fs.mqueue.*} sysctls are per IPC namespace: a container started with larger limits than the host's runs
 * the order-pipeline sample with a queue the host could not create, and the sample's {@code /actuator/posixmq}
 * (read through the mapped port) reports the container's limits, not the host's.
 */
@DockerTest
class NamespacedLimitsIT {

    private static long msgMax;

    private static long msgsizeMax;

    private static GenericContainer<?> app;

    @BeforeAll
    static void start() {
        // above whatever the host allows, so the host's limits cannot pass for the container's
        SystemLimits host = SystemLimits.read();
        msgMax = Math.max(host.msgMax(), 10) + 67;
        msgsizeMax = Math.max(host.msgsizeMax(), 8192) + 8;
        // RLIMIT_MSGQUEUE (800 KiB per user by default) is not namespaced: keep the sample's four queues well under
        // it (msgMax x 1 KiB, 2 x msgsizeMax, 2 x 10 x 8 KiB) and run as the images' own user (Containers.appUser)
        app = Containers.orderPipeline("order-pipeline-limits",
                        "--posixmq.queues.orders.capacity=" + msgMax,
                        "--posixmq.queues.orders.max-message-size=1KB",
                        "--posixmq.queues.processed.capacity=2",
                        "--posixmq.queues.processed.max-message-size=" + msgsizeMax + "B")
                .withCreateContainerCmdModifier(Containers.sysctls(Map.of(
                        "fs.mqueue.msg_max", "" + msgMax,
                        "fs.mqueue.msgsize_max", "" + msgsizeMax)))
                .withCreateContainerCmdModifier(Containers.appUser());
        app.start();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void actuatorReportsTheLimitsOfTheContainersIpcNamespace() throws Exception {
        JsonNode body = get("/actuator/posixmq");

        JsonNode limits = body.get("limits");
        assertThat(limits.get("msgMax").asLong()).isEqualTo(msgMax);
        assertThat(limits.get("msgsizeMax").asLong()).isEqualTo(msgsizeMax);

        JsonNode orders = body.get("queues").get("orders");
        assertThat(orders.hasNonNull("error")).as(orders.toString()).isFalse();
        assertThat(orders.get("capacity").asLong()).isEqualTo(msgMax);
        JsonNode processed = body.get("queues").get("processed");
        assertThat(processed.get("maxMessageSize").asLong()).as(processed.toString()).isEqualTo(msgsizeMax);

        // the kernel agrees, seen from a C program in the same container; the host's limits did not move
        assertThat(Containers.run(app, "mqtool", "attr", "/orders")).contains("capacity=" + msgMax + " ");
        assertThat(Containers.run(app, "mqtool", "limits")).contains("msg_max=" + msgMax + "\n");
        assertThat(SystemLimits.read().msgMax()).isLessThan(msgMax);
    }

    @Test
    void healthIsUpWithTheLargeQueue() throws Exception {
        JsonNode health = get("/actuator/health");
        assertThat(health.get("status").asString()).as(health.toString()).isEqualTo("UP");
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = Containers.httpGet(app, path);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(response.body());
    }
}
