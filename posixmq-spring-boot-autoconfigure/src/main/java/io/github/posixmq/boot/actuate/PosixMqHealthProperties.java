package io.github.posixmq.boot.actuate;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;

/** Settings of the {@code posixmq} health contributor ({@code posixmq.health.*}). */
@ConfigurationProperties("posixmq.health")
public class PosixMqHealthProperties {

    /**
     * Fill level at which a queue's health turns OUT_OF_SERVICE, as a fraction of its capacity greater than 0 and at
     * most 1 (0.9 = 90%, 1 = full). Unset by default: a full queue stays UP.
     */
    private @Nullable Double fullThreshold;

    /** The fill level (fraction of the capacity) at which a queue is OUT_OF_SERVICE, or null when off. */
    public @Nullable Double getFullThreshold() {
        return this.fullThreshold;
    }

    /**
     * Sets the fill level (fraction of the capacity, greater than 0 and at most 1) at which a queue is OUT_OF_SERVICE;
     * null turns the check off.
     */
    public void setFullThreshold(@Nullable Double fullThreshold) {
        Assert.isTrue(fullThreshold == null || (fullThreshold > 0 && fullThreshold <= 1),
                () -> "posixmq.health.full-threshold must be a fraction of the capacity greater than 0 and at most 1 "
                        + "(such as 0.9 for 90%), got " + fullThreshold);
        this.fullThreshold = fullThreshold;
    }
}
