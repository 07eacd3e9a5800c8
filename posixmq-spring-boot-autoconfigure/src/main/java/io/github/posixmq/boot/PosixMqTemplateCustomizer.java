package io.github.posixmq.boot;

import io.github.posixmq.integration.template.PosixMqTemplate;

/**
 * Customizes the auto-configured {@link PosixMqTemplate} (its message converter, send timeout, charset, listener), as
 * Spring Boot's {@code RabbitTemplateCustomizer} does; every bean of this type is applied, in {@code @Order}.
 *
 * <pre>{@code
 * @Bean
 * PosixMqTemplateCustomizer jsonTemplate(JsonMapper mapper) {
 *     return (template) -> template.setMessageConverter(new JacksonJsonMessageConverter(mapper));
 * }
 * }</pre>
 */
@FunctionalInterface
public interface PosixMqTemplateCustomizer {

    /** Customizes {@code template}. */
    void customize(PosixMqTemplate template);
}
