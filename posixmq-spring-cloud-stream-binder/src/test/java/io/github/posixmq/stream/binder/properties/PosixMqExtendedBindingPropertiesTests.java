package io.github.posixmq.stream.binder.properties;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class PosixMqExtendedBindingPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withUserConfiguration(Config.class)
        .withPropertyValues("spring.cloud.stream.posixmq.default.consumer.capacity=7",
                "spring.cloud.stream.posixmq.default.consumer.dead-letter-send-timeout=3s",
                "spring.cloud.stream.posixmq.default.producer.max-message-size=${size:512}",
                "spring.cloud.stream.posixmq.bindings.own.consumer.capacity=3");

    @Test
    void aBindingWithoutSettingsOfItsOwnGetsTheDefaults() {
        this.runner.run((context) -> {
            PosixMqExtendedBindingProperties properties = context.getBean(PosixMqExtendedBindingProperties.class);
            assertThat(properties.getExtendedConsumerProperties("plain").getCapacity()).isEqualTo(7L);
            assertThat(properties.getExtendedConsumerProperties("plain").getDeadLetterSendTimeout())
                .isEqualTo(Duration.ofSeconds(3));
            assertThat(properties.getExtendedProducerProperties("plain").getMaxMessageSize().toBytes())
                .isEqualTo(512);
            assertThat(properties.getBindings()).containsKey("plain");
        });
    }

    @Test
    void eachBindingGetsItsOwnCopyOfTheDefaults() {
        this.runner.run((context) -> {
            PosixMqExtendedBindingProperties properties = context.getBean(PosixMqExtendedBindingProperties.class);
            PosixMqConsumerProperties first = properties.getExtendedConsumerProperties("first");
            first.setCapacity(9L);
            assertThat(properties.getExtendedConsumerProperties("second").getCapacity()).isEqualTo(7L);
            assertThat(properties.getExtendedConsumerProperties("first")).isSameAs(first);
        });
    }

    @Test
    void aBindingWithSettingsOfItsOwnKeepsThem() {
        this.runner.run((context) -> assertThat(context.getBean(PosixMqExtendedBindingProperties.class)
            .getExtendedConsumerProperties("own")
            .getCapacity()).isEqualTo(3L));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(PosixMqExtendedBindingProperties.class)
    static class Config {

    }
}
