package io.github.posixmq.stream.binder.properties;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
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

    /** The defaults are bound once and copied: the copy must carry every setting, also one added later. */
    @Test
    void everyDefaultSettingReachesEveryBinding() {
        this.runner
            .withPropertyValues("spring.cloud.stream.posixmq.default.consumer.create=false",
                    "spring.cloud.stream.posixmq.default.consumer.max-message-size=256",
                    "spring.cloud.stream.posixmq.default.consumer.mode=0640",
                    "spring.cloud.stream.posixmq.default.consumer.remove-on-shutdown=true",
                    "spring.cloud.stream.posixmq.default.consumer.shared=true",
                    "spring.cloud.stream.posixmq.default.consumer.observation-enabled=true",
                    "spring.cloud.stream.posixmq.default.consumer.dead-letter-queue=dlq",
                    "spring.cloud.stream.posixmq.default.consumer.journal.enabled=true",
                    "spring.cloud.stream.posixmq.default.consumer.journal.directory=journals",
                    "spring.cloud.stream.posixmq.default.consumer.logged-bytes=64",
                    "spring.cloud.stream.posixmq.default.producer.create=false",
                    "spring.cloud.stream.posixmq.default.producer.capacity=5",
                    "spring.cloud.stream.posixmq.default.producer.mode=0640",
                    "spring.cloud.stream.posixmq.default.producer.remove-on-shutdown=true",
                    "spring.cloud.stream.posixmq.default.producer.shared=true",
                    "spring.cloud.stream.posixmq.default.producer.observation-enabled=true",
                    "spring.cloud.stream.posixmq.default.producer.priority=3",
                    "spring.cloud.stream.posixmq.default.producer.send-timeout=2s")
            .run((context) -> {
                PosixMqBindingProperties bound = Binder.get(context.getEnvironment())
                    .bind(PosixMqExtendedBindingProperties.DEFAULTS, PosixMqBindingProperties.class)
                    .get();
                PosixMqBindingProperties unset = new PosixMqBindingProperties();
                // every field is set above to a value other than its default (so a new field fails here until it is)
                assertThat(leaves(bound.getConsumer())).doesNotContainAnyElementsOf(leaves(unset.getConsumer()));
                assertThat(leaves(bound.getProducer())).doesNotContainAnyElementsOf(leaves(unset.getProducer()));
                PosixMqExtendedBindingProperties properties = context.getBean(PosixMqExtendedBindingProperties.class);
                for (String binding : List.of("first", "second")) {
                    assertThat(leaves(properties.getExtendedConsumerProperties(binding)))
                        .isEqualTo(leaves(bound.getConsumer()));
                    assertThat(leaves(properties.getExtendedProducerProperties(binding)))
                        .isEqualTo(leaves(bound.getProducer()));
                }
            });
    }

    /** Every instance field of {@code settings}, nested settings of this package included, as "name=value". */
    private static List<String> leaves(Object settings) throws IllegalAccessException {
        List<String> leaves = new ArrayList<>();
        for (Class<?> type = settings.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                Object value = field.get(settings);
                if (value != null && value.getClass().getPackage() == PosixMqConsumerProperties.class.getPackage()) {
                    leaves(value).forEach((leaf) -> leaves.add(field.getName() + "." + leaf));
                }
                else {
                    leaves.add(field.getName() + "=" + value);
                }
            }
        }
        return leaves;
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
