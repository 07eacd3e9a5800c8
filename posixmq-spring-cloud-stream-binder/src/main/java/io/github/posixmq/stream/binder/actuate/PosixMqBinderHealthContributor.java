package io.github.posixmq.stream.binder.actuate;

import java.util.stream.Stream;

import io.github.posixmq.stream.binder.provisioning.PosixMqProvisioner;
import io.github.posixmq.stream.binder.provisioning.ProvisionedQueue;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.util.Assert;

/**
 * The health of the binder's queues, as of {@code posixmq.queues.*}: one {@link PosixMqBinderQueueHealthIndicator} per
 * provisioned queue, named by the queue name without its slash. Spring Cloud Stream shows it under
 * {@code binders.posixmq} of the health endpoint; queues appear as their bindings start. A queue the binder refused
 * (squatted, or with invalid settings) is DOWN with the reason, until a retry of its binding provisions it.
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
        if (queue != null) {
            return indicator(queue);
        }
        String reason = this.provisioner.refused().get("/" + name);
        return reason != null ? refused(reason) : null;
    }

    @Override
    public Stream<HealthContributors.Entry> stream() {
        Stream<HealthContributors.Entry> provisioned = this.provisioner.queues().values().stream()
            .map((queue) -> new HealthContributors.Entry(queue.name().substring(1), indicator(queue)));
        Stream<HealthContributors.Entry> refused = this.provisioner.refused().entrySet().stream()
            .map((entry) -> new HealthContributors.Entry(entry.getKey().substring(1), refused(entry.getValue())));
        return Stream.concat(provisioned, refused);
    }

    /** DOWN: the queue was refused, so a binding that needs it is not bound. */
    private static HealthIndicator refused(String reason) {
        return () -> Health.down().withDetail("refused", reason).build();
    }

    private HealthContributor indicator(ProvisionedQueue queue) {
        return new PosixMqBinderQueueHealthIndicator(queue.queues(), queue.key(), this.fullThreshold);
    }
}
