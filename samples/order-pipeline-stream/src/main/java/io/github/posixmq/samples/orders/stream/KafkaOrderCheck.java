package io.github.posixmq.samples.orders.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The feeder and checker of the pipeline on Apache Kafka (the counterpart of {@link RabbitOrderCheck}): publishes COUNT
 * orders to topic NAME with the record header {@code priority} (0 to 9 as decimal text, as any producer can write it;
 * every 7th order invalid), then reads topics {@code NAME.processed} and {@code NAME.rejected} from the start and checks
 * that every valid order came back processed as the same JSON plus {@code "status":"ACCEPTED"}, every invalid one
 * rejected byte for byte, each exactly once, with its priority header, and in the order it was sent (one partition;
 * see {@link OrderTally}).
 *
 * <pre>{@code
 * java -cp order-pipeline-stream.jar -Dloader.main=io.github.posixmq.samples.orders.stream.KafkaOrderCheck \
 *      org.springframework.boot.loader.launch.PropertiesLauncher [COUNT [NAME [BROKERS]]]
 * }</pre>
 * Exit status 0 when every order came back right, 1 otherwise.
 */
public final class KafkaOrderCheck {

    private KafkaOrderCheck() {
    }

    /** Runs the check; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        String name = args.length > 1 ? args[1] : "orders";
        String brokers = args.length > 2 ? args[2] : "127.0.0.1:9092";
        OrderTally.Result result = run(brokers, name, count, 30_000);
        System.out.println(result);
        System.exit(result.ok() ? 0 : 1);
    }

    /**
     * Publishes {@code count} orders to topic {@code name} on {@code brokers} and reads the results, waiting up to
     * {@code waitMillis}; out-of-order, wrong-priority and altered results count as wrong.
     */
    public static OrderTally.Result run(String brokers, String name, int count, long waitMillis) {
        OrderTally tally = new OrderTally(count);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int id = 1; id <= count; id++) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(name, tally.order(id));
                record.headers().add("priority",
                        Integer.toString(OrderTally.priority(id)).getBytes(StandardCharsets.US_ASCII));
                producer.send(record);
            }
            producer.flush();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ConsumerConfig.GROUP_ID_CONFIG, "order-check-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(name + ".processed", name + ".rejected"));
            long deadline = System.nanoTime() + waitMillis * 1_000_000;
            while (!tally.complete() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    // one partition: each topic's results come back in the order sent
                    tally.take(record.value(), record.topic().equals(name + ".processed"), priority(record),
                            record.topic());
                }
            }
        }
        return tally.result();
    }

    /** The record's {@code priority} header as a number (the binder writes it as JSON: {@code 7}), or -1. */
    private static int priority(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader("priority");
        if (header == null) {
            return -1;
        }
        try {
            return Integer.parseInt(new String(header.value(), StandardCharsets.US_ASCII).trim());
        }
        catch (NumberFormatException ex) {
            return -1;
        }
    }
}
