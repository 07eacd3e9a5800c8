package io.github.posixmq.integration.runtime;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * How a queue is opened or created, as a plain JavaBean that Spring Boot binds: the one declaration of these settings
 * shared by {@code posixmq.queues.<key>.*} and the binder's {@code spring.cloud.stream.posixmq.bindings.<name>.*}.
 * {@link PosixMqQueueSettings.Builder#properties} validates them. This module has no Spring Boot, and the
 * configuration processor cannot read the field comments of a class in another jar: the modules that extend this
 * class write these properties' IDE descriptions by hand in
 * {@code META-INF/spring/configuration-metadata/additional/<their type>.json} (merged by the processor, checked by
 * their metadata tests); keep them in step with the comments below.
 */
public class PosixMqQueueProperties {

    /**
     * Whether to create the queue when it does not exist; when false, a missing queue fails start-up. Default: true.
     */
    private boolean create = true;

    /**
     * Capacity in messages of a created queue, up to /proc/sys/fs/mqueue/msg_max. Default: the system's
     * /proc/sys/fs/mqueue/msg_default. An existing queue keeps its own.
     */
    private @Nullable Long capacity;

    /**
     * Largest message of a created queue, up to /proc/sys/fs/mqueue/msgsize_max; plain numbers are bytes. Default: the
     * system's /proc/sys/fs/mqueue/msgsize_default. An existing queue keeps its own.
     */
    private @Nullable DataSize maxMessageSize;

    /** Permission bits of a created queue, as an octal string (the umask applies). Default: "0600", owner only. */
    private String mode = "0600";

    /**
     * Whether to remove the queue name (mq_unlink) when the application shuts down; only a queue this application
     * created (same device and inode) is removed. Default: false.
     */
    private boolean removeOnShutdown;

    /**
     * Whether to adopt an existing queue owned by another user or granting permissions beyond "mode" (a queue
     * deliberately shared between users). When false, such a queue fails start-up and recovery refuses it.
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

    /** Whether to remove the queue name on shutdown. */
    public boolean isRemoveOnShutdown() {
        return this.removeOnShutdown;
    }

    /** Sets whether to remove the queue name on shutdown. */
    public void setRemoveOnShutdown(boolean removeOnShutdown) {
        this.removeOnShutdown = removeOnShutdown;
    }

    /** Whether an existing queue of another user, or with a wider mode, is adopted. */
    public boolean isShared() {
        return this.shared;
    }

    /** Sets whether an existing queue of another user, or with a wider mode, is adopted. */
    public void setShared(boolean shared) {
        this.shared = shared;
    }

    /** Copies these settings onto {@code target}. */
    public void copyTo(PosixMqQueueProperties target) {
        target.setCreate(this.create);
        target.setCapacity(this.capacity);
        target.setMaxMessageSize(this.maxMessageSize);
        target.setMode(this.mode);
        target.setRemoveOnShutdown(this.removeOnShutdown);
        target.setShared(this.shared);
    }
}
