package io.github.posixmq.samples.orders;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static java.nio.charset.StandardCharsets.UTF_8;
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
    void shortKeysAreKeptAsIsAndLongOnesAsDigestsWithoutMixingThemUp() {
        String longest = "id:" + "9".repeat(ProcessedOrders.RAW_MAX - 3);
        String tooLong = longest + "9";
        try (ProcessedOrders store = new ProcessedOrders(this.dir.resolve("processed-orders"))) {
            store.put(longest, "processed");
            store.put(tooLong, "processed");
            store.put("", "processed");
            assertThat(store.get(longest)).isEqualTo("processed");
            assertThat(store.get(tooLong)).isEqualTo("processed");
            assertThat(store.get("")).isEqualTo("processed");
            assertThat(store.get(longest.substring(0, longest.length() - 1))).isNull();
            assertThat(store.get(tooLong + "9")).isNull();
            assertThat(store.remove(tooLong)).isEqualTo("processed");
            assertThat(store.get(tooLong)).isNull();
            assertThat(store.get(longest)).isEqualTo("processed");
        }
        assertThat(ProcessedOrders.entry(longest)).startsWith(0, ProcessedOrders.RAW_MAX);
        assertThat(ProcessedOrders.entry(tooLong)).hasSize(32).isNotEqualTo(ProcessedOrders.entry(longest));
    }

    @Test
    void aStoreThatRecordedShortKeysAsDigestsStillFindsThem() throws Exception {
        // the layout before short keys were kept as is: every entry the SHA-256 digest of its key
        Path file = this.dir.resolve("processed-orders");
        new ProcessedOrders(file).close();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest("id:7".getBytes(UTF_8))), 64);
            channel.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1), 0);
        }
        try (ProcessedOrders store = new ProcessedOrders(file)) {
            assertThat(store.get("id:7")).isEqualTo("processed");
            assertThat(store.get("id:8")).isNull();
            assertThat(store.remove("id:7")).isEqualTo("processed");
            assertThat(store.get("id:7")).isNull();
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
