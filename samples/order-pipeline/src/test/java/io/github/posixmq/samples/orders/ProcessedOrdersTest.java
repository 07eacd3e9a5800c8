package io.github.posixmq.samples.orders;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ProcessedOrders}: keys survive a reopen (what a restart after SIGKILL sees), the ring forgets the oldest. */
class ProcessedOrdersTest {

    @TempDir
    Path dir;

    @Test
    void aRecordedKeyIsThereAfterReopeningAndTheFileIsPrivate() throws Exception {
        Path file = this.dir.resolve("journal/processed-orders");
        try (ProcessedOrders store = new ProcessedOrders(file)) {
            assertThat(store.get("id:42")).isNull();
            store.put("id:42", "processed");
            assertThat(store.get("id:42")).isEqualTo("processed");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (ProcessedOrders store = new ProcessedOrders(file)) {
            assertThat(store.get("id:42")).isEqualTo("processed");
            assertThat(store.get("id:43")).isNull();
            assertThat(store.remove("id:42")).isEqualTo("processed");
            assertThat(store.get("id:42")).isNull();
        }
    }

    @Test
    void aStoreOthersMayWriteIsRefused() throws Exception {
        Path file = this.dir.resolve("processed-orders");
        new ProcessedOrders(file).close();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThatThrownBy(() -> new ProcessedOrders(file)).hasMessageContaining("writable by nobody else");
    }

    @Test
    void theRingKeepsTheLastCapacityKeys() {
        try (ProcessedOrders store = new ProcessedOrders(this.dir.resolve("processed-orders"))) {
            for (int i = 0; i <= ProcessedOrders.CAPACITY; i++) {
                store.put("id:" + i, "processed");
            }
            assertThat(store.get("id:0")).as("overwritten by the newest").isNull();
            assertThat(store.get("id:1")).isEqualTo("processed");
            assertThat(store.get("id:" + ProcessedOrders.CAPACITY)).isEqualTo("processed");
        }
    }

    @Test
    void aRejectedOrderIsKeyedByItsBytesAndAnAcceptedOneByItsId() {
        OrderRules rules = new OrderRules();
        byte[] accepted = "{\"id\":17,\"item\":\"pen\",\"qty\":2}".getBytes(StandardCharsets.UTF_8);
        byte[] rejected = "not json".getBytes(StandardCharsets.UTF_8);
        assertThat(OrderIdempotency.key(rules.decide(accepted), accepted)).isEqualTo("id:17");
        assertThat(OrderIdempotency.key(rules.decide(rejected), rejected)).startsWith("sha256:").hasSize(7 + 64);
    }
}
