package io.github.posixmq.boot.properties;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import org.springframework.beans.BeanWrapperImpl;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.core.convert.ConversionService;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the configuration metadata the build generates ({@code META-INF/spring-configuration-metadata.json}, and for
 * map values such as {@code posixmq.queues.<key>} the {@code META-INF/spring/configuration-metadata/<type>.json} of
 * the value type) and checks that every posixmq property the README and {@code docs/} name is there with a
 * description, and with its default where the property has one. The binder's test reuses it for its namespace.
 */
public class ConfigurationMetadataTests {

    /** The property namespaces of this module; other names starting with "posixmq." are metrics or observations. */
    private static final List<String> NAMESPACES = List.of("posixmq.queues", "posixmq.recovery", "posixmq.dispatch",
            "posixmq.health", "management.health.posixmq", "management.endpoint.posixmq");

    private static final Pattern YAML_BLOCK = Pattern.compile("(?ms)^\\s*```ya?ml\\s*$(.*?)^\\s*```\\s*$");

    private final ConversionService conversion = ApplicationConversionService.getSharedInstance();

    @Test
    void everyPropertyTheDocumentationNamesHasMetadataWithADescriptionAndItsDefault() throws IOException {
        assertDocumented(NAMESPACES);
    }

    /**
     * Asserts that every property under {@code namespaces} that README.md or docs/ name has generated metadata with a
     * description and its default, and that each namespace is named at least once.
     */
    public static void assertDocumented(List<String> namespaces) throws IOException {
        Metadata metadata = Metadata.load();
        Set<String> names = documentedNames(namespaces);
        for (String namespace : namespaces) {
            if (!namespace.startsWith("management.endpoint.")) {
                assertThat(names).as("properties named in README.md and docs/").anyMatch(n -> n.startsWith(namespace));
            }
        }
        List<String> problems = new ArrayList<>();
        ConfigurationMetadataTests checker = new ConfigurationMetadataTests();
        for (String name : names) {
            problems.addAll(checker.check(metadata, name));
        }
        assertThat(problems).as("documented properties without metadata").isEmpty();
    }

    @Test
    void everyPerQueuePropertyHasADescription() throws IOException {
        Metadata metadata = Metadata.load();
        Map<String, Object> queue = metadata.valueTypeMetadata("posixmq.queues");
        List<String> undescribed = new ArrayList<>();
        for (Map<String, Object> property : Metadata.list(queue, "properties")) {
            if (isBlank(property.get("description"))) {
                undescribed.add((String) property.get("name"));
            }
        }
        assertThat(Metadata.list(queue, "properties")).hasSizeGreaterThanOrEqualTo(18);
        assertThat(undescribed).isEmpty();
    }

    /**
     * IDEs read {@code META-INF/spring-configuration-metadata.json}, not the value type's file: every per-queue
     * property is there too as {@code posixmq.queues.*.<name>} (hand-written in
     * {@code additional-spring-configuration-metadata.json}) with the same type, description and default, and
     * {@code header-mode} and {@code inbound.payload-type} have value hints.
     */
    @Test
    void everyPerQueuePropertyIsInTheIdeMetadataWithTheSameDescriptionAndDefault() throws IOException {
        Metadata metadata = Metadata.load();
        Map<String, Object> queue = metadata.valueTypeMetadata("posixmq.queues");
        List<String> problems = new ArrayList<>();
        Set<String> expected = new TreeSet<>();
        for (Map<String, Object> property : Metadata.list(queue, "properties")) {
            String name = "posixmq.queues.*." + property.get("name");
            expected.add(name);
            Map<String, Object> ide = metadata.properties.get(name);
            if (ide == null) {
                problems.add(name + ": missing (add it to additional-spring-configuration-metadata.json: the entry of the "
                        + "value type's metadata, target/classes/META-INF/spring/configuration-metadata, named " + name + ")");
                continue;
            }
            for (String field : List.of("type", "description", "defaultValue")) {
                if (!String.valueOf(property.get(field)).equals(String.valueOf(ide.get(field)))) {
                    problems.add(name + ": " + field + " is " + ide.get(field) + ", not " + property.get(field));
                }
            }
        }
        metadata.properties.keySet().stream().filter(n -> n.startsWith("posixmq.queues.*.") && !expected.contains(n))
            .forEach(n -> problems.add(n + ": no such per-queue property"));
        assertThat(problems).as("posixmq.queues.*.* in spring-configuration-metadata.json").isEmpty();
        assertThat(metadata.hints).containsKeys("posixmq.queues.*.header-mode", "posixmq.queues.*.inbound.payload-type");
        assertThat(metadata.hints.get("posixmq.queues.*.header-mode")).contains("raw", "embedded");
        assertThat(metadata.hints.get("posixmq.queues.*.inbound.payload-type")).contains("bytes", "string");
    }

