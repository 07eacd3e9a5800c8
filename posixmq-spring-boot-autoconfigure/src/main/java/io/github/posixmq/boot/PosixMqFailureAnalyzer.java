package io.github.posixmq.boot;

import io.github.posixmq.integration.runtime.PosixMqConfigurationException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;

/**
 * Explains a {@link PosixMqConfigurationException} when start-up fails: the property, its value and where it was
 * set, what is wrong, and the fix.
 */
public final class PosixMqFailureAnalyzer extends AbstractFailureAnalyzer<PosixMqConfigurationException> {

    private final @Nullable Environment environment;

    /** Creates the analyzer; the environment, when given, is used to show where the property was set. */
    public PosixMqFailureAnalyzer(@Nullable Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PosixMqConfigurationException cause) {
        StringBuilder description = new StringBuilder("POSIX message queue configuration property '")
            .append(cause.property())
            .append("'");
        if (cause.value() != null) {
            description.append(" with value '").append(cause.value()).append("'");
        }
        Origin origin = origin(cause.property());
        if (origin != null) {
            description.append(" (from ").append(origin).append(")");
        }
        description.append(" is invalid:\n\n    ").append(cause.reason());
        return new FailureAnalysis(description.toString(), cause.action(), cause);
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
