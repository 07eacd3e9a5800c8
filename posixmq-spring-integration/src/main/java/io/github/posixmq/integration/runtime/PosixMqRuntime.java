package io.github.posixmq.integration.runtime;

import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqQueueResolver;
import io.github.posixmq.integration.PosixMqQueueSupplier;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * The queue runtime as ONE bean, for a Spring (Integration) application without Spring Boot: the
 * {@link PosixMqQueues} registry of the queues of some {@link PosixMqSettings} with the ownership check, and its
 * {@link PosixMqRecovery}. Like Spring AMQP's {@code CachingConnectionFactory}, a plain bean configured from plain
 * settings: creating it does no I/O; its initialization opens (or creates) every queue, refusing a queue of another
 * user or with a wider mode than configured; its start starts recovery of queues whose name is removed
 * ({@code mq_unlink}); its destruction closes the queues (removing those configured {@code remove-on-shutdown}, or
 * every queue it created when the context never started).
 *
 * <pre>{@code
 * @Bean
 * PosixMqRuntime posixMqRuntime() {
 *     return new PosixMqRuntime(PosixMqSettings.builder()
 *         .queue(PosixMqQueueSettings.builder("orders").capacity(10L).maxMessageSize(1024L).build())
 *         .build());
 * }
 *
 * @Bean
 * IntegrationFlow orders(PosixMqRuntime runtime) {
 *     return IntegrationFlow.from(PosixMqs.inboundChannelAdapter(runtime.resolve("orders"))).handle(...).get();
 * }
 * }</pre>
 */
public final class PosixMqRuntime implements PosixMqQueueResolver, InitializingBean, SmartLifecycle, DisposableBean {

    private final PosixMqQueues queues;

    private final PosixMqRecovery recovery;

    private volatile boolean running;

    /** A runtime of the queues of {@code settings}; opens nothing before its initialization. */
    public PosixMqRuntime(PosixMqSettings settings) {
        Assert.notNull(settings, "settings must not be null");
        this.queues = PosixMqQueues.unopened(settings);
        this.recovery = new PosixMqRecovery(this.queues);
    }

    /**
     * Opens (creating where configured) every queue, with the ownership check.
     *
     * @throws PosixMqConfigurationException naming the setting at fault when a queue cannot be opened or is refused
     */
    @Override
    public void afterPropertiesSet() {
        this.queues.removeCreatedUnlessStarted();
        this.queues.open();
    }

    /** Starts recovery; from now on, closing removes only the queues configured {@code remove-on-shutdown}. */
    @Override
    public void start() {
        this.queues.open();
        this.recovery.start();
        this.queues.started();
        this.running = true;
    }

    /** Stops recovery (after the channel adapters, which stop in an earlier phase). */
    @Override
    public void stop() {
        this.running = false;
        this.recovery.stop();
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    /** The phase of {@link PosixMqRecovery}: started before and stopped after the channel adapters. */
    @Override
    public int getPhase() {
        return PosixMqRecovery.PHASE;
    }

    /** Stops recovery and closes the queues. */
    @Override
    public void destroy() {
        try {
            this.recovery.stop();
        }
        finally {
            this.queues.close();
        }
    }

    /** The registry: the open queues by key. */
    public PosixMqQueues queues() {
        return this.queues;
    }

    /** The recovery of the registry's queues (other registries, such as a binder's, may join it). */
    public PosixMqRecovery recovery() {
        return this.recovery;
    }

    /** The open queue configured under {@code key} (shared: do not close it); see {@link PosixMqQueues#get}. */
    public PosixMq get(String key) {
        return this.queues.get(key);
    }

    /** The queue configured under {@code key} as a supplier for the channel adapters, following recovery. */
    @Override
    public PosixMqQueueSupplier resolve(String key) {
        return this.queues.resolve(key);
    }

    @Override
    public String toString() {
        return "PosixMqRuntime" + this.queues.keys();
    }
}
