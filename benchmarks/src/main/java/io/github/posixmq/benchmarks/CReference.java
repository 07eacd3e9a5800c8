package io.github.posixmq.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs the C reference ({@code mqbench}) with the suite's settings and reads its {@code RESULT} lines. */
final class CReference {

    private CReference() {
    }

    /**
     * Scores per C benchmark name, in the order printed; {@code idleThreads} threads that only wait make the C process
     * multi-threaded like a JVM (0: the single-threaded reference).
     */
    static Map<String, List<Double>> run(Path binary, Suite.Settings settings, List<String> names, int idleThreads)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--warmup", String.valueOf(settings.warmup()),
                "--iterations", String.valueOf(settings.iterations()),
                "--time-ms", String.valueOf(settings.timeMillis()),
                "--messages", String.valueOf(settings.messages()),
                "--round-trips", String.valueOf(settings.roundTrips()),
                "--only", String.join(",", names),
                "--idle-threads", String.valueOf(idleThreads)));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, List<Double>> results = new LinkedHashMap<>();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String[] fields = line.split("\t");
                if (fields.length == 4 && fields[0].equals("RESULT")) {
                    results.put(fields[1], Arrays.stream(fields[3].split(",")).map(Double::valueOf).toList());
                }
                else {
                    System.out.println("  mqbench: " + line);
                }
            }
        }
        int status = process.waitFor();
        if (status != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with exit status " + status);
        }
        return results;
    }
}
