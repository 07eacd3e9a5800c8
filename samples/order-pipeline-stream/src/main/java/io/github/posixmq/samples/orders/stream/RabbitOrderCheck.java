package io.github.posixmq.samples.orders.stream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;

/**
 * The feeder and checker of the pipeline on RabbitMQ (the counterpart of the C {@code order-producer}): publishes
 * COUNT orders with priorities 0 to 9 to exchange NAME (every 7th invalid), then reads queues
 * {@code NAME.processed.checker} and {@code NAME.rejected.checker} (purged first, so results of earlier runs or of the
 * bridge do not count) and checks that every valid order came back
 * processed as the same JSON plus {@code "status":"ACCEPTED"}, every invalid one rejected byte for byte, each exactly
 * once and with its AMQP priority.
 *
 * <pre>{@code
 * java -cp order-pipeline-stream.jar -Dloader.main=io.github.posixmq.samples.orders.stream.RabbitOrderCheck \
 *      org.springframework.boot.loader.launch.PropertiesLauncher [COUNT [NAME [HOST]]]
 * }</pre>
 * Exit status 0 when every order came back right, 1 otherwise.
 */
public final class RabbitOrderCheck {

    static final int INVALID_EVERY = 7;

    private static final Pattern REF = Pattern.compile("#(\\d+)");

    private RabbitOrderCheck() {
    }

    /** Runs the check; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        String name = args.length > 1 ? args[1] : "orders";
        String host = args.length > 2 ? args[2] : "127.0.0.1";
        Result result = run(host, name, count, 30_000);
        System.out.println(result);
        System.exit(result.ok() ? 0 : 1);
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

    /** Publishes {@code count} orders to exchange {@code name} on {@code host}, waiting up to {@code waitMillis}. */
    public static Result run(String host, String name, int count, long waitMillis)
            throws IOException, TimeoutException, InterruptedException {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host);
        try (Connection connection = factory.newConnection("order-check"); Channel channel = connection.createChannel()) {
            // results left by earlier runs (the bridge's orders also come back through these queues) would count as
            // wrong or duplicated: every check starts from empty checker queues
            for (String checker : new String[] { name + ".processed.checker", name + ".rejected.checker" }) {
                try (Channel purge = connection.createChannel()) {
                    purge.queuePurge(checker);
                }
                catch (IOException | RuntimeException ex) {
                    // not declared yet (the pipeline declares them when it starts): nothing to purge
                }
            }
            Map<Integer, byte[]> orders = new HashMap<>();
            int invalid = 0;
            for (int id = 1; id <= count; id++) {
                boolean valid = id % INVALID_EVERY != 0;
                invalid += valid ? 0 : 1;
                byte[] order = order(id, valid);
                orders.put(id, order);
                AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().priority(id % 10)
                    .contentType("application/json").build();
                channel.basicPublish(name, name, properties, order);
            }
            BlockingQueue<Delivery> results = new LinkedBlockingQueue<>();
            channel.basicConsume(name + ".processed.checker", true, (tag, delivery) -> results.add(delivery), (tag) -> { });
            channel.basicConsume(name + ".rejected.checker", true, (tag, delivery) -> results.add(delivery), (tag) -> { });
            Map<Integer, Integer> seen = new HashMap<>();
            int[] tally = new int[5]; // processed, rejected, wrong, duplicated, received
            long deadline = System.nanoTime() + waitMillis * 1_000_000;
            while (tally[4] < count) {
                Delivery delivery = results.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (delivery == null) {
                    break;
                }
                // the exchange it was published to tells processed from rejected
                take(delivery, delivery.getEnvelope().getExchange().equals(name + ".processed"), orders, seen, tally);
            }
            int missing = count - seen.size();
            return new Result(count, invalid, tally[0], tally[1], tally[2], missing, tally[3]);
        }
    }

    private static void take(Delivery response, boolean processed, Map<Integer, byte[]> orders,
            Map<Integer, Integer> seen, int[] tally) {
        tally[4]++;
        tally[processed ? 0 : 1]++;
        byte[] body = response.getBody();
        Matcher matcher = REF.matcher(new String(body, StandardCharsets.ISO_8859_1));
        if (!matcher.find()) {
            tally[2]++;
            return;
        }
        int id = Integer.parseInt(matcher.group(1));
        if (seen.merge(id, 1, Integer::sum) > 1) {
            tally[3]++;
            return;
        }
        byte[] order = orders.get(id);
        boolean valid = id % INVALID_EVERY != 0;
        byte[] expected = valid ? accepted(order) : order;
        Integer priority = response.getProperties().getPriority();
        if (order == null || valid != processed || !java.util.Arrays.equals(body, expected)
                || priority == null || priority != id % 10) {
            tally[2]++;
        }
    }

    /** Order {@code id}: valid JSON, or (every 7th) a quantity of 0 or bytes that are not JSON. */
    static byte[] order(int id, boolean valid) {
        String text = valid ? "{\"id\":" + id + ",\"item\":\"book #" + id + "\",\"qty\":" + (1 + id % 5) + "}"
                : (id / INVALID_EVERY) % 2 == 0 ? "{\"id\":" + id + ",\"item\":\"pen #" + id + "\",\"qty\":0}"
                        : "#" + id + " is not an order";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] accepted(byte[] order) {
        String text = new String(order, StandardCharsets.UTF_8);
        return (text.substring(0, text.length() - 1) + ",\"status\":\"ACCEPTED\"}").getBytes(StandardCharsets.UTF_8);
    }
}
