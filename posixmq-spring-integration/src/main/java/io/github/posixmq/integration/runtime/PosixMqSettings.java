package io.github.posixmq.integration.runtime;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.posixmq.QueueNames;
import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * Everything under {@code posixmq.*}, resolved and validated once (by Spring Boot's properties validator, or built by hand): the queues in
 * configuration order, and the recovery settings. Immutable.
 *
 * @param root the property prefix of the queues, {@code posixmq.queues} (another for queues configured elsewhere,
 *        such as a binder's bindings)
 * @param queues the settings of every queue, by key, in configuration order
 * @param recoveryEnabled whether queues whose name was removed are recovered ({@code posixmq.recovery.enabled})
 * @param recoveryCheckInterval how often recovery checks the queues ({@code posixmq.recovery.check-interval})
 */
public record PosixMqSettings(String root, Map<String, PosixMqQueueSettings> queues, boolean recoveryEnabled,
        Duration recoveryCheckInterval) {

    /** Copies {@code queues}, keeping its order. */
    public PosixMqSettings {
        Assert.hasText(root, "root must not be empty");
        Assert.notNull(queues, "queues must not be null");
        Assert.notNull(recoveryCheckInterval, "recoveryCheckInterval must not be null");
        queues = Collections.unmodifiableMap(new LinkedHashMap<>(queues));
    }

    /**
     * A builder of settings in plain Java (no Spring Boot), recovery on with a 1 second check interval.
     *
     * <pre>{@code
     * PosixMqSettings settings = PosixMqSettings.builder()
     *     .queue(PosixMqQueueSettings.builder("orders").capacity(10L).maxMessageSize(1024L).build())
     *     .build();
     * }</pre>
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The settings of every queue, in configuration order. */
    public List<PosixMqQueueSettings> all() {
        return List.copyOf(this.queues.values());
    }

    /** The key of the configured queue whose key or queue name is {@code keyOrName}, if any. */
    public Optional<String> findKey(String keyOrName) {
        Assert.hasText(keyOrName, "keyOrName must not be empty");
        Map<String, String> names = new LinkedHashMap<>();
        this.queues.forEach((key, queue) -> names.put(key, queue.name()));
        return Optional.ofNullable(findKey(keyOrName, names));
    }

    /** The default property prefix of the queues: {@code posixmq.queues}. */
    public static final String ROOT = "posixmq.queues";

    /** The property prefix of the queue configured under {@code key} below {@code root}. */
    public static String prefix(String root, String key) {
        return root + "." + key;
    }

    /** The key whose key or queue name (in {@code names}, by key) is {@code keyOrName}, or null. */
    public static @Nullable String findKey(String keyOrName, Map<String, String> names) {
        if (names.containsKey(keyOrName)) {
            return keyOrName;
        }
        if (!QueueNames.isValid(keyOrName)) {
            return null;
        }
        String name = QueueNames.normalize(keyOrName);
        return names.entrySet().stream().filter((entry) -> entry.getValue().equals(name)).map(Map.Entry::getKey)
            .findFirst().orElse(null);
    }

    /** {@code duration} as a short text for messages, such as {@code 1s} or {@code 250ms}. */
    static String format(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }

    /** Builds {@link PosixMqSettings}; {@link #build()} checks what spans queues (names, dead-letter keys). */
    public static final class Builder {

        private String root = ROOT;

        private final Map<String, PosixMqQueueSettings> queues = new LinkedHashMap<>();

        private boolean recoveryEnabled = true;

        private Duration recoveryCheckInterval = Duration.ofSeconds(1);

        private Builder() {
        }

        /** The property prefix of the queues, named in errors; default {@code posixmq.queues}. */
        public Builder root(String root) {
            Assert.hasText(root, "root must not be empty");
            this.root = root;
            return this;
        }

        /** Adds a queue (its key must be new). */
        public Builder queue(PosixMqQueueSettings queue) {
            Assert.notNull(queue, "queue must not be null");
            Assert.isTrue(!this.queues.containsKey(queue.key()), () -> "queue key " + queue.key() + " is used twice");
            this.queues.put(queue.key(), queue);
            return this;
        }

        /** Whether queues whose name is removed while the application runs are recovered; default true. */
        public Builder recoveryEnabled(boolean enabled) {
            this.recoveryEnabled = enabled;
            return this;
        }

        /** How often recovery checks the queues; default 1 second. */
        public Builder recoveryCheckInterval(Duration interval) {
            Assert.notNull(interval, "interval must not be null");
            this.recoveryCheckInterval = interval;
            return this;
        }

        /**
         * The settings.
         *
         * @throws PosixMqConfigurationException when two keys name one queue, a dead-letter queue is not a configured
         *         key or is the queue itself, or the check interval is not positive while recovery is on
         */
        public PosixMqSettings build() {
            Map<String, String> keysByName = new LinkedHashMap<>();
            for (PosixMqQueueSettings queue : this.queues.values()) {
                String other = keysByName.putIfAbsent(queue.name(), queue.key());
                if (other != null) {
                    throw new PosixMqConfigurationException(queue.prefix() + ".name", queue.name(),
                            prefix(this.root, other) + " already uses queue " + queue.name(), "Give each entry under "
                                    + this.root + " its own queue name, or use one entry for both adapters.", null);
                }
                String deadLetter = queue.inbound().deadLetterQueue();
                if (deadLetter != null && (!this.queues.containsKey(deadLetter) || deadLetter.equals(queue.key()))) {
                    throw new PosixMqConfigurationException(queue.prefix() + ".inbound.dead-letter-queue", deadLetter,
                            deadLetter.equals(queue.key()) ? "a queue cannot be its own dead-letter queue"
                                    : "no queue with that key is configured",
                            "Name the key of another queue configured under " + this.root + ".", null);
                }
            }
            if (this.recoveryEnabled
                    && (this.recoveryCheckInterval.isZero() || this.recoveryCheckInterval.isNegative())) {
                throw new PosixMqConfigurationException("posixmq.recovery.check-interval", this.recoveryCheckInterval,
                        "the check interval must be positive", "Set posixmq.recovery.check-interval to how often the "
                                + "queues are checked for a removed name, such as 1s, or set "
                                + "posixmq.recovery.enabled=false.", null);
            }
            return new PosixMqSettings(this.root, this.queues, this.recoveryEnabled, this.recoveryCheckInterval);
        }
    }
}
