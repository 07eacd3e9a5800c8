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
}
