package io.github.posixmq.integration.aot;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

class PosixMqRuntimeHintsTests {

    @Test
    void registeredForSpringAotThroughAotFactories() {
        assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
            .load(RuntimeHintsRegistrar.class)).hasAtLeastOneElementOfType(PosixMqRuntimeHints.class);
    }

    @Test
    void coverJnaNativeLibraryDirectMappedClassesAndTheNotificationCallback() {
        RuntimeHints hints = new RuntimeHints();
        new PosixMqRuntimeHints().registerHints(hints, getClass().getClassLoader());
        assertThat(RuntimeHintsPredicates.resource().forResource("com/sun/jna/linux-x86-64/libjnidispatch.so"))
            .accepts(hints);
        for (String type : PosixMqRuntimeHints.DIRECT_MAPPED) {
            assertThat(hints.jni().getTypeHint(TypeReference.of(type))).as(type).isNotNull();
        }
        assertThat(hints.jni().getTypeHint(TypeReference.of("com.sun.jna.Native"))).isNotNull();
        assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of(PosixMqRuntimeHints.NOTIFY_CALLBACK)))
            .accepts(hints);
    }

    @Test
    void namesOnlyClassesThatExist() {
        for (String type : PosixMqRuntimeHints.DIRECT_MAPPED) {
            assertThat(exists(type)).as(type).isTrue();
        }
        assertThat(exists(PosixMqRuntimeHints.NOTIFY_CALLBACK)).isTrue();
        for (String type : PosixMqRuntimeHints.JNA_JNI) {
            assertThat(exists(type)).as(type).isTrue();
        }
    }

    private static boolean exists(String type) {
        try {
            Class.forName(type, false, PosixMqRuntimeHintsTests.class.getClassLoader());
            return true;
        }
        catch (ClassNotFoundException ex) {
            return false;
        }
    }
}
