package io.github.posixmq;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The budget message reads queue names from /dev/mqueue as bytes, whatever the locale (the build runs it under LANG=C). */
class QueueBudgetTest {

    @TempDir
    Path dir;

    @Test
    void aDirectoryEntrysNameIsItsBytesNotTheLocalesDecoding() throws IOException {
        // nb-café, made from its bytes (a path from a String would be encoded with the locale's charset)
        Files.createFile(Path.of(URI.create(dir.toUri() + "nb-caf%C3%A9%25x")));
        try (Stream<Path> entries = Files.list(dir)) {
            Path entry = entries.findFirst().orElseThrow();
            assertThat(QueueBudget.fileName(entry))
                    .isEqualTo(("/nb-caf\u00e9%x\0").getBytes(StandardCharsets.UTF_8));
        }
    }
}
