package io.github.posixmq.stream.binder.actuate;

import java.util.stream.Stream;

import io.github.posixmq.stream.binder.provisioning.PosixMqProvisioner;
import io.github.posixmq.stream.binder.provisioning.ProvisionedQueue;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.util.Assert;

/**
 * The health of the binder's queues, as of {@code posixmq.queues.*}: one {@link PosixMqBinderQueueHealthIndicator} per
 * provisioned queue, named by the queue name without its slash. Spring Cloud Stream shows it under
 * {@code binders.posixmq} of the health endpoint; queues appear as their bindings start.
 */
public final class PosixMqBinderHealthContributor implements CompositeHealthContributor {

    private final PosixMqProvisioner provisioner;

    private final @Nullable Double fullThreshold;

    /**
     * Creates the contributor of the queues of {@code provisioner}.
     *
     * @param fullThreshold fraction of the capacity at which a queue is OUT_OF_SERVICE, or null to never report it
     */
    public PosixMqBinderHealthContributor(PosixMqProvisioner provisioner, @Nullable Double fullThreshold) {
        Assert.notNull(provisioner, "provisioner must not be null");
        this.provisioner = provisioner;
        this.fullThreshold = fullThreshold;
    }

    @Override
    public @Nullable HealthContributor getContributor(String name) {
        ProvisionedQueue queue = this.provisioner.queues().get("/" + name);
        return queue != null ? indicator(queue) : null;
    }

    @Override
    public Stream<HealthContributors.Entry> stream() {
        return this.provisioner.queues().values().stream()
            .map((queue) -> new HealthContributors.Entry(queue.name().substring(1), indicator(queue)));
    }

    private HealthContributor indicator(ProvisionedQueue queue) {
        return new PosixMqBinderQueueHealthIndicator(queue.queues(), queue.key(), this.fullThreshold);
    }
}
