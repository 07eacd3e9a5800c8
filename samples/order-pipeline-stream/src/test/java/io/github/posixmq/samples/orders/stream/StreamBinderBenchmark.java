package io.github.posixmq.samples.orders.stream;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.boot.properties.PosixMqProperties;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.template.PosixMqTemplate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.util.unit.DataSize;

/**
 * The stream sample on the posixmq binder, the RabbitMQ binder and the Kafka binder, side by side in one run on this
 * machine, plus {@link PosixMqTemplate} against {@link RabbitTemplate} and a Kafka producer and consumer for a one-way
 * send and receive. Each binder runs the packaged
 * application as its own process; this driver feeds it and reads the results:
 * <ul>
 * <li>throughput: {@code --orders} orders sent as fast as the pipeline takes them, orders/s from the first send to the
 * last result (median of {@code --iterations} runs after {@code --warmup} runs);</li>
 * <li>latency: {@code --latency-orders} orders one at a time, each sent after the previous result came back; p50 and
 * p99 of send to result, after {@code --latency-warmup} orders sent the same way (default 5000: the throughput runs
 * do not warm up the one-at-a-time path, whose JIT compilations and deoptimizations otherwise make the p99 of the
 * first thousand orders);</li>
 * <li>templates: {@code --messages} 64-byte messages sent and received one after the other on one queue; per pair
 * p50, p99 and pairs/s.</li>
 * </ul>
 * Run with {@code benchmarks/stream-binders.sh}. Needs RabbitMQ at 127.0.0.1:5672 (guest/guest); Kafka at
 * {@code --kafka BROKERS}, else a single-node KRaft broker started in this driver's JVM (spring-kafka-test), which
 * shares the machine's cores with the driver.
 */
public final class StreamBinderBenchmark {

    private static final int PAYLOAD = 64;

    private final Map<String, String> options;

    private final String prefix = "bench-stream-" + ProcessHandle.current().pid();

    private final List<Process> apps = new ArrayList<>();

    private @Nullable EmbeddedKafkaKraftBroker embeddedKafka;

    private StreamBinderBenchmark(Map<String, String> options) {
        this.options = options;
    }

