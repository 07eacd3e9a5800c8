package io.github.posixmq.stream.binder.properties;

import io.github.posixmq.integration.runtime.PosixMqQueueProperties;

import java.time.Duration;

/** The posixmq settings of a producer binding ({@code spring.cloud.stream.posixmq.bindings.<name>.producer.*}). */
public final class PosixMqProducerProperties extends PosixMqQueueProperties {

    /**
     * Whether the binding observes its sends (posixmq.sender) with Micrometer Observation. The binder carries no headers but the
     * priority, so each side's spans start their own trace. Default: false.
     */
    private boolean observationEnabled;

    /** Whether the binding is observed. */
    public boolean isObservationEnabled() {
        return this.observationEnabled;
    }

    /** Sets whether the binding is observed. */
    public void setObservationEnabled(boolean observationEnabled) {
        this.observationEnabled = observationEnabled;
    }

    /** Priority of messages without a posixmq_priority or priority header (0 to 32767, higher first). Default: 0. */
    private int priority;

    /** How long a send waits for room in a full queue before it fails. Default: 5 seconds. */
    private Duration sendTimeout = Duration.ofSeconds(5);

    /** A copy of these settings: every field (a test checks that none is left out). */
    PosixMqProducerProperties copy() {
        PosixMqProducerProperties copy = new PosixMqProducerProperties();
        copyTo(copy);
        copy.observationEnabled = this.observationEnabled;
        copy.priority = this.priority;
        copy.sendTimeout = this.sendTimeout;
        return copy;
    }

    /** The default priority. */
    public int getPriority() {
        return this.priority;
    }

    /** Sets the default priority. */
    public void setPriority(int priority) {
        this.priority = priority;
    }

    /** How long a send waits for room. */
    public Duration getSendTimeout() {
        return this.sendTimeout;
    }

    /** Sets how long a send waits for room. */
    public void setSendTimeout(Duration sendTimeout) {
        this.sendTimeout = sendTimeout;
    }
}
