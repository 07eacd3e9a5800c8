package io.github.posixmq.boot.diagnostics;

import io.github.posixmq.integration.runtime.PosixMqConfigurationException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Explains a {@link PosixMqConfigurationException} when start-up fails: the property, its value and where it was
 * set, what is wrong, and the fix. Also explains a {@code posixmq.*} value that does not bind to its enum (such as
 * {@code inbound.payload-type: strng}), naming the allowed values; ahead of Spring Boot's generic analyzers.
 */
public final class PosixMqFailureAnalyzer implements FailureAnalyzer, Ordered {

    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("posixmq");

    private final @Nullable Environment environment;

    /** Creates the analyzer; the environment, when given, is used to show where the property was set. */
    public PosixMqFailureAnalyzer(@Nullable Environment environment) {
        this.environment = environment;
    }

    /** Ahead of Spring Boot's analyzers, whose generic analysis of a failed binding would otherwise answer first. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public @Nullable FailureAnalysis analyze(Throwable failure) {
        PosixMqConfigurationException cause = findCause(failure, PosixMqConfigurationException.class);
        if (cause != null) {
            return analysis(cause, origin(cause.property()));
        }
        BindException binding = findCause(failure, BindException.class);
        if (binding != null && ROOT.isAncestorOf(binding.getName())) {
            PosixMqConfigurationException unknown = unknownConstant(binding);
            if (unknown != null) {
                return analysis(unknown, (binding.getProperty() != null) ? binding.getProperty().getOrigin() : null);
            }
        }
        return null;
    }

    /**
     * A value that names none of the constants of its enum property: Spring Boot's binding accepts any case and
     * ignores dashes and underscores ({@code STRING}, {@code String}), so this is a typo or a YAML word such as an
     * unquoted {@code yes} (read as {@code true}); null for other failures.
     */
    private static @Nullable PosixMqConfigurationException unknownConstant(BindException binding) {
        Class<?> type = binding.getTarget().getType().resolve();
        if (type == null || !type.isEnum()) {
            return null;
        }
        List<String> values = Arrays.stream(type.getEnumConstants())
            .map((constant) -> "'" + ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-') + "'")
            .toList();
        String property = binding.getName().toString();
        ConfigurationProperty bound = binding.getProperty();
        return new PosixMqConfigurationException(property, (bound != null) ? bound.getValue() : null,
                "it must be one of " + String.join(", ", values), "Set " + property + " to "
                        + String.join(" or ", values) + " (quoted in YAML if it could read as a boolean).",
                binding);
    }

    private FailureAnalysis analysis(PosixMqConfigurationException cause, @Nullable Origin origin) {
        StringBuilder description = new StringBuilder("POSIX message queue configuration property '")
            .append(cause.property())
            .append("'");
        if (cause.value() != null) {
            description.append(" with value '").append(cause.value()).append("'");
        }
        if (origin != null) {
            description.append(" (from ").append(origin).append(")");
        }
        description.append(" is invalid:\n\n    ").append(cause.reason());
        return new FailureAnalysis(description.toString(), cause.action(), cause);
    }

    private static <E extends Throwable> @Nullable E findCause(@Nullable Throwable failure, Class<E> type) {
        while (failure != null) {
            if (type.isInstance(failure)) {
                return type.cast(failure);
            }
            failure = failure.getCause();
        }
        return null;
    }

    private @Nullable Origin origin(String property) {
        if (this.environment == null) {
            return null;
        }
        ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(property);
        if (name == null) {
            return null;
        }
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
            ConfigurationProperty value = source.getConfigurationProperty(name);
            if (value != null) {
                return value.getOrigin();
            }
        }
        return null;
    }
}
