package io.github.posixmq;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.posixmq.internal.Bindings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The system property {@code posixmq.binding} selects the binding it names, in a fresh JVM each time (the choice is
 * made once per JVM), and {@link SystemLimits#binding()} reports it.
 */
class BindingSelectionTest {

    @TempDir
    Path tmp;

    @Test
    void thisJvmRunsTheBindingItsPropertyNames() {
        String property = System.getProperty(Bindings.PROPERTY);
        if (property != null) {
            assertThat(SystemLimits.binding()).isEqualTo(property);
        }
        String expectedClass = SystemLimits.binding().equals(Bindings.FFM) ? "FfmLinuxBinding" : "JnaLinuxBinding";
        assertThat(Bindings.instance().getClass().getSimpleName()).isEqualTo(expectedClass);
    }

    @Test
    void jnaPropertySelectsJna() {
        ChildJvm.Result result = child(List.of("-D" + Bindings.PROPERTY + "=jna"));
        assertThat(result.value("BINDING ")).as("%s", result).isEqualTo("jna");
        assertThat(result.value("CLASS ")).as("%s", result).isEqualTo("JnaLinuxBinding");
        assertThat(result.outcome("open")).as("%s", result).isEqualTo("OK");
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_22)
    void ffmPropertySelectsFfm() {
        ChildJvm.Result result = child(List.of("-D" + Bindings.PROPERTY + "=ffm"));
        assertThat(result.value("BINDING ")).as("%s", result).isEqualTo("ffm");
        assertThat(result.value("CLASS ")).as("%s", result).isEqualTo("FfmLinuxBinding");
        assertThat(result.outcome("open")).as("%s", result).isEqualTo("OK");
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_22)
    void withoutThePropertyFfmIsUsedExactlyWhenNativeAccessIsEnabled() {
        ChildJvm.Result enabled = child(List.of());
        assertThat(enabled.value("BINDING ")).as("%s", enabled).isEqualTo("ffm");
        assertThat(enabled.outcome("open")).as("%s", enabled).isEqualTo("OK");

        ChildJvm.Result notEnabled = child(List.of(), false);
        assertThat(notEnabled.value("BINDING ")).as("%s", notEnabled).isEqualTo("jna");
        assertThat(notEnabled.outcome("open")).as("%s", notEnabled).isEqualTo("OK");
        assertThat(notEnabled.stderr()).as("no FFM linking without native access").doesNotContain("Linker");

        // one INFO line at start-up names the binding and, when it is not FFM, why
        assertThat(enabled.stderr().lines().filter(line -> line.contains("posixmq uses the"))).singleElement()
                .asString().contains("posixmq uses the FFM binding on Java " + Runtime.version()).doesNotContain("not chosen");
        assertThat(notEnabled.stderr().lines().filter(line -> line.contains("posixmq uses the"))).singleElement()
                .asString().contains("posixmq uses the JNA binding on Java " + Runtime.version()
                        + "; FFM not chosen: native access is not enabled for posixmq",
                        "Enable-Native-Access: ALL-UNNAMED");
        assertThat(enabled.stderr()).contains("INFO");
    }

    @Test
    void theStartUpLineNamesAForcedBinding() {
        ChildJvm.Result result = child(List.of("-D" + Bindings.PROPERTY + "=jna"));
        assertThat(result.stderr()).contains("posixmq uses the JNA binding on Java " + Runtime.version()
                + " (posixmq.binding=jna)");
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_24)
    void forcedFfmWhereNativeAccessIsDeniedFailsAtOpenWithOneSentence() {
        ChildJvm.Result result = child(List.of("-D" + Bindings.PROPERTY + "=ffm", "--illegal-native-access=deny"),
                false);
        assertThat(result.outcome("open")).as("%s", result)
                .startsWith("UnsupportedOperationException - posixmq.binding=ffm was set, but the FFM binding needs "
                        + "native access for the class path")
                .endsWith("start Java with --enable-native-access=ALL-UNNAMED.");
    }

    @Test
    @EnabledForJreRange(max = JRE.JAVA_21)
    void forcedFfmBeforeJava22FailsAtOpenWithOneSentence() {
        ChildJvm.Result result = child(List.of("-D" + Bindings.PROPERTY + "=ffm"), false);
        assertThat(result.outcome("open")).as("%s", result).isEqualTo("UnsupportedOperationException - "
                + "posixmq.binding=ffm was set, but the FFM binding needs Java 22 or later and this JVM is Java "
                + Runtime.version() + ".");
    }

    @Test
    void anUnknownValueFailsAtOpenWithOneSentence() {
        ChildJvm.Result result = child(List.of("-D" + Bindings.PROPERTY + "=jni"));
        assertThat(result.outcome("open")).as("%s", result).isEqualTo("UnsupportedOperationException - "
                + "posixmq.binding must be \"ffm\" or \"jna\", not \"jni\".");
    }

    private ChildJvm.Result child(List<String> flags) {
        return child(flags, true);
    }

    /** Runs {@link BindingMain} with {@code flags} (and native access enabled for the class path if asked). */
    private ChildJvm.Result child(List<String> flags, boolean enableNativeAccess) {
        List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-Djna.tmpdir=" + tmp, "-Djava.io.tmpdir=" + tmp));
        if (enableNativeAccess && Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.addAll(flags);
        try (TestQueues queues = new TestQueues()) {
            command.addAll(List.of("-cp", ChildJvm.classPath(), BindingMain.class.getName(), queues.name("binding")));
            ChildJvm.Result result = ChildJvm.run(command, tmp, ChildJvm.TIMEOUT);
            assertThat(result.exitCode()).as("%s", result).isZero();
            return result;
        }
    }
}
