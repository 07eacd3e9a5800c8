package io.github.posixmq.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;

/**
 * End to end: orders per second from the native producer ({@code samples/native-producer}) through a router and back,
 * where the router is either the order-pipeline sample (Spring Boot, {@code java -jar order-pipeline.jar}) or its
 * C twin {@code benchmarks/c/orderroute.c}. The producer checks every result, so both routers provably do the same
 * work. Both routers run side by side on their own queues (idle while the other is fed), and the producer
 * alternates between them, C first and last, so both share whatever else the machine is doing. Each iteration
 * sends {@code --orders} orders (every fifth invalid) and times them until the last result is back. All processes
 * inherit this process's CPU set, so start it under {@code taskset -c 0} for the pinned figure.
 *
 * <p>Usage: {@code OrderPipelineBenchmark --app-jar JAR --router BIN --producer BIN --out FILE [--orders N]
 * [--warmup N] [--iterations N] [--prefix /NAME] [--log-dir DIR]}. The queues (capacity 10, 1 KiB messages) are
 * {@code PREFIX-c[.processed|.rejected]} and {@code PREFIX-java[.processed|.rejected|.dead-letter]}; they are removed
 * at the end, also on failure or Ctrl-C.
 */
public final class OrderPipelineBenchmark {

    private static final Pattern RATE = Pattern.compile("\\(([0-9.]+) orders/s\\)");
    private static final long CAPACITY = 10;
    private static final long MESSAGE_SIZE = 1024;

    private final Map<String, String> options;
    private final List<String> cQueues;
    private final List<String> javaQueues;
    private final List<Process> running = new CopyOnWriteArrayList<>();
    private final Path logDir;
    private long nextId = 1;

    private OrderPipelineBenchmark(Map<String, String> options) {
        this.options = options;
        String prefix = options.getOrDefault("--prefix", "/posixmq-bench-e2e-" + ProcessHandle.current().pid());
        this.cQueues = List.of(prefix + "-c", prefix + "-c.processed", prefix + "-c.rejected");
        this.javaQueues = List.of(prefix + "-java", prefix + "-java.processed", prefix + "-java.rejected",
                prefix + "-java.dead-letter");
        this.logDir = Path.of(options.getOrDefault("--log-dir", "."));
    }

