package io.github.posixmq.stream.binder.provisioning;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.github.posixmq.QueueNames;
import io.github.posixmq.integration.PosixMqLogText;
import io.github.posixmq.integration.runtime.PosixMqConfigurationException;
import io.github.posixmq.integration.runtime.PosixMqQueueProperties;
import io.github.posixmq.integration.runtime.PosixMqQueueSettings;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.runtime.PosixMqRecovery;
import io.github.posixmq.integration.runtime.PosixMqSettings;
import io.github.posixmq.stream.binder.properties.PosixMqConsumerProperties;
import io.github.posixmq.stream.binder.properties.PosixMqExtendedBindingProperties;
import io.github.posixmq.stream.binder.properties.PosixMqProducerProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.cloud.stream.binder.ExtendedConsumerProperties;
import org.springframework.cloud.stream.binder.ExtendedProducerProperties;
import org.springframework.cloud.stream.provisioning.ProvisioningException;
import org.springframework.cloud.stream.provisioning.ProvisioningProvider;
import org.springframework.util.StringUtils;

/**
 * Opens (creating where configured) the queues of the bindings. A destination is a queue name used as is
 * ({@code orders} is {@code /orders}), so C, Python and Rust programs share it. A partitioned producer sends to
 * {@code <destination>-<n>}, {@code required-groups} add {@code <destination>.<group>}; a partitioned consumer reads
 * {@code <destination>-<instance-index>}.
 *
 * <p>Each queue is held by a {@link PosixMqQueues} registry of its own, built through the queue runtime, so
 * validation, error messages (naming the binding property, such as
 * {@code spring.cloud.stream.posixmq.bindings.process-in-0.consumer.capacity}), the ownership check, creation,
 * recovery of a removed queue and {@code remove-on-shutdown} are those of {@code posixmq.queues.*}. Every registry
 * joins ONE {@link PosixMqRecovery}: the application's when there is one (Spring Boot's), else the provisioner's own;
 * either way one checking thread for all queues. A queue provisioned twice (a producer and a consumer of one
 * destination) is opened once. {@link #close()} closes them all.
 */
