package io.github.posixmq;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The C producer of samples/native-producer ({@code order-producer}), built with gcc for tests that need a producer
 * that is not a JVM, and the orders it sends: {@code order-producer -S -i 0 -n COUNT QUEUE} sends valid orders with
 * ids 1 to COUNT, each one's bytes and priority a function of its id (reproduced here, so a consumer checks every
 * byte).
 */
final class NativeOrders {

    /** The largest order the producer sends (its MAX_ORDER): the queue's message size. */
    static final int MAX_ORDER = 256;

    private static final String[] ITEMS = { "book", "pen", "caf\u00e9 au lait", "lamp" };

    private NativeOrders() {
    }

    /** Builds {@code order-producer} into {@code dir} (skips the test when there is no gcc). */
    static Path build(Path dir) throws IOException, InterruptedException {
        Optional<Path> gcc = Host.tool("gcc");
        assumeThat(gcc).as("gcc is needed to build the C producer (.ci/run installs it)").isPresent();
        Path source = Path.of("../samples/native-producer/order_producer.c").toAbsolutePath().normalize();
        Path binary = dir.resolve("order-producer");
        Process cc = new ProcessBuilder(gcc.get().toString(), "-O2", "-std=c11", "-o", binary.toString(),
                source.toString(), "-lrt").redirectErrorStream(true).start();
        String output = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cc.waitFor()).as("gcc %s: %s", source, output).isZero();
        return binary;
    }

    /** The bytes of valid order {@code id}, as the producer builds them. */
    static byte[] order(long id) {
        return ("{\"id\":" + id + ",\"item\":\"" + ITEMS[(int) (id % 4)] + " #" + id + "\",\"qty\":" + (1 + id % 5)
                + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** The priority order {@code id} is sent with. */
    static int priority(long id) {
        return (int) ((id * 7) % 10);
    }

    /** The id after the first {@code "#"} of {@code message} (position 0 to limit), or -1. */
    static long idOf(ByteBuffer message) {
        for (int i = 0; i + 1 < message.limit(); i++) {
            if (message.get(i) == '#' && Character.isDigit(message.get(i + 1))) {
                long id = 0;
                for (int j = i + 1; j < message.limit() && Character.isDigit(message.get(j)) && id < 1L << 40; j++) {
                    id = id * 10 + (message.get(j) - '0');
                }
                return id;
            }
        }
        return -1;
    }

    /** The id of {@code message} if it is exactly that order with its priority; else an exception saying why. */
    static long verify(ByteBuffer message, int priority) {
        long id = idOf(message);
        byte[] bytes = new byte[message.limit()];
        message.get(0, bytes);
        if (id < 1 || !java.util.Arrays.equals(bytes, order(id)) || priority != priority(id)) {
            throw new IllegalStateException("not an order of the C producer: priority " + priority + ", "
                    + bytes.length + " bytes " + new String(bytes, StandardCharsets.ISO_8859_1).replace('\n', ' '));
        }
        return id;
    }
}