    /** Runs the benchmark; see the class comment for the arguments. */
    public static void main(String[] args) {
        try {
            Map<String, String> options = new LinkedHashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                options.put(args[i], args[i + 1]);
            }
            if (args.length % 2 != 0 || !options.keySet().containsAll(List.of("--app-jar", "--router", "--producer",
                    "--out"))) {
                System.err.println("usage: OrderPipelineBenchmark --app-jar JAR --router BIN --producer BIN --out FILE"
                        + " [--orders N] [--warmup N] [--iterations N] [--prefix /NAME] [--log-dir DIR]"
                        + " [--binding jna|ffm] [--app-args \"--more --app --arguments\"]");
                System.exit(2);
            }
            new OrderPipelineBenchmark(options).run();
            System.exit(0);
        }
        catch (Exception ex) {
            System.err.println("order pipeline benchmark failed: " + ex);
            ex.printStackTrace();
            System.exit(1);
        }
    }

    private void run() throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(this::cleanUp, "cleanup"));
        Files.createDirectories(logDir);
        int orders = Integer.parseInt(options.getOrDefault("--orders", "20000"));
        int warmup = Integer.parseInt(options.getOrDefault("--warmup", "10"));
        int iterations = Integer.parseInt(options.getOrDefault("--iterations", "5"));
        String cpus = Suite.allowedCpus();
        System.out.println("Order pipeline end to end on CPUs " + cpus + ": " + orders + " orders per iteration; "
                + warmup + " warm-up iterations for the Spring app, 1 for C; then C and Java alternate, "
                + iterations + " measured iterations each plus a last one for C");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the Spring app's binding: FFM on Java 22+ (its manifest enables native access), JNA before
        String binding = options.getOrDefault("--binding", Runtime.version().feature() >= 22 ? "ffm" : "jna");
        List<String> app = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Dposixmq.binding=" + binding, "-jar", options.get("--app-jar"),
                "--server.port=0", "--spring.main.banner-mode=off",
                "--posixmq.queues.orders.name=" + javaQueues.get(0),
                "--posixmq.queues.processed.name=" + javaQueues.get(1),
                "--posixmq.queues.rejected.name=" + javaQueues.get(2),
                "--posixmq.queues.dead-letter.name=" + javaQueues.get(3)));
        String appArgs = options.getOrDefault("--app-args", "").strip();
        if (!appArgs.isEmpty()) {
            app.addAll(List.of(appArgs.split("\\s+"))); // such as --posixmq.dispatch.dedicated-threads=true
        }
        List<String> router = List.of(options.get("--router"), cQueues.get(0), cQueues.get(1), cQueues.get(2));
        createQueues();
        List<Double> c = new ArrayList<>();
        List<Double> spring = new ArrayList<>();
        try {
            Process cRouter = start("C router", router);
            Process springApp = start("Spring app", app);
            for (int i = 1; i <= warmup; i++) {
                produce("Spring app warm-up " + i, javaQueues, orders, springApp);
            }
            produce("C router warm-up", cQueues, orders, cRouter);
            for (int i = 1; i <= iterations; i++) {
                c.add(produce("C router " + i, cQueues, orders, cRouter));
                spring.add(produce("Spring app " + i, javaQueues, orders, springApp));
            }
            c.add(produce("C router " + (iterations + 1), cQueues, orders, cRouter));
            stop(springApp);
            stop(cRouter);
        }
        finally {
            cleanUp();
        }
        Row row = new Row(cpus, binding, Operation.ORDER_PIPELINE, c, spring, Double.NaN);
        Report.write(Path.of(options.get("--out")), List.of(row));
        Report.print(List.of(row), System.out);
    }

    private Process start(String label, List<String> command) throws IOException {
        System.out.println(label + ": " + String.join(" ", command));
        Path log = logDir.resolve("e2e-" + label.replaceAll("[^A-Za-z]+", "-").toLowerCase() + ".log");
        return start(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()));
    }

    /** One producer run on {@code queues}; returns its orders/s, or fails on a wrong, missing or duplicated result. */
    private double produce(String label, List<String> queues, int orders, Process router)
            throws IOException, InterruptedException {
        List<String> command = List.of(options.get("--producer"), "-n", String.valueOf(orders), "-w", "120", "-s",
                String.valueOf(nextId), queues.get(0), queues.get(1), queues.get(2));
        nextId += orders;
        Process producer = start(new ProcessBuilder(command).redirectErrorStream(true));
        String output = new String(producer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = producer.waitFor();
        running.remove(producer);
        Matcher rate = RATE.matcher(output);
        if (status != 0 || !rate.find()) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit status " + status + ", router "
                    + (router.isAlive() ? "running" : "exited") + ", logs in " + logDir + "):\n" + output);
        }
        double ordersPerSecond = Double.parseDouble(rate.group(1));
        System.out.printf("  %s: %.0f orders/s%n", label, ordersPerSecond);
        return ordersPerSecond;
    }

    private Process start(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        running.add(process);
        return process;
    }

    private void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        running.remove(process);
    }

    private void createQueues() {
        unlinkQueues();
        for (String name : allQueues()) {
            OpenOptions.readWrite().createNew().capacity(CAPACITY).maxMessageSize(MESSAGE_SIZE).open(name).close();
        }
    }

    private void unlinkQueues() {
        allQueues().forEach(PosixMq::unlinkIfExists);
    }

    private List<String> allQueues() {
        List<String> all = new ArrayList<>(cQueues);
        all.addAll(javaQueues);
        return all;
    }

    /** On exit, also after Ctrl-C: stop what is still running and remove the queues. */
    private void cleanUp() {
        for (Process process : running) {
            process.destroyForcibly();
        }
        unlinkQueues();
    }
}
