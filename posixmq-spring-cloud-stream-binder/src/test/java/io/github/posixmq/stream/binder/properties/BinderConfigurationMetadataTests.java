package io.github.posixmq.stream.binder.properties;

import java.util.List;

import io.github.posixmq.boot.properties.ConfigurationMetadataTests;

import org.junit.jupiter.api.Test;

/** The binder's properties that README.md and docs/ name have generated metadata with a description and default. */
class BinderConfigurationMetadataTests {

    @Test
    void everyBinderPropertyTheDocumentationNamesHasMetadataWithADescriptionAndItsDefault() throws Exception {
        ConfigurationMetadataTests.assertDocumented(List.of("spring.cloud.stream.posixmq"));
    }
}
