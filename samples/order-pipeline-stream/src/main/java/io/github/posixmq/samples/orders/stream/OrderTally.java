package io.github.posixmq.samples.orders.stream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The orders a check sends and the tally of what came back, the same on RabbitMQ ({@link RabbitOrderCheck}) and on
 * Apache Kafka ({@link KafkaOrderCheck}): COUNT orders with priorities 0 to 9 ({@code id % 10}), every 7th invalid;
 * a valid one must come back processed as the same JSON plus {@code "status":"ACCEPTED"}, an invalid one rejected
 * byte for byte, each exactly once and with its priority.
 */
public final class OrderTally {

    /** Every this many orders one is invalid. */
    static final int INVALID_EVERY = 7;

    private static final Pattern REF = Pattern.compile("#(\\d+)");

    private final int count;

    private final Map<Integer, byte[]> orders = new HashMap<>();

    private final Map<Integer, Integer> seen = new HashMap<>();

    private final Map<String, Integer> last = new HashMap<>();

    private int invalid;

    private int processed;

    private int rejected;

    private int wrong;

    private int duplicated;

    private int received;

    /** The tally of a check of {@code count} orders. */
    OrderTally(int count) {
        this.count = count;
    }

    /** Order {@code id} (1 to COUNT), remembered to check what comes back. */
    byte[] order(int id) {
        boolean valid = id % INVALID_EVERY != 0;
        this.invalid += valid ? 0 : 1;
        byte[] order = order(id, valid);
        this.orders.put(id, order);
        return order;
    }

    /** The priority order {@code id} is sent with. */
    static int priority(int id) {
        return id % 10;
    }

    /** Whether as many results came back as orders were sent. */
    boolean complete() {
        return this.received >= this.count;
    }

    /**
     * Counts one result.
     *
     * @param body its bytes
     * @param processed whether it came back processed (else rejected)
     * @param priority the priority it came back with, or -1 without one
     * @param sequence where results must come back in the order sent (Kafka: the topic), or null where the order is
     *        not kept (RabbitMQ delivers by priority)
     */
    void take(byte[] body, boolean processed, int priority, @Nullable String sequence) {
        this.received++;
        if (processed) {
            this.processed++;
        }
        else {
            this.rejected++;
        }
        Matcher matcher = REF.matcher(new String(body, StandardCharsets.ISO_8859_1));
        if (!matcher.find()) {
            this.wrong++;
            return;
        }
        int id = Integer.parseInt(matcher.group(1));
        if (this.seen.merge(id, 1, Integer::sum) > 1) {
            this.duplicated++;
            return;
        }
        byte[] order = this.orders.get(id);
        boolean valid = id % INVALID_EVERY != 0;
        byte[] expected = (order != null && valid) ? accepted(order) : order;
        boolean inOrder = true;
        if (sequence != null) {
            inOrder = this.last.getOrDefault(sequence, 0) < id;
            this.last.put(sequence, id);
        }
        if (order == null || valid != processed || !Arrays.equals(body, expected) || priority != priority(id)
                || !inOrder) {
            this.wrong++;
        }
    }

    /** What came back so far. */
    Result result() {
        return new Result(this.count, this.invalid, this.processed, this.rejected, this.wrong,
                this.count - this.seen.size(), this.duplicated);
    }

    /** Order {@code id}: valid JSON, or (every 7th) a quantity of 0 or bytes that are not JSON. */
    static byte[] order(int id, boolean valid) {
        String text = valid ? "{\"id\":" + id + ",\"item\":\"book #" + id + "\",\"qty\":" + (1 + id % 5) + "}"
                : (id / INVALID_EVERY) % 2 == 0 ? "{\"id\":" + id + ",\"item\":\"pen #" + id + "\",\"qty\":0}"
                        : "#" + id + " is not an order";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The processed form of valid order {@code order}: the same JSON plus {@code "status":"ACCEPTED"}. */
    static byte[] accepted(byte[] order) {
        String text = new String(order, StandardCharsets.UTF_8);
        return (text.substring(0, text.length() - 1) + ",\"status\":\"ACCEPTED\"}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * What came back.
     *
     * @param sent orders sent
     * @param invalid invalid orders among them
     * @param processed orders back on the processed queue
     * @param rejected orders back on the rejected queue
     * @param wrong results with wrong bytes, priority or queue
     * @param missing orders that did not come back within the wait
     * @param duplicated results received more than once
     */
    public record Result(int sent, int invalid, int processed, int rejected, int wrong, int missing, int duplicated) {

        /** Whether every order came back right. */
        public boolean ok() {
            return this.wrong == 0 && this.missing == 0 && this.duplicated == 0;
        }

        @Override
        public String toString() {
            return "sent " + this.sent + " orders (" + this.invalid + " invalid); " + this.processed + " processed, "
                    + this.rejected + " rejected; " + this.wrong + " wrong, " + this.missing + " missing, "
                    + this.duplicated + " duplicated";
        }
    }
}
