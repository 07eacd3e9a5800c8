package io.github.posixmq.stream.binder.properties;

import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.cloud.stream.binder.AbstractExtendedBindingProperties;
import org.springframework.cloud.stream.binder.BinderSpecificPropertiesProvider;

/**
 * The posixmq settings of the bindings ({@code spring.cloud.stream.posixmq.bindings.<name>.consumer|producer.*}), with
 * defaults for every binding under {@code spring.cloud.stream.posixmq.default.*}.
 */
@ConfigurationProperties(PosixMqExtendedBindingProperties.PREFIX)
public final class PosixMqExtendedBindingProperties extends AbstractExtendedBindingProperties<PosixMqConsumerProperties,
        PosixMqProducerProperties, PosixMqBindingProperties> {

    /** The prefix of these properties. */
    public static final String PREFIX = "spring.cloud.stream.posixmq";

    /** The prefix of the binding settings, followed by the binding name. */
    public static final String BINDINGS = PREFIX + ".bindings";

    /** The prefix of the defaults of every binding. */
    public static final String DEFAULTS = PREFIX + ".default";

    @Override
    public String getDefaultsPrefix() {
        return DEFAULTS;
    }

    /** The settings by binding name. */
    public Map<String, PosixMqBindingProperties> getBindings() {
        return doGetBindings();
    }

    @Override
    public Class<? extends BinderSpecificPropertiesProvider> getExtendedPropertiesEntryClass() {
        return PosixMqBindingProperties.class;
    }
}
