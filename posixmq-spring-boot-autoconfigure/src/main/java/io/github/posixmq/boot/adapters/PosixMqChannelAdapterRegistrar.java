package io.github.posixmq.boot.adapters;

import io.github.posixmq.boot.properties.PosixMqProperties;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.runtime.PosixMqSettings;
import io.github.posixmq.integration.runtime.PosixMqQueueSettings;
import io.github.posixmq.integration.runtime.PosixMqConfigurationException;
import io.github.posixmq.integration.inbound.PosixMqInboundGateway;
import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import io.github.posixmq.integration.outbound.PosixMqMessageHandler;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.config.ConsumerEndpointFactoryBean;

/**
 * Registers the bean definitions of the channel adapters configured under {@code posixmq.queues}, once every
 * configuration class is parsed (so user beans of the same names win). The definitions are plain: the adapters are
 * made by the {@link PosixMqChannelAdapterFactory} bean from a key, and the outbound endpoints are
 * {@link ConsumerEndpointFactoryBean}s, so Spring AOT can generate code for them.
 *
 * <p>Which adapters and channels exist is read from the environment here, when bean definitions are made (at build
 * time under Spring AOT, as for any {@code @ConditionalOnProperty}); their settings are bound once, into the
 * {@code PosixMqProperties} bean, and read from {@link PosixMqQueues} when the adapters are created.
 */
public final class PosixMqChannelAdapterRegistrar implements BeanDefinitionRegistryPostProcessor, BeanFactoryAware {

    private final Environment environment;

    private @Nullable BeanFactory beanFactory;

    /** A registrar of the adapters that the {@code posixmq.queues} properties of {@code environment} declare. */
    public PosixMqChannelAdapterRegistrar(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
        this.beanFactory = beanFactory;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
        PosixMqProperties properties = Binder.get(this.environment)
            .bind("posixmq", PosixMqProperties.class)
            .orElseGet(PosixMqProperties::new);
        PosixMqSettings settings;
        try {
            settings = properties.settings();
        }
        catch (PosixMqConfigurationException ex) {
            return; // the registry fails start-up with this exception, where the failure analyzer explains it
        }
        for (PosixMqQueueSettings queue : settings.queues().values()) {
            PosixMqProperties.Queue configured = properties.getQueues().get(queue.key());
            if (queue.inbound().enabled() && configured != null && configured.getInbound().isGateway()) {
                registerInboundGateway(registry, queue.key(), queue.inbound().channel());
            }
            else if (queue.inbound().enabled()) {
                registerInbound(registry, queue.key(), queue.inbound().channel());
            }
            if (queue.outbound().enabled()) {
                registerOutbound(registry, queue.key(), queue.outbound().channel());
            }
        }
    }

    private void registerInbound(BeanDefinitionRegistry registry, String key, String channel) {
        String name = inboundAdapterBeanName(key);
        if (inUse(registry, name)) {
            return;
        }
        registerChannelIfMissing(registry, channel);
        registry.registerBeanDefinition(name, fromFactory(PosixMqMessageProducer.class, "inboundAdapter", key));
    }

    private void registerInboundGateway(BeanDefinitionRegistry registry, String key, String channel) {
        String name = inboundGatewayBeanName(key);
        if (inUse(registry, name)) {
            return;
        }
        registerChannelIfMissing(registry, channel);
        registry.registerBeanDefinition(name, fromFactory(PosixMqInboundGateway.class, "inboundGateway", key));
    }

    private void registerOutbound(BeanDefinitionRegistry registry, String key, String channel) {
        String name = outboundAdapterBeanName(key);
        String handlerName = outboundHandlerBeanName(key);
        if (inUse(registry, name) || inUse(registry, handlerName)) {
            return;
        }
        registerChannelIfMissing(registry, channel);
        registry.registerBeanDefinition(handlerName, fromFactory(PosixMqMessageHandler.class, "outboundHandler", key));
        registry.registerBeanDefinition(name, BeanDefinitionBuilder.genericBeanDefinition(ConsumerEndpointFactoryBean.class)
            .addPropertyReference("handler", handlerName)
            .addPropertyValue("inputChannelName", channel)
            .getBeanDefinition());
    }

    /** A definition of a bean made by {@code PosixMqChannelAdapterFactory.<method>(key)}. */
    private static RootBeanDefinition fromFactory(Class<?> type, String method, String key) {
        RootBeanDefinition definition = new RootBeanDefinition(type);
        definition.setFactoryBeanName(PosixMqChannelAdapterFactory.BEAN_NAME);
        definition.setFactoryMethodName(method);
        definition.getConstructorArgumentValues().addIndexedArgumentValue(0, key);
        return definition;
    }

    private void registerChannelIfMissing(BeanDefinitionRegistry registry, String channel) {
        if (!inUse(registry, channel)) {
            registry.registerBeanDefinition(channel, new RootBeanDefinition(DirectChannel.class));
        }
    }

    private boolean inUse(BeanDefinitionRegistry registry, String name) {
        return registry.isBeanNameInUse(name) || (this.beanFactory != null && this.beanFactory.containsBean(name));
    }

    /** The bean name of the inbound channel adapter of {@code posixmq.queues.<key>}. */
    public static String inboundAdapterBeanName(String key) {
        return "posixmq." + key + ".inbound-channel-adapter";
    }

    /** The bean name of the inbound gateway of {@code posixmq.queues.<key>} ({@code inbound.gateway: true}). */
    public static String inboundGatewayBeanName(String key) {
        return "posixmq." + key + ".inbound-gateway";
    }

    /** The bean name of the outbound channel adapter endpoint of {@code posixmq.queues.<key>}. */
    public static String outboundAdapterBeanName(String key) {
        return "posixmq." + key + ".outbound-channel-adapter";
    }

    /** The bean name of the outbound channel adapter's message handler of {@code posixmq.queues.<key>}. */
    public static String outboundHandlerBeanName(String key) {
        return outboundAdapterBeanName(key) + ".handler";
    }
}
