package io.github.posixmq.stream.binder.provisioning;

import java.util.List;

import org.springframework.cloud.stream.provisioning.ProducerDestination;
import org.springframework.util.Assert;

/**
 * The queues a producer binding sends to: for the destination and for each required group
 * ({@code <destination>.<group>}), one queue, or one per partition ({@code <name>-<n>}).
 *
 * @param name the destination's queue name
 * @param targets per target (the destination first, then each required group), its queues by partition
 */
public record PosixMqProducerDestination(String name, List<List<ProvisionedQueue>> targets)
        implements ProducerDestination {

    /** Copies the lists. */
    public PosixMqProducerDestination {
        Assert.notEmpty(targets, "targets must not be empty");
        targets = targets.stream().map(List::copyOf).toList();
    }

    @Override
    public String getName() {
        return this.name;
    }

    @Override
    public String getNameForPartition(int partition) {
        List<ProvisionedQueue> partitions = this.targets.get(0);
        Assert.isTrue(partition >= 0 && partition < partitions.size(),
                () -> "partition " + partition + " is outside 0 to " + (partitions.size() - 1) + " of " + this.name);
        return partitions.get(partition).name();
    }

    /** The number of partitions (1 when not partitioned). */
    public int partitionCount() {
        return this.targets.get(0).size();
    }
}
