package io.github.posixmq.stream.binder.properties;

import org.springframework.cloud.stream.binder.BinderSpecificPropertiesProvider;

/** The posixmq settings of one binding: its consumer and producer parts. */
public final class PosixMqBindingProperties implements BinderSpecificPropertiesProvider {

    private PosixMqConsumerProperties consumer = new PosixMqConsumerProperties();

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
}
