package io.github.posixmq.integration.runtime;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import io.github.posixmq.QueueNames;
import io.github.posixmq.SystemLimits;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.PosixMqLogText;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * The resolved, validated settings of one queue configured under {@code posixmq.queues.<key>}: what
 * the configuration said, with defaults applied and names normalized. Immutable.
 *
 * @param key the key under {@code posixmq.queues}
 * @param prefix the property prefix of the queue, such as {@code posixmq.queues.orders}, named in errors and logs
 * @param name the queue name, such as {@code /orders}
 * @param create whether the queue is created when missing
 * @param mode the permission bits of a created queue
 * @param capacity the capacity in messages (the queue's actual one once open; 0 = system default)
 * @param maxMessageSize the largest message in bytes (the queue's actual one once open; 0 = system default)
 * @param removeOnShutdown whether the queue name is removed on shutdown (only when it is still the queue this
 *        application created)
 * @param shared whether an existing queue owned by another user, or granting more than {@code mode}, is adopted
 * @param inbound the inbound channel adapter's settings
 * @param outbound the outbound channel adapter's settings
 */
public record PosixMqQueueSettings(String key, String prefix, String name, boolean create, int mode, long capacity,
        long maxMessageSize, boolean removeOnShutdown, boolean shared, Inbound inbound, Outbound outbound) {

    /**
     * A builder of the settings of the queue configured under {@code key} (plain Java, no Spring Boot): the queue
     * {@code "/" + key} created with mode 0600 and the system's default sizes, in header-mode raw, without channel
     * adapters, until told otherwise.
     *
     * <pre>{@code
     * PosixMqQueueSettings orders = PosixMqQueueSettings.builder("orders").capacity(10).maxMessageSize(1024).build();
     * }</pre>
     */
    public static Builder builder(String key) {
        return new Builder(key);
    }

    /** These settings with the capacity and max message size the open queue actually has. */
    PosixMqQueueSettings withActual(long actualCapacity, long actualMaxMessageSize) {
        return new PosixMqQueueSettings(this.key, this.prefix, this.name, this.create, this.mode, actualCapacity,
                actualMaxMessageSize, this.removeOnShutdown, this.shared, this.inbound, this.outbound);
    }

    /** The mode as an octal string, such as {@code 0600}. */
    public String modeString() {
        return QueueTrust.octal(this.mode);
    }

    /**
     * The inbound (message-driven) channel adapter of a queue.
     *
     * @param enabled whether it is registered
     * @param channel the channel received messages are sent to
     * @param concurrency the number of receiving threads
     * @param charset the charset of String payloads, or null for byte[] payloads
     * @param errorChannel the channel of ErrorMessages, or null for the global {@code errorChannel}
     * @param deadLetterQueue the key of the configured dead-letter queue, or null
     * @param deadLetterSendTimeout how long a dead-letter send waits for room before the message is dropped loudly
     * @param retry the retries before a failed message is dead-lettered (or dropped loudly)
     * @param contentType the contentType header of received messages, or null
     * @param embeddedHeaders the headers read from before the payload (header-mode embedded), or null for raw
     * @param allowedReplyNames the reply queue name patterns an inbound gateway on the queue allows besides the
     *        default ones
     * @param replySendTimeout how long an inbound gateway on the queue waits for room in a full reply queue
     * @param sharedReplyQueues whether an inbound gateway on the queue replies to queues of other users or with a
     *        mode wider than 0600
     * @param loggedBytes how many bytes of a dropped message its ERROR line shows (base64)
     * @param journalDirectory the directory of the in-flight journal, or null for none
     */
    public record Inbound(boolean enabled, String channel, int concurrency, @Nullable Charset charset,
            @Nullable String errorChannel, @Nullable String deadLetterQueue, Duration deadLetterSendTimeout,
            Retry retry, @Nullable String contentType, @Nullable List<String> embeddedHeaders,
            List<String> allowedReplyNames, Duration replySendTimeout, boolean sharedReplyQueues, int loggedBytes,
            @Nullable Path journalDirectory) {
    }

    /**
     * Retries with back-off of a message whose flow failed.
     *
     * @param attempts how often the flow is tried (1 = no retry)
     * @param initialInterval the wait before the second attempt
     * @param multiplier the factor by which the wait grows
     * @param maxInterval the longest wait
     */
    public record Retry(int attempts, Duration initialInterval, double multiplier, Duration maxInterval) {
    }

    /**
     * The outbound channel adapter of a queue.
     *
     * @param enabled whether it is registered
     * @param channel the channel it subscribes to
     * @param priority the priority of messages without a priority header or expression value
     * @param priorityExpression a SpEL expression giving the priority, or null
     * @param sendTimeout how long a send waits for room in a full queue
     * @param embeddedHeaders the headers written before the payload (header-mode embedded), or null for raw
     */
    public record Outbound(boolean enabled, String channel, int priority, @Nullable String priorityExpression,
            Duration sendTimeout, @Nullable List<String> embeddedHeaders) {
    }

    /**
     * Builds and validates the {@link PosixMqQueueSettings} of one queue in plain Java, as Spring Boot's
     * {@code posixmq.queues.<key>.*} properties and the binder's binding properties do: every problem is a
     * {@link PosixMqConfigurationException} naming its property ({@code <root>.<key>.<property>}) and the fix.
     * Obtained from {@link PosixMqQueueSettings#builder(String)}.
     */
    public static final class Builder {

        private static final Pattern OCTAL_MODE = Pattern.compile("0[0-7]{1,3}");

        private static final Pattern DECIMAL = Pattern.compile("[1-9][0-9]{0,8}");

        private final String key;

        private String root = PosixMqSettings.ROOT;

        private @Nullable String name;

        private boolean create = true;

        private @Nullable String mode = "0600";

        private @Nullable Long capacity;

        private @Nullable Long maxMessageSize;

        private boolean removeOnShutdown;

        private boolean shared;

        private @Nullable List<String> embeddedHeaders;

        private @Nullable Inbound inbound;

        private @Nullable Outbound outbound;

        private Builder(String key) {
            Assert.notNull(key, "key must not be null");
            this.key = key;
        }

        /** The property prefix the queue is configured under (named in errors); default {@code posixmq.queues}. */
        public Builder root(String root) {
            Assert.hasText(root, "root must not be empty");
            this.root = root;
            return this;
        }

        /** The queue name, such as {@code /orders} (a missing leading slash is added); default {@code "/" + key}. */
        public Builder name(@Nullable String name) {
            this.name = name;
            return this;
        }

        /** Whether the queue is created when missing (else a missing queue fails the start); default true. */
        public Builder create(boolean create) {
            this.create = create;
            return this;
        }

        /** The permission bits of a created queue as an octal string with its leading zero, such as {@code "0660"}. */
        public Builder mode(@Nullable String mode) {
            this.mode = mode;
            return this;
        }

        /** The permission bits of a created queue, such as {@code 0660}; default {@code 0600}. */
        public Builder mode(int mode) {
            Assert.isTrue(mode >= 0 && mode <= 0777, () -> "mode must be between 0 and 0777, got 0" + Integer.toOctalString(mode));
            this.mode = QueueTrust.octal(mode);
            return this;
        }

        /** The capacity of a created queue in messages, or null for the system default. */
        public Builder capacity(@Nullable Long capacity) {
            this.capacity = capacity;
            return this;
        }

        /** The largest message of a created queue in bytes, or null for the system default. */
        public Builder maxMessageSize(@Nullable Long maxMessageSize) {
            this.maxMessageSize = maxMessageSize;
            return this;
        }

        /** Whether the queue name is removed on shutdown (only the queue this application created); default false. */
        public Builder removeOnShutdown(boolean removeOnShutdown) {
            this.removeOnShutdown = removeOnShutdown;
            return this;
        }

        /** Whether an existing queue of another user, or granting more than the mode, is adopted; default false. */
        public Builder shared(boolean shared) {
            this.shared = shared;
            return this;
        }

        /** The create/capacity/max-message-size/mode/remove-on-shutdown/shared of {@code properties}. */
        public Builder properties(PosixMqQueueProperties properties) {
            Assert.notNull(properties, "properties must not be null");
            this.create = properties.isCreate();
            this.capacity = properties.getCapacity();
            this.maxMessageSize = properties.getMaxMessageSize() != null ? properties.getMaxMessageSize().toBytes() : null;
            this.mode = properties.getMode();
            this.removeOnShutdown = properties.isRemoveOnShutdown();
            this.shared = properties.isShared();
            return this;
        }

        /**
         * Header-mode embedded with these headers before the payload, both ways; null for header-mode raw (the default:
         * only the bytes cross the queue).
         */
        public Builder embeddedHeaders(@Nullable List<String> embeddedHeaders) {
            this.embeddedHeaders = embeddedHeaders;
            return this;
        }

        /** The inbound channel adapter's settings; default: disabled. */
        public Builder inbound(PosixMqQueueSettings.Inbound inbound) {
            Assert.notNull(inbound, "inbound must not be null");
            this.inbound = inbound;
            return this;
        }

        /** The outbound channel adapter's settings; default: disabled. */
        public Builder outbound(PosixMqQueueSettings.Outbound outbound) {
            Assert.notNull(outbound, "outbound must not be null");
            this.outbound = outbound;
            return this;
        }

        /** The property prefix of the queue, {@code <root>.<key>}. */
        public String prefix() {
            return PosixMqSettings.prefix(this.root, this.key);
        }

        /**
         * The queue name this builder resolves to, normalized.
         *
         * @throws PosixMqConfigurationException when the key is empty or the name is not a valid queue name
         */
        public String resolvedName() {
            if (!StringUtils.hasText(this.key)) {
                throw new PosixMqConfigurationException(this.root, this.key, "a queue key is empty",
                        "Give every entry under " + this.root + " a non-empty key.", null);
            }
            String configured = this.name != null ? this.name : "/" + this.key;
            try {
                return QueueNames.normalize(configured);
            }
            catch (IllegalArgumentException ex) {
                throw new PosixMqConfigurationException(prefix() + ".name", configured, String.valueOf(ex.getMessage()),
                        "Set " + prefix() + ".name to a single-component name of 1 to " + QueueNames.NAME_MAX
                                + " bytes such as /orders (no further '/', not '.' or '..').", ex);
            }
        }

        /**
         * The validated settings.
         *
         * @throws PosixMqConfigurationException naming the property at fault and the fix
         */
        public PosixMqQueueSettings build() {
            String prefix = prefix();
            String queueName = resolvedName();
            long capacityValue = 0;
            if (this.capacity != null) {
                capacityValue = this.capacity;
                if (capacityValue < 1) {
                    long limit = SystemLimits.read().msgMax();
                    throw new PosixMqConfigurationException(prefix + ".capacity", capacityValue, "the capacity must be at "
                            + "least 1", "Set " + prefix + ".capacity between 1 and " + SystemLimits.path("msg_max")
                                    + " (" + (limit > 0 ? limit : "unknown") + "), or remove it for the system default.",
                            null);
                }
            }
            long size = 0;
            if (this.maxMessageSize != null) {
                size = this.maxMessageSize;
                if (size < 1) {
                    throw new PosixMqConfigurationException(prefix + ".max-message-size", size + "B", "the max message "
                            + "size must be at least 1 byte", "Set " + prefix + ".max-message-size between 1 and "
                                    + SystemLimits.path("msgsize_max") + ", or remove it for the system default.",
                            null);
                }
            }
            int modeBits = parseMode(prefix, this.mode);
            List<String> headers = this.embeddedHeaders != null ? List.copyOf(this.embeddedHeaders) : null;
            if (headers != null) {
                for (String header : headers) {
                    if (PosixMqHeaders.isControlHeader(header)) {
                        throw new PosixMqConfigurationException(prefix + ".embedded-headers", headers,
                                PosixMqHeaders.controlHeaderRefusal(header), "Remove " + header + " from "
                                        + prefix + ".embedded-headers.", null);
                    }
                }
            }
            PosixMqQueueSettings.Inbound in = this.inbound != null ? this.inbound
                    : new PosixMqQueueSettings.Inbound(false, this.key + ".inbound", 1, null, null, null,
                            Duration.ofSeconds(5), new PosixMqQueueSettings.Retry(3, Duration.ofMillis(100), 2,
                                    Duration.ofSeconds(2)), null, headers, List.of(), Duration.ofSeconds(1), false,
                            PosixMqLogText.DEFAULT_LOGGED_BYTES, null);
            PosixMqQueueSettings.Outbound out = this.outbound != null ? this.outbound
                    : new PosixMqQueueSettings.Outbound(false, this.key + ".outbound", 0, null, Duration.ofSeconds(5),
                            headers);
            return new PosixMqQueueSettings(this.key, prefix, queueName, this.create, modeBits, capacityValue, size,
                    this.removeOnShutdown, this.shared, in, out);
        }

        private static int parseMode(String prefix, @Nullable String mode) {
            String trimmed = mode != null ? mode.trim() : null;
            if (trimmed != null && OCTAL_MODE.matcher(trimmed).matches()) {
                return Integer.parseInt(trimmed, 8);
            }
            if (trimmed != null && DECIMAL.matcher(trimmed).matches()) {
                int number = Integer.parseInt(trimmed);
                String hint = number <= 0777 ? " (YAML reads an unquoted 0" + Integer.toOctalString(number) + " as the "
                        + "number " + number + ")" : "";
                throw new PosixMqConfigurationException(prefix + ".mode", mode, "a mode is an octal string with a leading "
                        + "zero, not a number" + hint, "Quote it in YAML, such as mode: \"0600\" (owner only) or mode: "
                                + "\"0660\" (owner and group).", null);
            }
            throw new PosixMqConfigurationException(prefix + ".mode", mode, "not an octal permission mode",
                    "Set " + prefix + ".mode to octal permission bits between 0000 and 0777, with the leading zero, "
                            + "such as '0600' (owner only) or '0660' (owner and group); quote it in YAML.", null);
        }
    }
}