    private List<String> check(Metadata metadata, String documented) throws IOException {
        Map<String, Object> property = metadata.properties.get(documented);
        if (property == null && metadata.groups.contains(documented)) {
            return List.of();
        }
        if (property == null) {
            String map = metadata.mapPrefixOf(documented);
            if (map == null) {
                return List.of(documented + ": not in the generated metadata");
            }
            String rest = documented.substring(map.length() + 1);
            int dot = rest.indexOf('.');
            if (dot < 0) {
                return List.of(); // the map entry itself, such as posixmq.queues.orders
            }
            String inValue = rest.substring(dot + 1);
            Map<String, Object> valueType = metadata.valueTypeMetadata(map);
            property = Metadata.list(valueType, "properties").stream()
                .filter(candidate -> inValue.equals(candidate.get("name")))
                .findFirst()
                .orElse(null);
            if (property == null) {
                boolean isGroup = Metadata.list(valueType, "groups").stream().anyMatch(g -> inValue.equals(g.get("name")));
                return isGroup ? List.of()
                        : List.of(documented + ": not in the metadata of the values of " + map);
            }
        }
        List<String> problems = new ArrayList<>();
        if (isBlank(property.get("description"))) {
            problems.add(documented + ": no description");
        }
        problems.addAll(checkDefault(documented, property));
        return problems;
    }

    /** The value a fresh properties object holds must be the metadata's default. */
    private List<String> checkDefault(String documented, Map<String, Object> property) {
        Object declared = property.get("defaultValue");
        Object sourceType = property.get("sourceType");
        if (sourceType == null) {
            return declared != null ? List.of() : List.of(documented + ": hand-written metadata without a default");
        }
        Object source;
        try {
            Class<?> type = Class.forName((String) sourceType, false, getClass().getClassLoader());
            source = BeanUtils.instantiateClass(type.getDeclaredConstructor());
        }
        catch (ReflectiveOperationException | RuntimeException ex) {
            return List.of(); // not a plain properties bean (an endpoint): its metadata default comes from Spring Boot
        }
        String name = (String) property.get("name");
        String last = name.substring(name.lastIndexOf('.') + 1);
        BeanWrapperImpl wrapper = new BeanWrapperImpl(source);
        String beanProperty = camelCase(last);
        if (!wrapper.isReadableProperty(beanProperty)) {
            return List.of(documented + ": " + sourceType + " has no readable property " + beanProperty);
        }
        Object actual = wrapper.getPropertyValue(beanProperty);
        if (actual instanceof Collection<?> || actual instanceof Map<?, ?>) {
            return List.of(); // the processor writes no default for a collection built in code
        }
        if (actual == null) {
            return declared == null ? List.of() : List.of(documented + ": default " + declared + " but the value is null");
        }
        if (declared == null) {
            return List.of(documented + ": has the default " + actual + " but its metadata names none");
        }
        Object converted = this.conversion.convert(declared,
                ClassUtils.resolveClassName((String) property.get("type"), getClass().getClassLoader()));
        return actual.equals(converted) ? List.of()
                : List.of(documented + ": metadata default " + declared + " but the value is " + actual);
    }

