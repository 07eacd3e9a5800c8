package io.github.posixmq.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the C reference and the Java benchmarks (JMH with {@code -prof gc} and {@link WorkerAllocationProfiler}, then
 * the two-thread harness) in alternating rounds, C first and C last ({@code C, Java, C, Java, ..., C}), all on the
 * CPUs this process may use (start it under {@code taskset -c 0} to pin everything), then prints the Java / C table
 * and writes the rows to a result file for {@link Report}. Alternating rounds make C and Java share whatever else the
 * machine is doing, so the ratio holds up better than either figure alone. {@code benchmarks/run.sh} calls it pinned
 * and unpinned. The B/op column is the benchmark threads' own allocation ({@link WorkerAllocationProfiler}), not
 * JMH's all-threads {@code gc.alloc.rate.norm}, which stays in the JMH log.
 *
 * <p>Every round runs the Java side once per native binding ({@code --bindings}, default {@code jna,ffm} on Java
 * 22+ and {@code jna} before): JMH forks and a child JVM for the two-thread harness, each started with
 * {@code -Dposixmq.binding=NAME}, so FFM and JNA rows come from the same rounds as their C reference.
 *
 * <p>Usage: {@code java -jar benchmarks.jar --c-binary PATH [--smoke | --quick] [--out FILE] [--only NAME,...]
 * [--bindings jna,ffm] [--rounds N] [--warmup N] [--iterations N] [--time-ms MS] [--messages N] [--round-trips N]
 * [--c-idle-threads N]}. {@code --c-idle-threads 1} gives the C process an idle thread: a multi-threaded process (every
 * JVM) pays about 50 ns more per {@code mq_*} call in the kernel, see {@code mqbench.c}. Warm-up and measurement
 * iterations are per round (a new JMH fork each round); medians pool all rounds. Names are the C
 * benchmark names ({@code pair-64, pair-8192, trysend-full, tryreceive-empty, attributes, throughput-64,
 * throughput-8192, pingpong-64}). Exits with status 1 when any benchmark fails or yields no result.
 */
public final class Suite {

    /**
     * How long to run: rounds of C and Java, warm-up and measurement iterations per round, their length (time-based
     * benchmarks), and the messages / round trips per iteration (two-thread benchmarks).
     */
    record Settings(int rounds, int warmup, int iterations, int timeMillis, long messages, long roundTrips) {

        /** CI: proves everything runs, measures nothing. */
        static final Settings SMOKE = new Settings(1, 0, 1, 100, 2_000, 500);
        /**
         * About three minutes per CPU set, for trying changes. Three warm-up iterations: with one (300 ms) C2 had
         * often not compiled the FFM paths yet on a loaded machine, and the first measurement iteration carried the
         * interpreter's and C1's allocation (40 B per downcall) into the B/op column.
         */
        static final Settings QUICK = new Settings(2, 3, 2, 300, 50_000, 5_000);
        /** The figures in RESULTS.md. */
        static final Settings FULL = new Settings(3, 2, 3, 1_000, 200_000, 20_000);
    }

    /** Threads that only wait in the C reference process ({@code --c-idle-threads}); 0 keeps it single-threaded. */
    private static int cIdleThreads;

    private Suite() {
    }

    /** Runs the suite; see the class comment for the arguments. */
    public static void main(String[] args) {
        try {
            System.exit(run(args));
        }
        catch (Exception ex) {
            System.err.println("benchmark suite failed: " + ex);
            ex.printStackTrace();
            System.exit(1);
        }
    }

