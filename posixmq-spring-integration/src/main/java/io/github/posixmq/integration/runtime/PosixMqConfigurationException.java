package io.github.posixmq.integration.runtime;

import org.jspecify.annotations.Nullable;

/**
 * A {@code posixmq.*} property is invalid or cannot be honoured. Carries the property, its value and the fix, which
 * the Spring Boot failure analyzer shows when start-up fails.
 */
public final class PosixMqConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The full property name. */
    private final String property;

    /** The offending value as text, or null when the property is not set. */
    private final @Nullable String value;

    /** What is wrong. */
    private final String reason;

    /** What to do about it. */
    private final String action;

    /**
     * Creates the exception.
     *
     * @param property the full property name, such as {@code posixmq.queues.orders.capacity}
     * @param value the offending value, or null when the property is not set
     * @param reason what is wrong
     * @param action what to do about it
     * @param cause the underlying error, or null
     */
    public PosixMqConfigurationException(String property, @Nullable Object value, String reason, String action,
            @Nullable Throwable cause) {
        super("Invalid " + property + (value != null ? " '" + value + "'" : "") + ": " + reason, cause);
        this.property = property;
        this.value = value != null ? value.toString() : null;
        this.reason = reason;
        this.action = action;
    }

    /** The full property name, such as {@code posixmq.queues.orders.capacity}. */
    public String property() {
        return this.property;
    }

    /** The offending value as text, or null when the property is not set. */
    public @Nullable String value() {
        return this.value;
    }

    /** What is wrong. */
    public String reason() {
        return this.reason;
    }

    /** What to do about it. */
    public String action() {
        return this.action;
    }
}
