package io.github.posixmq.stream.binder.properties;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.cloud.stream.binder.AbstractExtendedBindingProperties;
import org.springframework.cloud.stream.binder.BinderSpecificPropertiesProvider;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The posixmq settings of the bindings ({@code spring.cloud.stream.posixmq.bindings.<name>.consumer|producer.*}), with
 * defaults for every binding under {@code spring.cloud.stream.posixmq.default.*}.
 *
 * <p>A binding without posixmq settings of its own gets a copy of the defaults, bound once (when the first such binding
 * asks) by one {@link Binder} kept for all bindings. Spring Cloud Stream's own way builds a new Bean Validation factory
 * (Hibernate Validator: it reads {@code META-INF/validation.xml} through every jar and builds its metadata again) for
 * each such binding, to validate settings that carry no constraints: measured, 37% of all the memory allocated while an
 * application with 230 bindings starts, and a larger heap. Binding the defaults again for each binding still cost about
 * 200 KB of garbage a binding, per JFR (the binder looks through every property name of the environment, and Spring's
 * conversion service throws and catches exceptions on the way). The settings are checked by the provisioner
 * instead, with messages naming the property.
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

    /** Binds the defaults of a binding without settings of its own; null until there is an application context. */
    private volatile @Nullable Binder defaultsBinder;

    /** The defaults as bound by {@link #defaultsBinder} for the first binding without settings of its own. */
    private @Nullable PosixMqBindingProperties defaults;

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

    /** Keeps the application's environment and conversion service, to bind the defaults of bindings. */
    @Override
    public void setApplicationContext(ApplicationContext applicationContext) throws BeansException {
        super.setApplicationContext(applicationContext);
        ConfigurableApplicationContext context = (ConfigurableApplicationContext) applicationContext;
        this.defaultsBinder = new Binder(ConfigurationPropertySources.get(context.getEnvironment()),
                new PropertySourcesPlaceholdersResolver(context.getEnvironment()),
                context.getBeanFactory().getConversionService(), null, null);
    }

    /** The consumer settings of {@code binding}: its own, else the defaults. */
    @Override
    public synchronized PosixMqConsumerProperties getExtendedConsumerProperties(String binding) {
        bindDefaultsIfNecessary(binding);
        return super.getExtendedConsumerProperties(binding);
    }

    /** The producer settings of {@code binding}: its own, else the defaults. */
    @Override
    public synchronized PosixMqProducerProperties getExtendedProducerProperties(String binding) {
        bindDefaultsIfNecessary(binding);
        return super.getExtendedProducerProperties(binding);
    }

    /**
     * A binding without settings of its own gets a copy of the defaults, bound once (the parent's way when there is no
     * context). Called with this object's lock held.
     */
    private void bindDefaultsIfNecessary(String binding) {
        Binder binder = this.defaultsBinder;
        if (binder == null || doGetBindings().containsKey(binding)) {
            return;
        }
        PosixMqBindingProperties defaults = this.defaults;
        if (defaults == null) {
            defaults = new PosixMqBindingProperties();
            binder.bind(DEFAULTS, Bindable.ofInstance(defaults));
            this.defaults = defaults;
        }
        setBindings(Map.of(binding, defaults.copy()));
    }
}