public final class PosixMqProvisioner implements ProvisioningProvider<ExtendedConsumerProperties<PosixMqConsumerProperties>,
        ExtendedProducerProperties<PosixMqProducerProperties>>, AutoCloseable {

    private static final Log logger = LogFactory.getLog(PosixMqProvisioner.class);

    /** The registries by queue name. */
    private final Map<String, ProvisionedQueue> queues = new LinkedHashMap<>();

    /** The one recovery every registry joins. */
    private final PosixMqRecovery recovery;

    /** Whether {@link #recovery} is this provisioner's own (started and stopped by it). */
    private final boolean ownRecovery;

    /** The groups of the consumers of each queue, to say once that they compete. */
    private final Map<String, Set<String>> consumerGroups = new LinkedHashMap<>();

    /** Queues whose provisioning was refused (a squatted or invalid queue), by name, with the reason; health DOWN. */
    private final Map<String, String> refused = new LinkedHashMap<>();

    /** Told of each queue when it is first provisioned (metrics). */
    private final List<Consumer<ProvisionedQueue>> listeners = new CopyOnWriteArrayList<>();

    private boolean closed;

    /** A provisioner whose queues are recovered by its own recovery (one thread, checking every second). */
    public PosixMqProvisioner() {
        this(null);
    }

    /**
     * A provisioner whose queues join {@code recovery} (the application's), or its own recovery (one thread,
     * checking every second) when null.
     */
    public PosixMqProvisioner(@Nullable PosixMqRecovery recovery) {
        this.ownRecovery = recovery == null;
        this.recovery = recovery != null ? recovery : new PosixMqRecovery(Duration.ofSeconds(1));
    }

    /** Tells {@code listener} of every queue provisioned from now on, once per queue. */
    public void addListener(Consumer<ProvisionedQueue> listener) {
        this.listeners.add(listener);
    }

    @Override
    public synchronized PosixMqProducerDestination provisionProducerDestination(String name,
            ExtendedProducerProperties<PosixMqProducerProperties> properties) {
        String key = bindingName(properties.getBindingName(), name) + ".producer";
        List<String> bases = new ArrayList<>();
        bases.add(name);
        String[] groups = properties.getRequiredGroups();
        if (groups != null) {
            for (String group : groups) {
                if (StringUtils.hasText(group)) {
                    bases.add(name + "." + group.trim());
                }
            }
        }
        int partitions = properties.isPartitioned() ? properties.getPartitionCount() : 1;
        if (partitions < 1) {
            throw new ProvisioningException("Invalid spring.cloud.stream.bindings." + properties.getBindingName()
                    + ".producer.partition-count '" + partitions + "': a partitioned producer needs at least 1 "
                    + "partition (queue " + name + "-0)");
        }
        List<List<ProvisionedQueue>> targets = new ArrayList<>();
        for (String base : bases) {
            List<ProvisionedQueue> byPartition = new ArrayList<>();
            for (int partition = 0; partition < partitions; partition++) {
                String queueName = properties.isPartitioned() ? base + "-" + partition : base;
                byPartition.add(provision(queueName, key, properties.getExtension()));
            }
            targets.add(byPartition);
        }
        return new PosixMqProducerDestination(normalize(name, key), targets);
    }

    @Override
    public synchronized PosixMqConsumerDestination provisionConsumerDestination(String name, @Nullable String group,
            ExtendedConsumerProperties<PosixMqConsumerProperties> properties) {
        String binding = bindingName(properties.getBindingName(), name);
        String key = binding + ".consumer";
        String queueName = name;
        if (properties.isPartitioned()) {
            int index = properties.getInstanceIndex();
            if (index < 0) {
                throw new ProvisioningException("Invalid spring.cloud.stream.bindings." + binding
                        + ".consumer.instance-index '" + index + "': a partitioned consumer reads queue " + name
                        + "-<instance-index>; set spring.cloud.stream.instance-index (or the binding's "
                        + "consumer.instance-index) to 0 or more");
            }
            queueName = name + "-" + index;
        }
        ProvisionedQueue queue = provision(queueName, key, properties.getExtension());
        noteGroup(queue.name(), group);
        String deadLetter = properties.getExtension().getDeadLetterQueue();
        ProvisionedQueue deadLetterQueue = null;
        if (StringUtils.hasText(deadLetter)) {
            deadLetterQueue = provision(deadLetter, key, properties.getExtension());
            if (deadLetterQueue.name().equals(queue.name())) {
                throw new ProvisioningException("Invalid " + PosixMqExtendedBindingProperties.BINDINGS + "." + key
                        + ".dead-letter-queue '" + deadLetter + "': a queue cannot be its own dead-letter queue");
            }
            long size = queue.queues().info(queue.key()).maxMessageSize();
            long deadLetterSize = deadLetterQueue.queues().info(deadLetterQueue.key()).maxMessageSize();
            if (deadLetterSize < size) {
                throw new ProvisioningException("Invalid " + PosixMqExtendedBindingProperties.BINDINGS + "." + key
                        + ".dead-letter-queue '" + deadLetter + "': its max message size " + deadLetterSize
                        + " is smaller than the " + size + " bytes of " + queue.name() + ", so a large failed message "
                        + "could not be kept. Remove " + deadLetterQueue.name() + " so that it is created with this "
                        + "binding's settings, or name another queue.");
            }
        }
        return new PosixMqConsumerDestination(queue, deadLetterQueue);
    }

    private static String bindingName(@Nullable String bindingName, String destination) {
        return StringUtils.hasText(bindingName) ? bindingName : destination;
    }

    /** Says once per queue that its consumers compete whatever their group, when a second group shows up. */
    private void noteGroup(String queueName, @Nullable String group) {
        Set<String> groups = this.consumerGroups.computeIfAbsent(queueName, (name) -> new LinkedHashSet<>());
        boolean first = groups.size() == 1;
        if (groups.add(StringUtils.hasText(group) ? group : "(anonymous)") && first) {
            logger.info("Consumers of POSIX message queue " + queueName + " compete for its messages whatever their "
                    + "group (groups " + groups + "): a kernel queue delivers each message once and cannot "
                    + "broadcast. A group that needs its own copy reads its own queue: list it in the producer's "
                    + "required-groups (which sends to <destination>.<group> as well) and bind that group's consumer "
                    + "to destination <destination>.<group>.");
        }
    }

    private static String normalize(String name, String key) {
        try {
            return QueueNames.normalize(name);
        }
        catch (IllegalArgumentException ex) {
            throw new ProvisioningException("Invalid destination '" + name + "' of binding " + key + ": "
                    + ex.getMessage() + "; a posixmq destination is a queue name such as orders or /orders (1 to "
                    + QueueNames.NAME_MAX + " bytes, no further '/')", ex);
        }
    }

    /** The queue {@code name}, opened (or created) with {@code settings} unless it is open already. */
    private ProvisionedQueue provision(String name, String key, PosixMqQueueProperties settings) {
        if (this.closed) {
            throw new ProvisioningException("the posixmq binder is closed; cannot provision queue " + name);
        }
        String queueName = normalize(name, key);
        ProvisionedQueue existing = this.queues.get(queueName);
        if (existing != null) {
            warnIfOtherSettings(existing, key, settings);
            return existing;
        }
        PosixMqQueues registry;
        try {
            registry = new PosixMqQueues(PosixMqSettings.builder()
                .root(PosixMqExtendedBindingProperties.BINDINGS)
                .queue(queueSettings(key, queueName, settings))
                .build());
        }
        catch (PosixMqConfigurationException ex) {
            String reason = ex.getMessage() + ". " + ex.action();
            if (this.refused.put(queueName, reason) == null) {
                // once per queue: Spring Cloud Stream retries the binding every binding-retry-interval (and logs it)
                logger.error("REFUSED POSIX message queue " + PosixMqLogText.escape(queueName) + " for binding "
                        + PosixMqLogText.escape(key) + ": " + PosixMqLogText.escape(reason, 2000) + " The binding is "
                        + "not bound and the binder's health is DOWN until it binds; set "
                        + "spring.cloud.stream.binding-retry-interval=0 to fail start-up instead.");
            }
            throw new ProvisioningException(reason, ex);
        }
        this.refused.remove(queueName);
        this.recovery.register(registry);
        if (this.ownRecovery) {
            this.recovery.start();
        }
        ProvisionedQueue queue = new ProvisionedQueue(queueName, registry, key);
        this.queues.put(queueName, queue);
        this.listeners.forEach((listener) -> listener.accept(queue));
        return queue;
    }

    /** A queue is opened once: settings of a later binding that differ are named, not silently dropped. */
    private static void warnIfOtherSettings(ProvisionedQueue existing, String key, PosixMqQueueProperties settings) {
        PosixMqQueueSettings first = existing.queues().settings().queues().get(existing.key());
        PosixMqQueueProperties other = settings;
        if (!sameQueueSettings(first, other)) {
            logger.warn("POSIX message queue " + existing.name() + " is already open with the settings of "
                    + PosixMqExtendedBindingProperties.BINDINGS + "." + existing.key() + "; the different settings of "
                    + PosixMqExtendedBindingProperties.BINDINGS + "." + key + " (capacity " + other.getCapacity()
                    + ", max-message-size " + other.getMaxMessageSize() + ", mode " + other.getMode() + ", create "
                    + other.isCreate() + ", remove-on-shutdown " + other.isRemoveOnShutdown() + ", shared " + other.isShared()
                    + ") are not applied");
        }
    }

    /** Whether {@code other}, resolved, asks for the queue {@code first} describes (as configured, not as opened). */
    private static boolean sameQueueSettings(PosixMqQueueSettings first, PosixMqQueueProperties other) {
        PosixMqQueueSettings resolved;
        try {
            resolved = queueSettings(first.key(), first.name(), other);
        }
        catch (PosixMqConfigurationException ex) {
            return false;
        }
        return first.create() == resolved.create() && first.capacity() == resolved.capacity()
                && first.maxMessageSize() == resolved.maxMessageSize() && first.mode() == resolved.mode()
                && first.removeOnShutdown() == resolved.removeOnShutdown() && first.shared() == resolved.shared();
    }

    /**
     * The queues whose provisioning was refused and that are not provisioned since, by name, with the reason (a
     * binding that needs one is not bound: the binder's health is DOWN).
     */
    public synchronized Map<String, String> refused() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(this.refused));
    }

    /** The validated settings of queue {@code name} for the binding {@code key}, from the binding's properties. */
    private static PosixMqQueueSettings queueSettings(String key, String name, PosixMqQueueProperties properties) {
        return PosixMqQueueSettings.builder(key)
            .root(PosixMqExtendedBindingProperties.BINDINGS)
            .name(name)
            .properties(properties)
            .build();
    }

    /** The one recovery the provisioned queues joined. */
    public PosixMqRecovery recovery() {
        return this.recovery;
    }

    /** The queues provisioned so far, by name, in the order they were provisioned. */
    public synchronized Map<String, ProvisionedQueue> queues() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(this.queues));
    }

    /** Closes every queue (removing those configured with {@code remove-on-shutdown}). Idempotent. */
    @Override
    public synchronized void close() {
        this.closed = true;
        this.queues.values().forEach((queue) -> this.recovery.unregister(queue.queues()));
        if (this.ownRecovery) {
            this.recovery.stop();
        }
        this.queues.values().forEach((queue) -> queue.queues().close());
    }
}
