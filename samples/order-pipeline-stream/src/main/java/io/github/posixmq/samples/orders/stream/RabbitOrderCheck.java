package io.github.posixmq.samples.orders.stream;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
 * once and with its AMQP priority (see {@link OrderTally}).
 *
 * <pre>{@code
 * java -cp order-pipeline-stream.jar -Dloader.main=io.github.posixmq.samples.orders.stream.RabbitOrderCheck \
 *      org.springframework.boot.loader.launch.PropertiesLauncher [COUNT [NAME [HOST]]]
 * }</pre>
 * Exit status 0 when every order came back right, 1 otherwise.
 */
public final class RabbitOrderCheck {

    private RabbitOrderCheck() {
    }

    /** Runs the check; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        String name = args.length > 1 ? args[1] : "orders";
        String host = args.length > 2 ? args[2] : "127.0.0.1";
        OrderTally.Result result = run(host, name, count, 30_000);
        System.out.println(result);
        System.exit(result.ok() ? 0 : 1);
    }

    /** Publishes {@code count} orders to exchange {@code name} on {@code host}, waiting up to {@code waitMillis}. */
    public static OrderTally.Result run(String host, String name, int count, long waitMillis)
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
            OrderTally tally = new OrderTally(count);
            for (int id = 1; id <= count; id++) {
                AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().priority(OrderTally.priority(id))
                    .contentType("application/json").build();
                channel.basicPublish(name, name, properties, tally.order(id));
            }
            BlockingQueue<Delivery> results = new LinkedBlockingQueue<>();
            channel.basicConsume(name + ".processed.checker", true, (tag, delivery) -> results.add(delivery), (tag) -> { });
            channel.basicConsume(name + ".rejected.checker", true, (tag, delivery) -> results.add(delivery), (tag) -> { });
            long deadline = System.nanoTime() + waitMillis * 1_000_000;
            while (!tally.complete()) {
                Delivery delivery = results.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (delivery == null) {
                    break;
                }
                // the exchange it was published to tells processed from rejected; RabbitMQ delivers by priority
                Integer priority = delivery.getProperties().getPriority();
                tally.take(delivery.getBody(), delivery.getEnvelope().getExchange().equals(name + ".processed"),
                        priority != null ? priority : -1, null);
            }
            return tally.result();
        }
    }
}
