package io.github.posixmq.stream.binder.properties;

import io.github.posixmq.boot.PosixMqProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DataSizeUnit;
import org.springframework.util.unit.DataSize;
import org.springframework.util.unit.DataUnit;

/**
 * How the binder opens or creates a binding's queues: the settings of a {@code posixmq.queues.*} entry, validated and
 * applied by the same code.
 */
public abstract class PosixMqQueueProperties {

    /**
     * Whether to create the queue when it does not exist; when false, a missing queue fails the binding. Default:
     * true.
     */
    private boolean create = true;

    /**
     * Capacity in messages of a created queue, up to /proc/sys/fs/mqueue/msg_max. Default: the system's
     * msg_default.
     */
    private @Nullable Long capacity;

    /**
     * Largest message of a created queue, up to /proc/sys/fs/mqueue/msgsize_max; plain numbers are bytes. Default: the
     * system's msgsize_default.
     */
    @DataSizeUnit(DataUnit.BYTES)
    private @Nullable DataSize maxMessageSize;

    /** Permission bits of a created queue, as an octal string (the umask applies). Default: "0600", owner only. */
    private String mode = "0600";

    /**
     * Whether the binding observes its sends (posixmq.sender) or the messages it hands to the function
     * (posixmq.processor) with Micrometer Observation. The binder carries no headers but the priority, so each side's
     * spans start their own trace. Default: false.
     */
    private boolean observationEnabled;

    /** Whether the binding observes its sends or processing. */
    public boolean isObservationEnabled() {
        return this.observationEnabled;
    }

    /** Sets whether the binding observes its sends or processing. */
    public void setObservationEnabled(boolean observationEnabled) {
        this.observationEnabled = observationEnabled;
    }

    /**
     * Whether to remove the queue names (mq_unlink) when the binder shuts down; only queues the binder created.
     * Default: false.
     */
    private boolean removeOnShutdown;

    /**
     * Whether to use an existing queue owned by another user or granting permissions beyond "mode"; when false such
     * a queue fails the binding.
     */
    private boolean shared;

    /** Whether to create the queue when it does not exist. */
    public boolean isCreate() {
        return this.create;
    }

    /** Sets whether to create the queue when it does not exist. */
    public void setCreate(boolean create) {
        this.create = create;
    }

    /** Capacity of a created queue, or null for the system default. */
    public @Nullable Long getCapacity() {
        return this.capacity;
    }

    /** Sets the capacity of a created queue. */
    public void setCapacity(@Nullable Long capacity) {
        this.capacity = capacity;
    }

    /** Largest message of a created queue, or null for the system default. */
    public @Nullable DataSize getMaxMessageSize() {
        return this.maxMessageSize;
    }

    /** Sets the largest message of a created queue. */
    public void setMaxMessageSize(@Nullable DataSize maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    /** Permission bits of a created queue (octal string). */
    public String getMode() {
        return this.mode;
    }

    /** Sets the permission bits of a created queue (octal string such as "0660"). */
    public void setMode(String mode) {
        this.mode = mode;
    }

    /** Whether the queue names are removed when the binder shuts down. */
    public boolean isRemoveOnShutdown() {
        return this.removeOnShutdown;
    }

    /** Sets whether the queue names are removed when the binder shuts down. */
    public void setRemoveOnShutdown(boolean removeOnShutdown) {
        this.removeOnShutdown = removeOnShutdown;
    }

    /** Whether an existing queue of another user, or with a wider mode, is used. */
    public boolean isShared() {
        return this.shared;
    }

    /** Sets whether an existing queue of another user, or with a wider mode, is used. */
    public void setShared(boolean shared) {
        this.shared = shared;
    }

    /** These settings as a {@code posixmq.queues.*} entry for the queue {@code name}. */
    public PosixMqProperties.Queue toQueue(String name) {
        PosixMqProperties.Queue queue = new PosixMqProperties.Queue();
        queue.setName(name);
        queue.setCreate(this.create);
        queue.setCapacity(this.capacity);
        queue.setMaxMessageSize(this.maxMessageSize);
        queue.setMode(this.mode);
        queue.setRemoveOnShutdown(this.removeOnShutdown);
        queue.setShared(this.shared);
        return queue;
    }
}
