package io.github.posixmq.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** File names and arguments as bytes, in whatever locale this test runs (the build runs it under LANG=C too). */
class RawNamesTest {

    @TempDir
    Path dir;

    @Test
    void fileNamesRoundTripAsBytesIncludingBytesThatAreNotUtf8() throws IOException {
        List<byte[]> names = List.of("nb-caf\u00e9".getBytes(StandardCharsets.UTF_8),
                new byte[] {'x', (byte) 0xff, '%', '2', '5', ' ', '?'},
                "\u65e5\u672c".getBytes(StandardCharsets.UTF_8), "plain.name-1_~".getBytes(StandardCharsets.US_ASCII));
        for (byte[] name : names) {
            Files.write(RawNames.entry(dir, name), name);
        }
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries.map(entry -> {
                byte[] bytes = RawNames.fileName(entry);
                try {
                    assertThat(Files.readAllBytes(entry)).as("the entry made from the name is the file").isEqualTo(bytes);
                }
                catch (IOException ex) {
                    throw new AssertionError(ex);
                }
                return new String(bytes, StandardCharsets.ISO_8859_1);
            }).toList()).containsExactlyInAnyOrderElementsOf(
                    names.stream().map(n -> new String(n, StandardCharsets.ISO_8859_1)).toList());
        }
        assertThat(RawNames.utf8(names.get(0))).hasValue("nb-caf\u00e9");
        assertThat(RawNames.utf8(names.get(1))).isEmpty();
        assertThat(RawNames.entry(dir, "/nb-caf\u00e9")).isEqualTo(RawNames.entry(dir, names.get(0)));
    }

    @Test
    void argumentsTheJvmDecodedAsAsciiAreReadBackAsTheirUtf8Bytes() {
        byte[] cmdline = "java\0-jar\0cli.jar\0stat\0/nb-caf\u00e9\0".getBytes(StandardCharsets.UTF_8);
        // the launcher under LANG=C: each byte it cannot map becomes '?'
        String[] jvm = {"stat", "/nb-caf??"};
        assertThat(RawNames.arguments(jvm, cmdline, StandardCharsets.US_ASCII)).containsExactly("stat", "/nb-caf\u00e9");
        // not the arguments the JVM was given: kept as they are
        assertThat(RawNames.arguments(new String[] {"list"}, cmdline, StandardCharsets.US_ASCII))
                .containsExactly("list");
        // bytes that are not UTF-8 stay as the JVM decoded them
        byte[] latin1 = {'s', 't', 'a', 't', 0, '/', 'x', (byte) 0xe9, 0};
        String[] jvmLatin1 = {"stat", "/x?"};
        assertThat(RawNames.arguments(jvmLatin1, latin1, StandardCharsets.US_ASCII)).containsExactly(jvmLatin1);
        // a UTF-8 locale: nothing to do
        assertThat(RawNames.arguments(new String[] {"a"}, null, StandardCharsets.UTF_8)).containsExactly("a");
    }
}
