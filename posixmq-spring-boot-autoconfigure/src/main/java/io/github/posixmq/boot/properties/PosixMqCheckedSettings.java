package io.github.posixmq.boot.properties;

import io.github.posixmq.integration.runtime.PosixMqConfigurationException;
import io.github.posixmq.integration.runtime.PosixMqSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.env.Environment;
import org.springframework.util.Assert;

/**
 * The {@code posixmq.*} properties checked, when this bean is initialized, and resolved into the runtime's settings:
 * first a property under {@code posixmq.queues.<key>} that no setting has, then every value
 * ({@link PosixMqProperties#settings()}), each failing start-up with a {@link PosixMqConfigurationException}. The
 * registry is made from {@link #settings()}, so its bean method checks nothing.
 */
public final class PosixMqCheckedSettings implements InitializingBean {

    private final PosixMqProperties properties;

    private final Environment environment;

    private @Nullable PosixMqSettings settings;

    /** Settings of {@code properties}, checked against the property names of {@code environment} when initialized. */
    public PosixMqCheckedSettings(PosixMqProperties properties, Environment environment) {
        Assert.notNull(properties, "properties must not be null");
        Assert.notNull(environment, "environment must not be null");
        this.properties = properties;
        this.environment = environment;
    }

    /**
     * Checks the properties and resolves them.
     *
     * @throws PosixMqConfigurationException naming the property at fault and the fix
     */
    @Override
    public void afterPropertiesSet() {
        PosixMqUnknownProperties.check(this.environment);
        this.settings = this.properties.settings();
    }

    /** The checked settings; only once this bean is initialized. */
    public PosixMqSettings settings() {
        Assert.state(this.settings != null, "the posixmq settings are checked when their bean is initialized");
        return this.settings;
    }
}
