package io.github.posixmq.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Prints result files as one Markdown table (operation, CPUs, binding, C median, Java median, Java / C, Java B/op,
 * target) followed by the verdict on each target. Most targets are judged on runs pinned to one CPU only, where the
 * VM's cross-CPU wake-ups do not swing the figures; the FFM order pipeline's on unpinned runs (issue 22). Usage:
 * {@code Report FILE...}.
 */
public final class Report {

    private Report() {
    }

    /** Prints the table of the result files given as arguments. */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: Report RESULT-FILE...");
            System.exit(2);
        }
        List<Row> rows = new ArrayList<>();
        for (String file : args) {
            rows.addAll(read(Path.of(file)));
        }
        print(rows, System.out);
    }

    static List<Row> read(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank())
                .map(Row::parse).toList();
    }

    static void write(Path file, List<Row> rows) throws IOException {
        Files.write(file, rows.stream().map(Row::toLine).toList(), StandardCharsets.UTF_8);
    }

    /** Prints the table and the target verdicts; rows are ordered by operation, pinned runs first. */
    static void print(List<Row> rows, PrintStream out) {
        List<Row> sorted = rows.stream().sorted(Comparator.comparing(Row::operation)
                .thenComparing(row -> !row.pinned()).thenComparing(Row::cpus)
                .thenComparing(row -> !"jna".equals(row.binding())).thenComparing(Row::binding)).toList();
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"operation", "CPUs", "binding", "C median", "Java median", "Java / C", "Java B/op",
            "spread C / Java", "target (pinned)"});
        for (Row row : sorted) {
            cells.add(new String[] {row.operation().label, row.cpus(), row.binding(),
                value(row.cMedian(), row.operation().unit),
                value(row.javaMedian(), row.operation().unit), String.format(Locale.ROOT, "%.2f", row.ratio()),
                Double.isNaN(row.javaBytesPerOp()) ? "-" : String.format(Locale.ROOT, "%.1f", row.javaBytesPerOp()),
                spread(row.c()) + " / " + spread(row.java()), verdict(row)});
        }
        int[] widths = new int[cells.get(0).length];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (int n = 0; n < cells.size(); n++) {
            StringBuilder line = new StringBuilder("|");
            for (int i = 0; i < widths.length; i++) {
                line.append(' ').append(pad(cells.get(n)[i], widths[i], i >= 3 && i <= 7)).append(" |");
            }
            out.println(line);
            if (n == 0) {
                StringBuilder rule = new StringBuilder("|");
                for (int i = 0; i < widths.length; i++) {
                    rule.append(' ').append("-".repeat(widths[i] - 1)).append(i >= 3 && i <= 7 ? ':' : '-')
                            .append(" |");
                }
                out.println(rule);
            }
        }
        out.println();
        out.println("Java / C is the ratio of medians: for ns/op lower is better, for ops/s higher is better. Spread is"
                + " (max - min) / median over the measurement iterations.");
        for (String binding : sorted.stream().map(Row::binding).distinct().toList()) {
            List<Row> judged = sorted.stream().filter(r -> r.binding().equals(binding) && r.target() != null
                    && r.pinned() == r.target().pinned).toList();
            long met = judged.stream().filter(r -> r.target().met(r.ratio(), r.javaBytesPerOp())).count();
            out.println("Targets met, " + binding + ": " + met + " of " + judged.size() + " (each on the runs it is "
                    + "judged on).");
        }
    }

    private static String verdict(Row row) {
        Operation.Target target = row.target();
        if (target == null) {
            return "-";
        }
        if (row.pinned() != target.pinned) {
            return target.text + " (judged " + (target.pinned ? "pinned" : "unpinned") + " only)";
        }
        return target.text + ": " + (target.met(row.ratio(), row.javaBytesPerOp()) ? "met" : "MISSED");
    }

    private static String value(double value, Operation.Unit unit) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return unit == Operation.Unit.NANOS ? String.format(Locale.ROOT, "%,.0f ns", value)
                : String.format(Locale.ROOT, "%,.0f /s", value);
    }

    private static String spread(List<Double> values) {
        if (values.size() < 2) {
            return "-";
        }
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        return String.format(Locale.ROOT, "%.0f%%", 100 * (max - min) / Row.median(values));
    }

    private static String pad(String text, int width, boolean right) {
        String padding = " ".repeat(width - text.length());
        return right ? padding + text : text + padding;
    }
}