    static int run(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        Settings settings = settings(options);
        cIdleThreads = intOption(options, "--c-idle-threads", 0);
        Path cBinary = Path.of(required(options, "--c-binary"));
        if (!Files.isExecutable(cBinary)) {
            throw new IllegalArgumentException(cBinary + " is not an executable; build it with benchmarks/c/build.sh");
        }
        List<String> names = options.containsKey("--only") ? Arrays.asList(options.get("--only").split(","))
                : Operation.cKeys();
        for (String name : names) {
            if (!Operation.cKeys().contains(name)) {
                throw new IllegalArgumentException("unknown benchmark " + name + "; known: " + Operation.cKeys());
            }
        }
        List<String> bindings = Arrays.asList(options.getOrDefault("--bindings",
                Runtime.version().feature() >= 22 ? "jna,ffm" : "jna").split(","));
        for (String binding : bindings) {
            if (!List.of("jna", "ffm").contains(binding)) {
                throw new IllegalArgumentException("unknown binding " + binding + "; known: jna, ffm");
            }
        }
        Path out = Path.of(options.getOrDefault("--out", "benchmark-results.tsv")).toAbsolutePath();
        String cpus = allowedCpus();
        System.out.println("posixmq benchmarks on CPUs " + cpus + " (" + (cpus.matches("\\d+") ? "pinned" : "unpinned")
                + "), Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), "
                + "bindings " + bindings + ", " + settings + (cIdleThreads > 0 ? ", C process with " + cIdleThreads
                + " idle thread(s)" : ""));

        Map<String, List<Double>> c = new LinkedHashMap<>();
        Map<String, List<Measurement>> java = new LinkedHashMap<>();
        for (int round = 1; round <= settings.rounds(); round++) {
            System.out.println("round " + round + " of " + settings.rounds() + ": C reference " + names);
            runC(cBinary, settings, names, c);
            for (String binding : bindings) {
                System.out.println("round " + round + " of " + settings.rounds() + ": Java on " + binding);
                Map<String, Measurement> results = new LinkedHashMap<>(jmh(settings, names, binding,
                        Path.of(out + ".jmh-round" + round + "-" + binding + ".log")));
                results.putAll(threaded(settings, names, binding));
                results.forEach((key, measurement) -> java.computeIfAbsent(binding + " " + key,
                        k -> new ArrayList<>()).add(measurement));
            }
        }
        System.out.println("last: C reference");
        runC(cBinary, settings, names, c);

        List<Row> rows = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Operation operation : Operation.values()) {
            if (!names.contains(operation.cKey)) {
                continue;
            }
            for (String binding : bindings) {
                List<Double> cScores = c.getOrDefault(operation.cKey, List.of());
                List<Measurement> rounds = java.getOrDefault(binding + " " + operation.key, List.of());
                List<Double> javaScores = rounds.stream().flatMap(m -> m.scores().stream()).toList();
                if (cScores.isEmpty() || javaScores.isEmpty()) {
                    missing.add(binding + " " + operation.key);
                    continue;
                }
                double bytesPerOp = rounds.stream().mapToDouble(Measurement::bytesPerOp).average()
                        .orElse(Double.NaN);
                rows.add(new Row(cpus, binding, operation, cScores, javaScores, bytesPerOp));
            }
        }
        Report.write(out, rows);
        System.out.println();
        Report.print(rows, System.out);
        System.out.println("Rows written to " + out);
        if (!missing.isEmpty()) {
            System.err.println("no result for " + missing);
            return 1;
        }
        return 0;
    }

    /** Runs the C reference once and adds its scores to {@code scores}. */
    private static void runC(Path binary, Settings settings, List<String> names, Map<String, List<Double>> scores)
            throws IOException, InterruptedException {
        CReference.run(binary, settings, names, cIdleThreads)
                .forEach((key, values) -> scores.computeIfAbsent(key, k -> new ArrayList<>()).addAll(values));
    }

    /** Java scores per operation key, with the bytes allocated per operation. */
    record Measurement(List<Double> scores, double bytesPerOp) {
    }

    private static Map<String, Measurement> jmh(Settings settings, List<String> names, String binding, Path log)
            throws RunnerException {
        ChainedOptionsBuilder builder = new OptionsBuilder()
                .forks(1)
                .warmupIterations(settings.warmup())
                .warmupTime(TimeValue.milliseconds(settings.timeMillis()))
                .measurementIterations(settings.iterations())
                .measurementTime(TimeValue.milliseconds(settings.timeMillis()))
                .addProfiler(GCProfiler.class)
                .addProfiler(WorkerAllocationProfiler.class)
                .jvmArgsAppend("--enable-native-access=ALL-UNNAMED", "-Dposixmq.binding=" + binding)
                .shouldFailOnError(true)
                .output(log.toString());
        List<String> sizes = new ArrayList<>();
        for (String size : List.of("64", "8192")) {
            if (names.contains("pair-" + size)) {
                sizes.add(size);
            }
        }
        int included = 0;
        if (!sizes.isEmpty()) {
            builder.include(benchmark(PairBenchmarks.class, "(direct|bytes|message)"));
            builder.param("size", sizes.toArray(String[]::new));
            included++;
        }
        Map<String, String> nonBlocking = Map.of("trysend-full", "trySendFull", "tryreceive-empty", "tryReceiveEmpty",
                "attributes", "attributes");
        for (Map.Entry<String, String> entry : nonBlocking.entrySet()) {
            if (names.contains(entry.getKey())) {
                builder.include(benchmark(NonBlockingBenchmarks.class, entry.getValue()));
                included++;
            }
        }
        Map<String, String> floor = Map.of("pair-64", "pair|pairTimed", "pair-8192", "pair8192",
                "tryreceive-empty", "tryReceiveEmpty|tryReceiveEmptyTimed");
        for (Map.Entry<String, String> entry : floor.entrySet()) {
            if (names.contains(entry.getKey())) {
                builder.include(benchmark(FloorBenchmarks.class, entry.getValue()));
                included++;
            }
        }
        Map<String, Measurement> results = new LinkedHashMap<>();
        if (included == 0) {
            return results;
        }
        System.out.println("  JMH (-prof gc, worker-thread allocation), log in " + log);
        Collection<RunResult> runs = new Runner(builder.build()).run();
        for (RunResult run : runs) {
            BenchmarkParams params = run.getParams();
            String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
            boolean floorBenchmark = params.getBenchmark().startsWith(FloorBenchmarks.class.getName() + ".");
            String key = switch (method) {
                case "direct", "bytes", "message" -> "pair-" + params.getParam("size") + "/" + method;
                case "pair" -> "floor-pair-64";
                case "pair8192" -> "floor-pair-8192";
                case "pairTimed" -> "floor-pair-64-timed";
                case "trySendFull" -> "trysend-full";
                case "tryReceiveEmpty" -> floorBenchmark ? "floor-tryreceive-empty" : "tryreceive-empty";
                case "tryReceiveEmptyTimed" -> "floor-tryreceive-empty-timed";
                case "attributes" -> "attributes";
                default -> throw new IllegalStateException("unexpected benchmark " + params.getBenchmark());
            };
            List<Double> scores = run.getBenchmarkResults().stream()
                    .flatMap(result -> result.getIterationResults().stream())
                    .map(iteration -> iteration.getPrimaryResult().getScore()).toList();
            // the benchmark threads' own allocation; JMH's gc.alloc.rate.norm (all threads of the fork) stays in the log
            Result<?> allocation = run.getAggregatedResult().getSecondaryResults()
                    .get(WorkerAllocationProfiler.LABEL);
            results.put(key, new Measurement(scores, allocation == null ? Double.NaN : allocation.getScore()));
        }
        return results;
    }

    private static String benchmark(Class<?> type, String methods) {
        return "^" + Pattern.quote(type.getName() + ".") + "(?:" + methods + ")$";
    }

    /**
     * The two-thread harness in a child JVM (on this process's CPUs) started with {@code -Dposixmq.binding=binding}:
     * the binding is chosen once per JVM.
     */
    private static Map<String, Measurement> threaded(Settings settings, List<String> names, String binding)
            throws IOException, InterruptedException {
        List<String> wanted = names.stream().filter(ThreadedBenchmarks.NAMES::contains).toList();
        Map<String, Measurement> results = new LinkedHashMap<>();
        if (wanted.isEmpty()) {
            return results;
        }
        System.out.println("  Java two-thread harness on " + binding + ": " + wanted);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "-Dposixmq.binding=" + binding, "-cp",
                System.getProperty("java.class.path"), ThreadedBenchmarks.class.getName(), String.join(",", wanted),
                String.valueOf(settings.warmup()), String.valueOf(settings.iterations()),
                String.valueOf(settings.messages()), String.valueOf(settings.roundTrips())));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = process.waitFor();
        if (status != 0) {
            throw new IllegalStateException("two-thread harness on " + binding + " failed (exit status " + status
                    + "): " + output);
        }
        for (String line : output.split("\n")) {
            String[] fields = line.split("\t");
            if (fields.length == 4 && fields[0].equals("RESULT")) {
                List<Double> scores = Arrays.stream(fields[2].split(",")).map(Double::parseDouble).toList();
                results.put(fields[1], new Measurement(scores, Double.parseDouble(fields[3])));
            }
            else if (fields.length == 2 && fields[0].equals("BINDING") && !fields[1].equals(binding)) {
                throw new IllegalStateException("two-thread harness ran on " + fields[1] + ", not " + binding);
            }
        }
        return results;
    }

    /** This process's allowed CPUs as the kernel lists them ({@code Cpus_allowed_list}), e.g. {@code 0} or {@code 0-1}. */
    static String allowedCpus() throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("/proc/self/status"))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        return "?";
    }

    private static Settings settings(Map<String, String> options) {
        Settings base = options.containsKey("--smoke") ? Settings.SMOKE
                : options.containsKey("--quick") ? Settings.QUICK : Settings.FULL;
        return new Settings(
                intOption(options, "--rounds", base.rounds()),
                intOption(options, "--warmup", base.warmup()),
                intOption(options, "--iterations", base.iterations()),
                intOption(options, "--time-ms", base.timeMillis()),
                intOption(options, "--messages", (int) base.messages()),
                intOption(options, "--round-trips", (int) base.roundTrips()));
    }

    private static int intOption(Map<String, String> options, String name, int fallback) {
        String value = options.get(name);
        return value == null ? fallback : Integer.parseInt(value);
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }

    private static Map<String, String> parse(String[] args) {
        List<String> flags = List.of("--smoke", "--quick");
        List<String> valued = List.of("--c-binary", "--out", "--only", "--bindings", "--rounds", "--warmup", "--iterations",
                "--time-ms", "--messages", "--round-trips", "--c-idle-threads");
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (flags.contains(args[i])) {
                options.put(args[i], "true");
            }
            else if (valued.contains(args[i]) && i + 1 < args.length) {
                options.put(args[i], args[++i]);
            }
            else {
                throw new IllegalArgumentException("unknown or incomplete argument " + args[i]
                        + "; usage: --c-binary PATH [--smoke | --quick] [--out FILE] [--only NAME,...] [--bindings jna,ffm] [--rounds N]"
                        + " [--warmup N] [--iterations N] [--time-ms MS] [--messages N] [--round-trips N] [--c-idle-threads N]");
            }
        }
        return options;
    }
}