    private static String camelCase(String dashed) {
        StringBuilder camel = new StringBuilder();
        boolean upper = false;
        for (char c : dashed.toCharArray()) {
            if (c == '-') {
                upper = true;
            }
            else {
                camel.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return camel.toString();
    }

    private static boolean isBlank(@Nullable Object text) {
        return text == null || text.toString().isBlank();
    }

    /** The property names under the namespaces in README.md and docs/**.md: YAML keys and names in the text. */
    static Set<String> documentedNames(List<String> namespaces) throws IOException {
        String roots = String.join("|", namespaces.stream().map(Pattern::quote).toList());
        Pattern mention = Pattern.compile("(?<![\\w.<>*-])((?:" + roots + ")(?:\\.[A-Za-z0-9<>*_-]+)+)");
        Set<String> names = new TreeSet<>();
        for (Path file : documents()) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Matcher blocks = YAML_BLOCK.matcher(text);
            while (blocks.find()) {
                for (Object document : new Yaml().loadAll(blocks.group(1))) {
                    flatten("", document, names);
                }
            }
            Matcher mentions = mention.matcher(text);
            while (mentions.find()) {
                names.add(mentions.group(1));
            }
        }
        names.removeIf(name -> namespaces.stream().noneMatch(namespace -> name.startsWith(namespace + ".")));
        names.removeIf(name -> name.endsWith("*") || name.endsWith("."));
        return names;
    }

    private static void flatten(String prefix, @Nullable Object node, Set<String> names) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> flatten(prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key, value, names));
        }
        else if (!prefix.isEmpty()) {
            names.add(prefix);
        }
    }

    private static List<Path> documents() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("mvnw")) && root.getParent() != null) {
            root = root.getParent();
        }
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        Path docs = root.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> walk = Files.walk(docs)) {
                walk.filter(path -> path.toString().endsWith(".md")).sorted().forEach(files::add);
            }
        }
        return files;
    }

    /** The generated metadata on the class path. */
    private static final class Metadata {

        private final Map<String, Map<String, Object>> properties = new LinkedHashMap<>();

        private final Set<String> groups = new TreeSet<>();

        /** Hint name to its values, as text. */
        private final Map<String, String> hints = new LinkedHashMap<>();

        static Metadata load() throws IOException {
            Metadata metadata = new Metadata();
            Enumeration<URL> files = Metadata.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json");
            boolean ours = false;
            for (URL file : Collections.list(files)) {
                Map<String, Object> json = parse(file);
                for (Map<String, Object> property : list(json, "properties")) {
                    metadata.properties.put((String) property.get("name"), property);
                }
                for (Map<String, Object> group : list(json, "groups")) {
                    metadata.groups.add((String) group.get("name"));
                }
                for (Map<String, Object> hint : list(json, "hints")) {
                    metadata.hints.put((String) hint.get("name"), String.valueOf(hint.get("values")));
                }
                ours |= metadata.properties.containsKey("posixmq.queues");
            }
            assertThat(ours).as("generated metadata of this module on the class path").isTrue();
            return metadata;
        }

        /** The longest map-valued property that {@code name} is below, or null. */
        @Nullable String mapPrefixOf(String name) {
            String best = null;
            for (Map.Entry<String, Map<String, Object>> entry : this.properties.entrySet()) {
                String type = String.valueOf(entry.getValue().get("type"));
                if (type.startsWith("java.util.Map<java.lang.String,") && name.startsWith(entry.getKey() + ".")
                        && (best == null || entry.getKey().length() > best.length())) {
                    best = entry.getKey();
                }
            }
            return best;
        }

        /** The generated metadata of the value type of the map property {@code map}. */
        Map<String, Object> valueTypeMetadata(String map) throws IOException {
            String type = String.valueOf(this.properties.get(map).get("type"));
            String valueType = type.substring("java.util.Map<java.lang.String,".length(), type.length() - 1);
            URL file = Metadata.class.getClassLoader()
                .getResource("META-INF/spring/configuration-metadata/" + valueType + ".json");
            assertThat(file).as("generated metadata of " + valueType + " (annotated @ConfigurationPropertiesSource)")
                .isNotNull();
            return parse(file);
        }

        private static Map<String, Object> parse(URL file) throws IOException {
            try (InputStream in = file.openStream()) {
                return JsonParserFactory.getJsonParser().parseMap(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }

        @SuppressWarnings("unchecked")
        static List<Map<String, Object>> list(Map<String, Object> json, String key) {
            Object value = json.get(key);
            return value == null ? List.of() : (List<Map<String, Object>>) value;
        }
    }
}
