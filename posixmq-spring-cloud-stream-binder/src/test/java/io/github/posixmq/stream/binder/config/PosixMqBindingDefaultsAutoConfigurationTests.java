package io.github.posixmq.stream.binder.config;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.stream.config.BindingHandlerAdvise.MappingsProvider;

import static org.assertj.core.api.Assertions.assertThat;

class PosixMqBindingDefaultsAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PosixMqBindingDefaultsAutoConfiguration.class));

    @Test
    void mapsTheBindingPropertiesToTheDefaults() {
        this.runner.run((context) -> {
            assertThat(context).hasSingleBean(MappingsProvider.class);
            assertThat(context.getBean(MappingsProvider.class).getDefaultMappings())
                .containsEntry(ConfigurationPropertyName.of("spring.cloud.stream.posixmq.bindings"),
                        ConfigurationPropertyName.of("spring.cloud.stream.posixmq.default"));
        });
    }
}
