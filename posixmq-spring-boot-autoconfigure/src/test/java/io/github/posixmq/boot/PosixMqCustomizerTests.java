package io.github.posixmq.boot;

import io.github.posixmq.boot.adapters.PosixMqChannelAdapterCustomizer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import io.github.posixmq.integration.outbound.PosixMqMessageHandler;
import io.github.posixmq.integration.template.PosixMqTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link PosixMqTemplateCustomizer} and {@link PosixMqChannelAdapterCustomizer} beans, applied in order. */
class PosixMqCustomizerTests {

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    @Test
    void templateCustomizersApplyInOrder() {
        String key = this.queues.key("custom");
        TestQueues.integrationRunner().withUserConfiguration(Customizers.class)
            .withPropertyValues(TestQueues.smallQueue(key))
            .run((context) -> assertThat(context.getBean(PosixMqTemplate.class).getSendTimeout())
                .isEqualTo(Duration.ofMillis(250)));
    }

    @Test
    void adapterCustomizersSeeEveryAutoConfiguredAdapterWithItsKey() {
        String key = this.queues.key("adapters");
        TestQueues.integrationRunner().withUserConfiguration(Customizers.class)
            .withPropertyValues(TestQueues.smallQueue(key, "inbound.channel=in", "outbound.channel=out"))
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(Customizers.class).adapters).containsExactlyInAnyOrder("inbound " + key,
                        "outbound " + key);
            });
    }

    @Configuration(proxyBeanMethods = false)
    static class Customizers {

        final List<String> adapters = new CopyOnWriteArrayList<>();

        @Bean
        @Order(2)
        PosixMqTemplateCustomizer second() {
            return (template) -> template.setSendTimeout(template.getSendTimeout().dividedBy(2));
        }

        @Bean
        @Order(1)
        PosixMqTemplateCustomizer first() {
            return (template) -> template.setSendTimeout(Duration.ofMillis(500));
        }

        @Bean
        PosixMqChannelAdapterCustomizer adapterCustomizer() {
            return new PosixMqChannelAdapterCustomizer() {

                @Override
                public void customizeInbound(String key, PosixMqMessageProducer adapter) {
                    Customizers.this.adapters.add("inbound " + key);
                }

                @Override
                public void customizeOutbound(String key, PosixMqMessageHandler handler) {
                    Customizers.this.adapters.add("outbound " + key);
                }
            };
        }
    }
}
