package io.github.posixmq.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * One result: an operation measured in C and in Java (on one native binding) under one CPU set, with every
 * measurement iteration kept. A line of a result file:
 * {@code cpus TAB binding TAB key TAB c-scores TAB java-scores TAB java-bytes-per-op} (older files without the binding
 * column were JNA).
 *
 * @param cpus the CPUs the run was allowed on, e.g. {@code 0} (pinned) or {@code 0-1}
 * @param binding the posixmq binding the Java side ran on: {@code jna} or {@code ffm}
 */
record Row(String cpus, String binding, Operation operation, List<Double> c, List<Double> java,
        double javaBytesPerOp) {

    /** Whether the run was pinned to a single CPU. */
    boolean pinned() {
        return !cpus.contains("-") && !cpus.contains(",");
    }

    /** The target this row is judged by, or null. */
    Operation.@Nullable Target target() {
        return operation.target(binding);
    }

    double cMedian() {
        return median(c);
    }

    double javaMedian() {
        return median(java);
    }

    /** Java / C, of medians. */
    double ratio() {
        return javaMedian() / cMedian();
    }

    String toLine() {
        return String.join("\t", cpus, binding, operation.key, join(c), join(java),
                String.format(Locale.ROOT, "%.3f", javaBytesPerOp));
    }

    static Row parse(String line) {
        String[] fields = line.split("\t");
        if (fields.length == 5) {
            return new Row(fields[0], "jna", Operation.of(fields[1]), split(fields[2]), split(fields[3]),
                    Double.parseDouble(fields[4]));
        }
        if (fields.length != 6) {
            throw new IllegalArgumentException("not a result line: " + line);
        }
        return new Row(fields[0], fields[1], Operation.of(fields[2]), split(fields[3]), split(fields[4]),
                Double.parseDouble(fields[5]));
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String join(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.3f", v)).collect(Collectors.joining(","));
    }

    private static List<Double> split(String text) {
        List<Double> values = new ArrayList<>();
        Arrays.stream(text.split(",")).filter(s -> !s.isBlank()).forEach(s -> values.add(Double.parseDouble(s)));
        return values;
    }
}
