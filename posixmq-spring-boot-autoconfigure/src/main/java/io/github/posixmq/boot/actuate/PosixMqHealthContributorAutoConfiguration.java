package io.github.posixmq.boot.actuate;

import io.github.posixmq.boot.adapters.PosixMqChannelAdapterRegistrar;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

import io.github.posixmq.boot.PosixMqAutoConfiguration;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.inbound.PosixMqMessageProducer;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of the {@code posixmq} health contributor: one {@link PosixMqQueueHealthIndicator} per configured
 * queue, under its key. Off with {@code management.health.posixmq.enabled=false}.
 */
@AutoConfiguration(after = PosixMqAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(PosixMqQueues.class)
@ConditionalOnEnabledHealthIndicator("posixmq")
@EnableConfigurationProperties(PosixMqHealthProperties.class)
public final class PosixMqHealthContributorAutoConfiguration {

    private static final String SI_PRODUCER = "org.springframework.integration.endpoint.MessageProducerSupport";

    PosixMqHealthContributorAutoConfiguration() {
    }

    /** The {@code posixmq} contributor: one entry per queue, named by its key. */
    @Bean
    @ConditionalOnMissingBean(name = { "posixmqHealthIndicator", "posixmqHealthContributor" })
    HealthContributor posixmqHealthContributor(PosixMqQueues queues, PosixMqHealthProperties properties,
            ListableBeanFactory beans) {
        Map<String, HealthContributor> indicators = new LinkedHashMap<>();
        for (String key : queues.keys()) {
            indicators.put(key, new PosixMqQueueHealthIndicator(queues, key, properties.getFullThreshold(),
                    blockedOnDeadLetterQueue(beans, key), missingReceivers(beans, key)));
        }
        return CompositeHealthContributor.fromMap(indicators);
    }

    /** How many receivers of the auto-configured inbound adapter of {@code key} do not run now. */
    private static IntSupplier missingReceivers(ListableBeanFactory beans, String key) {
        if (!ClassUtils.isPresent(SI_PRODUCER, PosixMqHealthContributorAutoConfiguration.class.getClassLoader())) {
            return () -> 0;
        }
        String name = PosixMqChannelAdapterRegistrar.inboundAdapterBeanName(key);
        return () -> beans.containsBean(name) && beans.getBean(name) instanceof PosixMqMessageProducer producer
                ? producer.getMissingReceivers() : 0;
    }

    /** Whether the auto-configured inbound adapter of {@code key} waits now for room in its full dead-letter queue. */
    private static BooleanSupplier blockedOnDeadLetterQueue(ListableBeanFactory beans, String key) {
        if (!ClassUtils.isPresent(SI_PRODUCER, PosixMqHealthContributorAutoConfiguration.class.getClassLoader())) {
            return () -> false;
        }
        String name = PosixMqChannelAdapterRegistrar.inboundAdapterBeanName(key);
        return () -> beans.containsBean(name) && beans.getBean(name) instanceof PosixMqMessageProducer producer
                && producer.isBlockedOnDeadLetterQueue();
    }
}
