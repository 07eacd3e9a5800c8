package io.github.posixmq.stream.binder.config;

import io.github.posixmq.stream.binder.PosixMqMessageChannelBinder;
import io.github.posixmq.stream.binder.properties.PosixMqExtendedBindingProperties;
import io.github.posixmq.stream.binder.provisioning.PosixMqProvisioner;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The configuration of the {@code posixmq} binder, named in {@code META-INF/spring.binders}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PosixMqExtendedBindingProperties.class)
public class PosixMqBinderConfiguration {

    /** The provisioner: destinations to queues. */
    @Bean
    @ConditionalOnMissingBean
    PosixMqProvisioner posixMqProvisioner() {
        return new PosixMqProvisioner();
    }

    /** The binder. */
    @Bean
    @ConditionalOnMissingBean
    PosixMqMessageChannelBinder posixMqMessageChannelBinder(PosixMqProvisioner provisioner,
            PosixMqExtendedBindingProperties properties) {
        return new PosixMqMessageChannelBinder(provisioner, properties);
    }
}