    /**
     * Runs the benchmark: {@code --app-jar JAR [--orders N] [--warmup N] [--iterations N] [--latency-orders N]
     * [--latency-warmup N] [--messages N] [--kafka BROKERS] [--binders posixmq,rabbit[,kafka]]
     * [--app-prefix "taskset -c 1"] [--app-jvm-args "JVM OPTIONS"] [--out FILE]}.
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        if (!options.containsKey("--app-jar")) {
            System.err.println("usage: StreamBinderBenchmark --app-jar JAR [--orders N] [--warmup N] [--iterations N] "
                    + "[--latency-orders N] [--latency-warmup N] [--messages N] [--kafka BROKERS] [--out FILE]");
            System.exit(2);
        }
        StreamBinderBenchmark benchmark = new StreamBinderBenchmark(options);
        Runtime.getRuntime().addShutdownHook(new Thread(benchmark::cleanUp, "cleanup"));
        String table = benchmark.run();
        System.out.println(table);
        if (options.containsKey("--out")) {
            Files.writeString(Path.of(options.get("--out")), table);
        }
        System.exit(0);
    }

    private int option(String name, int fallback) {
        return Integer.parseInt(this.options.getOrDefault(name, String.valueOf(fallback)));
    }

    private String run() throws Exception {
        int orders = option("--orders", 5000);
        int latencyOrders = option("--latency-orders", 1000);
        int latencyWarmup = option("--latency-warmup", 5000);
        int iterations = option("--iterations", 3);
        int warmup = option("--warmup", 3);
        int messages = option("--messages", 20000);
        List<String> binders = List.of(this.options.getOrDefault("--binders", "posixmq,rabbit,kafka").split(","));
        boolean withKafka = binders.contains("kafka");
        StringBuilder table = new StringBuilder();
        table.append(withKafka ? "| what | posixmq | RabbitMQ | Kafka | posixmq / RabbitMQ | posixmq / Kafka |\n"
                + "| --- | --- | --- | --- | --- | --- |\n"
                : "| what | posixmq | RabbitMQ | posixmq / RabbitMQ |\n| --- | --- | --- | --- |\n");

        Pipeline posix = startPosix();
        Result posixThroughput = throughput(posix, orders, warmup, iterations);
        double[] posixLatency = latency(posix, latencyWarmup, latencyOrders, this.options.get("--latency-trace"));
        posix.close();
        stop();

        Result rabbitThroughput = new Result(List.of(Double.NaN));
        double[] rabbitLatency = { Double.NaN, Double.NaN, Double.NaN };
        boolean withRabbit = binders.contains("rabbit"); // without: a profiling run of posixmq alone
        if (withRabbit) {
            Pipeline rabbit = startRabbit();
            rabbitThroughput = throughput(rabbit, orders, warmup, iterations);
            rabbitLatency = latency(rabbit, latencyWarmup, latencyOrders, null);
            rabbit.close();
            stop();
        }

        String brokers = withKafka ? kafkaBrokers() : "";
        Result kafkaThroughput = new Result(List.of(Double.NaN));
        double[] kafkaLatency = { Double.NaN, Double.NaN, Double.NaN };
        if (withKafka) {
            Pipeline kafka = startKafka(brokers);
            kafkaThroughput = throughput(kafka, orders, warmup, iterations);
            kafkaLatency = latency(kafka, latencyWarmup, latencyOrders, null);
            kafka.close();
            stop();
        }

        row(table, withKafka, "stream sample: orders/s (" + orders + " orders, median of " + iterations + " runs)",
                posixThroughput.median(), rabbitThroughput.median(), kafkaThroughput.median(), "%,.0f", true);
        row(table, withKafka, "stream sample: latency per order p50, one at a time (" + latencyOrders + " orders after "
                + latencyWarmup + ")",
                posixLatency[0], rabbitLatency[0], kafkaLatency[0], "%,.0f µs", false);
        row(table, withKafka, "stream sample: latency per order p99", posixLatency[1], rabbitLatency[1],
                kafkaLatency[1], "%,.0f µs", false);
        row(table, withKafka, "stream sample: latency per order p99.9", posixLatency[2], rabbitLatency[2],
                kafkaLatency[2], "%,.0f µs", false);

        double[] posixTemplate = posixTemplate(messages);
        double[] rabbitTemplate = withRabbit ? rabbitTemplate(messages) : new double[] { Double.NaN, Double.NaN,
            Double.NaN };
        double[] kafkaTemplate = withKafka ? kafkaTemplate(brokers, messages) : new double[] { Double.NaN, Double.NaN,
            Double.NaN };
        row(table, withKafka, "template send + receive 64 B: p50", posixTemplate[0], rabbitTemplate[0],
                kafkaTemplate[0], "%,.1f µs", false);
        row(table, withKafka, "template send + receive 64 B: p99", posixTemplate[1], rabbitTemplate[1],
                kafkaTemplate[1], "%,.1f µs", false);
        row(table, withKafka, "template send + receive 64 B: pairs/s", posixTemplate[2], rabbitTemplate[2],
                kafkaTemplate[2], "%,.0f", true);
        if (this.embeddedKafka != null) {
            table.append("\nKafka: a single-node KRaft broker in the benchmark driver's JVM (spring-kafka-test).\n");
        }
        return table.toString();
    }

    private static void row(StringBuilder table, boolean withKafka, String what, double posix, double rabbit,
            double kafka, String format, boolean higherIsBetter) {
        table.append("| ").append(what).append(" | ").append(String.format(Locale.ROOT, format, posix)).append(" | ")
            .append(String.format(Locale.ROOT, format, rabbit)).append(" | ");
        if (withKafka) {
            table.append(String.format(Locale.ROOT, format, kafka)).append(" | ");
        }
        table.append(ratio(posix, rabbit, higherIsBetter)).append(" | ");
        if (withKafka) {
            table.append(ratio(posix, kafka, higherIsBetter)).append(" | ");
        }
        table.setLength(table.length() - 1);
        table.append("\n");
    }

    private static String ratio(double posix, double other, boolean higherIsBetter) {
        double ratio = higherIsBetter ? posix / other : other / posix;
        return String.format(Locale.ROOT, "%.1fx %s", ratio, higherIsBetter ? "more" : "faster");
    }

    /** {@code --kafka BROKERS}, else a single-node KRaft broker started in this JVM. */
    private String kafkaBrokers() {
        String brokers = this.options.get("--kafka");
        if (brokers != null) {
            return brokers;
        }
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        this.embeddedKafka = broker;
        return broker.getBrokersAsString();
    }

    // ---------------------------------------------------------------- the pipeline on each binder

    /** The driver's ends of one running pipeline. */
    private interface Pipeline extends AutoCloseable {

        void send(int id, int priority) throws Exception;

        /** The id of the next result (processed or rejected), waiting up to 60 seconds. */
        int result() throws Exception;

        @Override
        void close() throws Exception;
    }

