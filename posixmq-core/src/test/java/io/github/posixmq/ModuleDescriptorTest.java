package io.github.posixmq;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The compiled {@code module-info}: module {@code io.github.posixmq}, exporting the public API package only. */
class ModuleDescriptorTest {

    @Test
    void exportsOnlyThePublicApi() throws IOException, URISyntaxException {
        // the class path holds other modules' descriptors too: read the one beside the core classes
        Path classes = Path.of(PosixMq.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleDescriptor descriptor;
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            descriptor = ModuleDescriptor.read(in);
        }
        assertThat(descriptor.name()).isEqualTo("io.github.posixmq");
        assertThat(descriptor.exports()).extracting(ModuleDescriptor.Exports::source)
                .containsExactly("io.github.posixmq");
        assertThat(descriptor.exports()).allMatch(export -> !export.isQualified());
        Set<String> requires = descriptor.requires().stream().map(ModuleDescriptor.Requires::name)
                .collect(Collectors.toSet());
        assertThat(requires).contains("com.sun.jna", "org.jspecify");
    }
}
