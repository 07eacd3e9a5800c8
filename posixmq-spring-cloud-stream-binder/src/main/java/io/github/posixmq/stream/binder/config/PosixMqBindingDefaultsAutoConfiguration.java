package io.github.posixmq.stream.binder.config;

import java.util.Map;

import io.github.posixmq.stream.binder.properties.PosixMqExtendedBindingProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.cloud.stream.config.BindingHandlerAdvise.MappingsProvider;
import org.springframework.context.annotation.Bean;

/**
 * Makes {@code spring.cloud.stream.posixmq.default.*} the defaults of every binding's
 * {@code spring.cloud.stream.posixmq.bindings.<name>.*}, also of bindings that set some posixmq properties themselves.
 */
@AutoConfiguration
@ConditionalOnClass(MappingsProvider.class)
public final class PosixMqBindingDefaultsAutoConfiguration {

    PosixMqBindingDefaultsAutoConfiguration() {
    }

    /** The mapping of the binding properties to their defaults. */
    @Bean
    static MappingsProvider posixMqExtendedPropertiesDefaultMappingsProvider() {
        return () -> Map.of(ConfigurationPropertyName.of(PosixMqExtendedBindingProperties.BINDINGS),
                ConfigurationPropertyName.of(PosixMqExtendedBindingProperties.DEFAULTS));
    }
}