    private static byte[] order(int id) {
        return ("{\"id\":" + id + ",\"item\":\"book #" + id + "\",\"qty\":" + (1 + id % 5) + "}")
            .getBytes(StandardCharsets.UTF_8);
    }

    private static int idOf(byte[] result) {
        String text = new String(result, StandardCharsets.UTF_8);
        int start = text.indexOf("\"id\":") + 5;
        int end = start;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        return Integer.parseInt(text.substring(start, end));
    }

    private Pipeline startPosix() throws Exception {
        String name = this.prefix + "-posix";
        startApp("posixmq", "--orders.name=" + name,
                "--spring.cloud.stream.posixmq.default.consumer.capacity=10",
                "--spring.cloud.stream.posixmq.default.consumer.max-message-size=1024",
                "--spring.cloud.stream.posixmq.default.consumer.remove-on-shutdown=true",
                "--spring.cloud.stream.posixmq.default.producer.capacity=10",
                "--spring.cloud.stream.posixmq.default.producer.max-message-size=1024",
                "--spring.cloud.stream.posixmq.default.producer.remove-on-shutdown=true");
        PosixMq orders = OpenOptions.writeOnly().existing().open("/" + name);
        PosixMq processed = OpenOptions.readOnly().existing().open("/" + name + ".processed");
        return new Pipeline() {

            @Override
            public void send(int id, int priority) {
                orders.send(order(id), priority);
            }

            @Override
            public int result() {
                return idOf(processed.receive(Duration.ofSeconds(60))
                    .orElseThrow(() -> new IllegalStateException("no result within 60 s")).bytes());
            }

            @Override
            public void close() {
                orders.close();
                processed.close();
            }
        };
    }

    private Pipeline startRabbit() throws Exception {
        String name = this.prefix + "-rabbit";
        startApp("rabbit", "--spring.profiles.active=rabbit", "--orders.name=" + name);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        Connection connection = factory.newConnection("stream-benchmark");
        Channel channel = connection.createChannel();
        BlockingQueue<byte[]> results = new LinkedBlockingQueue<>();
        channel.basicConsume(name + ".processed.checker", true, (tag, delivery) -> results.add(delivery.getBody()),
                (tag) -> { });
        return new Pipeline() {

            @Override
            public void send(int id, int priority) throws IOException {
                channel.basicPublish(name, name,
                        new com.rabbitmq.client.AMQP.BasicProperties.Builder().priority(priority).build(), order(id));
            }

            @Override
            public int result() throws InterruptedException {
                byte[] result = results.poll(60, TimeUnit.SECONDS);
                if (result == null) {
                    throw new IllegalStateException("no result within 60 s");
                }
                return idOf(result);
            }

            @Override
            public void close() throws Exception {
                for (String queue : List.of(name + ".pipeline", name + ".pipeline.dlq", name + ".processed.checker",
                        name + ".rejected.checker")) {
                    channel.queueDelete(queue);
                }
                for (String exchange : List.of(name, name + ".processed", name + ".rejected")) {
                    channel.exchangeDelete(exchange);
                }
                connection.close();
            }
        };
    }

