package io.github.posixmq.boot;

import io.github.posixmq.integration.CompositePosixMqOperationListener;
import io.github.posixmq.integration.PosixMqOperationListener;
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
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.util.Assert;

/**
 * Registers the bean definitions of the channel adapters configured under {@code posixmq.queues}, once every
 * configuration class is parsed (so user beans of the same names win). The adapters themselves are built from the
 * {@link PosixMqQueues} bean when they are created.
 */
final class PosixMqChannelAdapterRegistrar implements BeanDefinitionRegistryPostProcessor, BeanFactoryAware {

    private final Environment environment;

    private @Nullable BeanFactory beanFactory;

    PosixMqChannelAdapterRegistrar(Environment environment) {
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
        properties.getQueues().forEach((key, queue) -> {
            if (PosixMqPropertiesValidator.inboundEnabled(queue)) {
                registerInbound(registry, key, PosixMqPropertiesValidator.inboundChannel(key, queue));
            }
            if (PosixMqPropertiesValidator.outboundEnabled(queue)) {
                registerOutbound(registry, key, PosixMqPropertiesValidator.outboundChannel(key, queue));
            }
        });
    }

    private void registerInbound(BeanDefinitionRegistry registry, String key, String channel) {
        String name = PosixMqIntegrationAutoConfiguration.inboundAdapterBeanName(key);
        if (inUse(registry, name)) {
            return;
        }
        registerChannelIfMissing(registry, channel);
        RootBeanDefinition definition = new RootBeanDefinition(PosixMqMessageProducer.class,
                () -> createInbound(key, channel));
        registry.registerBeanDefinition(name, definition);
    }

    private void registerOutbound(BeanDefinitionRegistry registry, String key, String channel) {
        String name = PosixMqIntegrationAutoConfiguration.outboundAdapterBeanName(key);
        String handlerName = PosixMqIntegrationAutoConfiguration.outboundHandlerBeanName(key);
        if (inUse(registry, name) || inUse(registry, handlerName)) {
            return;
        }
        registerChannelIfMissing(registry, channel);
        registry.registerBeanDefinition(handlerName,
                new RootBeanDefinition(PosixMqMessageHandler.class, () -> createOutbound(key)));
        registry.registerBeanDefinition(name, BeanDefinitionBuilder.genericBeanDefinition(ConsumerEndpointFactoryBean.class)
            .addPropertyReference("handler", handlerName)
            .addPropertyValue("inputChannelName", channel)
            .getBeanDefinition());
    }

    private void registerChannelIfMissing(BeanDefinitionRegistry registry, String channel) {
        if (!inUse(registry, channel)) {
            registry.registerBeanDefinition(channel, new RootBeanDefinition(DirectChannel.class));
        }
    }

    private boolean inUse(BeanDefinitionRegistry registry, String name) {
        return registry.isBeanNameInUse(name) || (this.beanFactory != null && this.beanFactory.containsBean(name));
    }

    private BeanFactory beanFactory() {
        BeanFactory beanFactory = this.beanFactory;
        Assert.state(beanFactory != null, "no BeanFactory");
        return beanFactory;
    }

    private PosixMqOperationListener listener() {
        return CompositePosixMqOperationListener.ofBeans(beanFactory());
    }

    private PosixMqMessageProducer createInbound(String key, String channel) {
        PosixMqQueues queues = beanFactory().getBean(PosixMqQueues.class);
        PosixMqProperties.Inbound inbound = queues.info(key).properties().getInbound();
        PosixMqMessageProducer producer = new PosixMqMessageProducer(queues.resolve(key));
        producer.setOutputChannelName(channel);
        producer.setConcurrency(inbound.getConcurrency());
        if (PosixMqPropertiesValidator.stringPayload(key, inbound)) {
            producer.setCharset(inbound.getCharset());
        }
        if (inbound.getErrorChannel() != null) {
            producer.setErrorChannelName(inbound.getErrorChannel());
        }
        String deadLetter = inbound.getDeadLetterQueue();
        if (deadLetter != null) {
            producer.setDeadLetterQueue(queues.resolve(queues.findKey(deadLetter).orElseThrow(() ->
                    new PosixMqConfigurationException(PosixMqPropertiesValidator.prefix(key)
                            + ".inbound.dead-letter-queue", deadLetter, "no queue with that key or name is configured",
                            "Declare the dead-letter queue under posixmq.queues and name its key here.", null))));
        }
        producer.setOperationListener(listener());
        return producer;
    }

    private MessageConverter messageConverter() {
        String name = PosixMqAutoConfiguration.MESSAGE_CONVERTER_BEAN_NAME;
        return beanFactory().containsBean(name) ? beanFactory().getBean(name, MessageConverter.class)
                : PosixMqTemplate.defaultMessageConverter();
    }

    private PosixMqMessageHandler createOutbound(String key) {
        PosixMqQueues queues = beanFactory().getBean(PosixMqQueues.class);
        PosixMqProperties.Outbound outbound = queues.info(key).properties().getOutbound();
        PosixMqMessageHandler handler = new PosixMqMessageHandler(queues.resolve(key));
        handler.setPriority(outbound.getPriority());
        if (outbound.getPriorityExpression() != null) {
            handler.setPriorityExpressionString(outbound.getPriorityExpression());
        }
        handler.setSendTimeout(outbound.getSendTimeout());
        handler.setMessageConverter(messageConverter());
        handler.setOperationListener(listener());
        return handler;
    }
}
