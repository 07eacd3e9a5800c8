package io.github.posixmq.containers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.testcontainers.utility.DockerImageName;

/**
 * The local images, built once per JVM by {@code images/build-images.sh} (which does nothing when images with the
 * same content hash exist already). Nothing is ever pulled.
 */
final class TestImages {

    private static @Nullable Map<String, String> images;

    private TestImages() {
    }

    /** Busybox, {@code mqtool} and the native producer, all static. */
    static DockerImageName tools() {
        return image("tools");
    }

    /** The tools plus the JDK running these tests, able to run the packaged samples. */
    static DockerImageName java() {
        return image("java");
    }

    private static synchronized DockerImageName image(String kind) {
        if (images == null) {
            images = build();
        }
        String name = images.get(kind);
        if (name == null) {
            throw new IllegalStateException("build-images.sh printed no '" + kind + "=' line: " + images);
        }
        return DockerImageName.parse(name);
    }

    private static Map<String, String> build() {
        Path script = Path.of(System.getProperty("posixmq.it.buildImages", "images/build-images.sh"));
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        // the JDK in the image is the one running this test (17 or newer)
        builder.environment().put("POSIXMQ_IT_JAVA_HOME", System.getProperty("java.home"));
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("building the test images with " + script
                        + " failed; its messages are in this test's output. Run it by hand to see why.");
            }
            Map<String, String> result = new HashMap<>();
            for (String line : output.split("\n")) {
                int equals = line.indexOf('=');
                if (equals > 0) {
                    result.put(line.substring(0, equals).trim(), line.substring(equals + 1).trim());
                }
            }
            return result;
        }
        catch (IOException ex) {
            throw new IllegalStateException("cannot run " + script + ": " + ex.getMessage(), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the test images", ex);
        }
    }
}