    private Pipeline startKafka(String brokers) throws Exception {
        String name = this.prefix + "-kafka";
        startApp("kafka", "--spring.profiles.active=kafka", "--orders.name=" + name,
                "--spring.cloud.stream.kafka.binder.brokers=" + brokers);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                brokers, ProducerConfig.LINGER_MS_CONFIG, 0), new ByteArraySerializer(), new ByteArraySerializer());
        KafkaResults results = new KafkaResults(brokers, name + ".processed");
        return new Pipeline() {

            @Override
            public void send(int id, int priority) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(name, order(id));
                record.headers().add("priority", Integer.toString(priority).getBytes(StandardCharsets.US_ASCII));
                producer.send(record);
            }

            @Override
            public int result() throws InterruptedException {
                byte[] result = results.take(60);
                return idOf(result);
            }

            @Override
            public void close() throws Exception {
                producer.close();
                results.close();
            }
        };
    }

    /** A consumer thread reading {@code topic} from its start into a queue. */
    private static final class KafkaResults implements AutoCloseable {

        private final BlockingQueue<byte[]> results = new LinkedBlockingQueue<>();

        private final Thread thread;

        private volatile boolean running = true;

        KafkaResults(String brokers, String topic) {
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                    ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 1), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(topic));
            this.thread = new Thread(() -> {
                try (consumer) {
                    while (this.running) {
                        consumer.poll(Duration.ofMillis(100)).forEach((record) -> this.results.add(record.value()));
                    }
                }
            }, "kafka-results");
            this.thread.setDaemon(true);
            this.thread.start();
        }

        byte[] take(int seconds) throws InterruptedException {
            byte[] result = this.results.poll(seconds, TimeUnit.SECONDS);
            if (result == null) {
                throw new IllegalStateException("no result within " + seconds + " s");
            }
            return result;
        }

        @Override
        public void close() throws InterruptedException {
            this.running = false;
            this.thread.join(10_000);
        }
    }

    /** Orders/s over {@code iterations} runs of {@code orders} valid orders after {@code warmup} runs. */
    private static Result throughput(Pipeline pipeline, int orders, int warmup, int iterations) throws Exception {
        List<Double> rates = new ArrayList<>();
        int next = 1;
        for (int run = 1 - warmup; run <= iterations; run++) {
            int first = next;
            next += orders;
            long start = System.nanoTime();
            CompletableFuture<Void> receiving = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < orders; i++) {
                        pipeline.result();
                    }
                }
                catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            });
            for (int id = first; id < first + orders; id++) {
                pipeline.send(id, id % 10);
            }
            receiving.get(10, TimeUnit.MINUTES);
            double rate = orders / ((System.nanoTime() - start) / 1e9);
            if (run > 0) {
                rates.add(rate);
            }
            System.out.printf(Locale.ROOT, "  %s: %,.0f orders/s%n", run <= 0 ? "warm-up" : "run " + run, rate);
        }
        return new Result(rates);
    }

    /**
     * p50, p99 and p99.9 in microseconds of {@code count} orders sent one at a time, after {@code warmup} orders sent
     * the same way; with {@code trace}, each measured order's start (epoch microseconds, to match JFR and GC logs) and
     * latency in microseconds to that file.
     */
    private static double[] latency(Pipeline pipeline, int warmup, int count, @Nullable String trace)
            throws Exception {
        for (int i = 0; i < warmup; i++) {
            int id = 1_000_000 + i; // ids of as many digits as the measured ones: the same paths get compiled
            pipeline.send(id, 5);
            int back = pipeline.result();
            if (back != id) {
                throw new IllegalStateException("expected order " + id + " back, got " + back);
            }
        }
        long[] nanos = new long[count];
        long[] starts = new long[count];
        long epochOffset = System.currentTimeMillis() * 1000 - System.nanoTime() / 1000;
        for (int i = 0; i < count; i++) {
            int id = 1_000_000 + warmup + i;
            long start = System.nanoTime();
            starts[i] = start;
            pipeline.send(id, 5);
            int back = pipeline.result();
            nanos[i] = System.nanoTime() - start;
            if (back != id) {
                throw new IllegalStateException("expected order " + id + " back, got " + back);
            }
        }
        if (trace != null) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < count; i++) {
                lines.append(epochOffset + starts[i] / 1000).append(' ').append(nanos[i] / 1000).append('\n');
            }
            Files.writeString(Path.of(trace), lines);
        }
        return percentiles(nanos);
    }

    private static double[] percentiles(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new double[] { sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.99)] / 1e3,
            sorted[(int) (sorted.length * 0.999)] / 1e3 };
    }

    // ---------------------------------------------------------------- templates

    private double[] posixTemplate(int messages) {
        PosixMqProperties properties = new PosixMqProperties();
        PosixMqProperties.Queue queue = new PosixMqProperties.Queue();
        queue.setName("/" + this.prefix + "-template");
        queue.setCapacity(10L);
        queue.setMaxMessageSize(DataSize.ofBytes(1024));
        queue.setRemoveOnShutdown(true);
        properties.getQueues().put("bench", queue);
        properties.getRecovery().setEnabled(false);
        try (PosixMqQueues queues = new PosixMqQueues(properties.settings())) {
            PosixMqTemplate template = new PosixMqTemplate(queues);
            byte[] payload = new byte[PAYLOAD];
            long[] nanos = new long[messages];
            for (int round = 0; round < 2; round++) { // the first round warms up
                long start = System.nanoTime();
                for (int i = 0; i < messages; i++) {
                    long t = System.nanoTime();
                    template.send("bench", payload, 0);
                    template.receive("bench", Duration.ofSeconds(10)).orElseThrow();
                    nanos[i] = System.nanoTime() - t;
                }
                if (round == 1) {
                    double[] p = percentiles(nanos);
                    return new double[] { p[0], p[1], messages / ((System.nanoTime() - start) / 1e9) };
                }
            }
            throw new IllegalStateException("unreachable");
        }
    }

    private double[] rabbitTemplate(int messages) {
        CachingConnectionFactory factory = new CachingConnectionFactory("127.0.0.1");
        String queue = this.prefix + "-template";
        try {
            RabbitTemplate template = new RabbitTemplate(factory);
            template.execute((channel) -> channel.queueDeclare(queue, false, false, false, null));
            Message message = new Message(new byte[PAYLOAD], new MessageProperties());
            long[] nanos = new long[messages];
            for (int round = 0; round < 2; round++) {
                long start = System.nanoTime();
                for (int i = 0; i < messages; i++) {
                    long t = System.nanoTime();
                    template.send("", queue, message);
                    if (template.receive(queue, 10_000) == null) {
                        throw new IllegalStateException("RabbitTemplate received nothing within 10 s");
                    }
                    nanos[i] = System.nanoTime() - t;
                }
                if (round == 1) {
                    double[] p = percentiles(nanos);
                    return new double[] { p[0], p[1], messages / ((System.nanoTime() - start) / 1e9) };
                }
            }
            throw new IllegalStateException("unreachable");
        }
        finally {
            try {
                new RabbitTemplate(factory).execute((channel) -> channel.queueDelete(queue));
            }
            finally {
                factory.destroy();
            }
        }
    }

    /** A Kafka producer sends each message and waits for its acknowledgement, a consumer polls it back. */
    private double[] kafkaTemplate(String brokers, int messages) throws Exception {
        String topic = this.prefix + "-template";
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers, ProducerConfig.LINGER_MS_CONFIG, 0),
                new ByteArraySerializer(), new ByteArraySerializer());
                KafkaResults results = new KafkaResults(brokers, topic)) {
            producer.send(new ProducerRecord<>(topic, new byte[PAYLOAD])).get(); // creates the topic
            results.take(60);
            byte[] payload = new byte[PAYLOAD];
            long[] nanos = new long[messages];
            for (int round = 0; round < 2; round++) {
                long start = System.nanoTime();
                for (int i = 0; i < messages; i++) {
                    long t = System.nanoTime();
                    producer.send(new ProducerRecord<>(topic, payload)).get();
                    results.take(10);
                    nanos[i] = System.nanoTime() - t;
                }
                if (round == 1) {
                    double[] p = percentiles(nanos);
                    return new double[] { p[0], p[1], messages / ((System.nanoTime() - start) / 1e9) };
                }
            }
            throw new IllegalStateException("unreachable");
        }
    }

    // ---------------------------------------------------------------- processes

    /** Starts the sample jar and waits until it logged that it started. */
    private void startApp(String label, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        // --app-prefix "taskset -c 1" pins the application; --app-jvm-args "-Xlog:gc ..." adds JVM options
        String prefixOption = this.options.getOrDefault("--app-prefix", "").trim();
        if (!prefixOption.isEmpty()) {
            command.addAll(List.of(prefixOption.split("\\s+")));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        String jvmArgs = this.options.getOrDefault("--app-jvm-args", "").trim();
        if (!jvmArgs.isEmpty()) {
            command.addAll(List.of(jvmArgs.replace("{label}", label).split("\\s+")));
        }
        command.addAll(List.of("-jar", this.options.get("--app-jar"), "--spring.main.banner-mode=off"));
        command.addAll(List.of(args));
        System.out.println(label + ": " + String.join(" ", command));
        Process app = new ProcessBuilder(command).redirectErrorStream(true).start();
        this.apps.add(app);
        BufferedReader output = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = output.readLine()) != null) {
            if (line.contains("Started OrderPipelineStreamApplication")) {
                // keep draining the log so the application never blocks on a full pipe
                Thread drain = new Thread(() -> {
                    try {
                        output.lines().forEach((ignored) -> { });
                    }
                    catch (java.io.UncheckedIOException ex) {
                        // the application stopped
                    }
                }, label + "-log");
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        throw new IllegalStateException(label + " application exited before it started");
    }

    private void stop() throws InterruptedException {
        for (Process app : this.apps) {
            app.destroy();
            if (!app.waitFor(60, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
        this.apps.clear();
    }

    private void cleanUp() {
        this.apps.forEach(Process::destroyForcibly);
        if (this.embeddedKafka != null) {
            this.embeddedKafka.destroy();
        }
        for (String suffix : List.of("-posix", "-posix.processed", "-posix.rejected", "-posix.dead-letter",
                "-template")) {
            PosixMq.unlinkIfExists("/" + this.prefix + suffix);
        }
    }

    /** Rates of the measured runs. */
    private record Result(List<Double> rates) {

        double median() {
            List<Double> sorted = rates.stream().sorted().toList();
            return sorted.get(sorted.size() / 2);
        }
    }
}
