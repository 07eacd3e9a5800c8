package io.github.posixmq.boot.actuate;

import io.github.posixmq.boot.PosixMqAutoConfiguration;
import io.github.posixmq.integration.runtime.PosixMqQueues;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code posixmq} Actuator endpoint ({@link PosixMqEndpoint}), when Spring Boot Actuator
 * is on the classpath and the endpoint is available ({@code management.endpoints.web.exposure.include=posixmq}).
 */
@AutoConfiguration(after = PosixMqAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(PosixMqQueues.class)
public final class PosixMqEndpointAutoConfiguration {

    PosixMqEndpointAutoConfiguration() {
    }

    /** The endpoint over the configured queues. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(PosixMqEndpoint.class)
    PosixMqEndpoint posixMqEndpoint(PosixMqQueues queues) {
        return new PosixMqEndpoint(queues);
    }
}
