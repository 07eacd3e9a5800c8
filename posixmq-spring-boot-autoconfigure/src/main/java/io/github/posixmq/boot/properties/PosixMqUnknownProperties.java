package io.github.posixmq.boot.properties;

import io.github.posixmq.integration.runtime.PosixMqConfigurationException;
import java.beans.PropertyDescriptor;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Fails start-up on a property under {@code posixmq.queues.<key>} that no setting has (a typo such as
 * {@code capacitty} would otherwise be ignored and the default used), with a "did you mean" sentence.
 */
final class PosixMqUnknownProperties {

    private static final ConfigurationPropertyName QUEUES = ConfigurationPropertyName
        .of(PosixMqPropertiesValidator.ROOT);

    /** The dashed names of every setting of a queue, such as {@code capacity} and {@code inbound.channel}. */
    private static final Set<String> KNOWN = known(PosixMqProperties.Queue.class, "");

    private PosixMqUnknownProperties() {
    }

    /**
     * Checks every property of {@code environment} under {@code posixmq.queues.<key>}.
     *
     * @throws PosixMqConfigurationException naming the first unknown property and the likely meant one
     */
    static void check(Environment environment) {
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.filter(QUEUES::isAncestorOf).forEach(PosixMqUnknownProperties::check);
        }
    }

    private static void check(ConfigurationPropertyName name) {
        int depth = QUEUES.getNumberOfElements();
        if (name.getNumberOfElements() <= depth + 1) {
            return; // posixmq.queues.<key> itself
        }
        StringBuilder setting = new StringBuilder();
        for (int i = depth + 1; i < name.getNumberOfElements(); i++) {
            if (name.isNumericIndex(i)) {
                return; // an indexed value of a list setting
            }
            setting.append(setting.isEmpty() ? "" : ".").append(name.getElement(i, ConfigurationPropertyName.Form.DASHED));
        }
        String unknown = setting.toString();
        if (KNOWN.contains(unknown)) {
            return;
        }
        String prefix = QUEUES + "." + name.getElement(depth, ConfigurationPropertyName.Form.ORIGINAL);
        String meant = closest(unknown);
        throw new PosixMqConfigurationException(prefix + "." + unknown, null, "no such setting"
                + (meant != null ? "; did you mean " + prefix + "." + meant + "?" : ""),
                (meant != null ? "Rename it to " + prefix + "." + meant + ", or remove it. " : "Remove it. ")
                        + "The settings of a queue are " + String.join(", ", KNOWN) + ".",
                null);
    }

    /**
     * The known setting nearest to {@code unknown} (edit distance at most a third of its length), else the one
     * setting that ends in it (a setting of an adapter written on the queue, such as {@code payload-type} for
     * {@code inbound.payload-type}), or null.
     */
    private static @Nullable String closest(String unknown) {
        String nearest = KNOWN.stream()
            .min(Comparator.comparingInt((String known) -> distance(unknown, known)))
            .filter((known) -> distance(unknown, known) <= Math.max(2, unknown.length() / 3))
            .orElse(null);
        if (nearest != null) {
            return nearest;
        }
        List<String> nested = KNOWN.stream().filter((known) -> known.endsWith("." + unknown)).toList();
        return (nested.size() == 1) ? nested.get(0) : null;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** The settings of {@code type}: writable properties, and those of nested settings classes (read-only). */
    private static Set<String> known(Class<?> type, String prefix) {
        Set<String> names = new TreeSet<>();
        for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
            if (property.getReadMethod() == null || property.getName().equals("class")) {
                continue;
            }
            String name = prefix + dashed(property.getName());
            Class<?> propertyType = property.getPropertyType();
            if (property.getWriteMethod() != null) {
                names.add(name);
            }
            else if (propertyType.getEnclosingClass() == PosixMqProperties.class) {
                names.addAll(known(propertyType, name + "."));
            }
        }
        return names;
    }

    private static String dashed(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
