package io.github.posixmq;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import com.sun.jna.Native;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On Java 22+ with native access enabled, core runs on FFM alone: a program that opens, sends, receives, selects and
 * is notified loads no {@code com.sun.jna} class ({@code java -verbose:class}) although JNA is on its class path, and
 * runs the same with JNA removed from the class path. Without JNA where JNA is needed, the first open fails with one
 * sentence.
 */
class FfmWithoutJnaTest {

    @TempDir
    Path tmp;

    @Test
    @EnabledForJreRange(min = JRE.JAVA_22)
    void aCoreProgramOnFfmLoadsNoJnaClass() {
        ChildJvm.Result result = run(ChildJvm.classPath(), List.of("-verbose:class",
                "--enable-native-access=ALL-UNNAMED"), FfmOnlyMain.class);

        assertThat(result.value("BINDING ")).isEqualTo("ffm");
        assertThat(result.stdout()).as("classes loaded").contains("io.github.posixmq.internal.FfmLinuxBinding")
                .contains("io.github.posixmq.PosixMqSelector").contains("io.github.posixmq.Notifications");
        assertThat(result.stdout().lines().filter(line -> line.contains("com.sun.jna")).toList())
                .as("JNA classes loaded").isEmpty();
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_22)
    void aCoreProgramOnFfmRunsWithJnaExcluded() {
        ChildJvm.Result result = run(classPathWithoutJna(), List.of("--enable-native-access=ALL-UNNAMED"),
                FfmOnlyMain.class);

        assertThat(result.value("BINDING ")).isEqualTo("ffm");
    }

    @Test
    void withoutJnaWhereJnaIsNeededTheFirstOpenFailsWithOneSentence() {
        // Java 17-21, or Java 22+ without native access: the JNA binding is chosen, and JNA is missing
        ChildJvm.Result result = run(classPathWithoutJna(), List.of(), BindingMain.class);

        assertThat(result.value("BINDING ")).isEqualTo("jna");
        assertThat(result.outcome("open")).startsWith("UnsupportedOperationException - posixmq needs JNA "
                + "(net.java.dev.jna:jna) here, but it is not on the class path (").endsWith(
                Runtime.version().feature() >= 22 ? "to use the FFM binding, which needs no JNA."
                        : "; add JNA (Java 17-21 have no FFM binding).");
    }

    /** Runs {@code main} on a new queue name with {@code flags}; it must exit with status 0. */
    private ChildJvm.Result run(String classPath, List<String> flags, Class<?> main) {
        try (TestQueues queues = new TestQueues()) {
            List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-Xshare:auto",
                    "-Djava.io.tmpdir=" + tmp));
            command.addAll(flags);
            command.addAll(List.of("-cp", classPath, main.getName(), queues.name("no-jna")));
            ChildJvm.Result result = ChildJvm.run(command, tmp, ChildJvm.TIMEOUT);
            assertThat(result.exitCode()).as("exit status; stderr: %s", result.stderr()).isZero();
            return result;
        }
    }

    private static String classPathWithoutJna() {
        Path jna;
        try {
            jna = Path.of(Native.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        }
        catch (URISyntaxException ex) {
            throw new IllegalStateException(ex);
        }
        return ChildJvm.classPathEntries().stream().filter(entry -> !entry.equals(jna)).map(Path::toString)
                .collect(Collectors.joining(":"));
    }
}
