package io.github.posixmq.stream.binder.properties;

import org.springframework.boot.context.properties.ConfigurationPropertiesSource;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.cloud.stream.binder.BinderSpecificPropertiesProvider;

/**
 * The posixmq settings of one binding: its consumer and producer parts. Its metadata (what each
 * {@code spring.cloud.stream.posixmq.bindings.<name>.*} property does and its default) is generated into
 * {@code META-INF/spring/configuration-metadata/} by {@link ConfigurationPropertiesSource}.
 */
@ConfigurationPropertiesSource
public final class PosixMqBindingProperties implements BinderSpecificPropertiesProvider {

    /** The consumer settings of the binding. */
    @NestedConfigurationProperty
    private PosixMqConsumerProperties consumer = new PosixMqConsumerProperties();

    /** The producer settings of the binding. */
    @NestedConfigurationProperty
    private PosixMqProducerProperties producer = new PosixMqProducerProperties();

    @Override
    public PosixMqConsumerProperties getConsumer() {
        return this.consumer;
    }

    /** Sets the consumer settings. */
    public void setConsumer(PosixMqConsumerProperties consumer) {
        this.consumer = consumer;
    }

    @Override
    public PosixMqProducerProperties getProducer() {
        return this.producer;
    }

    /** Sets the producer settings. */
    public void setProducer(PosixMqProducerProperties producer) {
        this.producer = producer;
    }

    /** A copy of these settings, consumer and producer. */
    PosixMqBindingProperties copy() {
        PosixMqBindingProperties copy = new PosixMqBindingProperties();
        copy.consumer = this.consumer.copy();
        copy.producer = this.producer.copy();
        return copy;
    }
}
