package io.github.posixmq.stream.binder.properties;

import io.github.posixmq.integration.runtime.PosixMqQueueProperties;

import org.jspecify.annotations.Nullable;

/** The posixmq settings of a consumer binding ({@code spring.cloud.stream.posixmq.bindings.<name>.consumer.*}). */
public final class PosixMqConsumerProperties extends PosixMqQueueProperties {

    /**
     * Whether the binding observes the messages it hands to the function (posixmq.processor) with Micrometer Observation. The binder carries no headers but the
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

    /**
     * Queue that receives the original bytes and priority of a message whose handling failed after every attempt,
     * created with this binding's queue settings. Default: none, such a message is logged at ERROR with its bytes.
     */
    private @Nullable String deadLetterQueue;

    /** The dead-letter queue name, or null. */
    public @Nullable String getDeadLetterQueue() {
        return this.deadLetterQueue;
    }

    /** Sets the dead-letter queue name. */
    public void setDeadLetterQueue(@Nullable String deadLetterQueue) {
        this.deadLetterQueue = deadLetterQueue;
    }
}
