package io.github.posixmq.boot.properties;

import io.github.posixmq.integration.runtime.PosixMqSettings;
import io.github.posixmq.integration.runtime.PosixMqQueueSettings;
import io.github.posixmq.integration.runtime.PosixMqConfigurationException;
import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.PosixMqHeaderMode;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.InvalidMimeTypeException;
import org.springframework.util.MimeTypeUtils;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * Checks {@link PosixMqProperties} before any queue is opened and resolves them into {@link PosixMqSettings}; every
 * problem names its property and the fix.
 */
final class PosixMqPropertiesValidator {

    /** The longest duration that fits a {@code long} of nanoseconds, about 292 years. */
    private static final Duration MAX_DURATION = Duration.ofNanos(Long.MAX_VALUE);

    /** The property prefix of the queues of {@link PosixMqProperties}. */
    static final String ROOT = PosixMqSettings.ROOT;

    private PosixMqPropertiesValidator() {
    }

    /** Validates the queues of {@code properties}, naming each property as {@code <root>.<key>.<property>}. */
    static PosixMqSettings validate(PosixMqProperties properties, String root) {
        Map<String, String> keysByName = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        properties.getQueues().forEach((key, queue) -> {
            String name = name(root, key, queue);
            String other = keysByName.putIfAbsent(name, key);
            if (other != null) {
                throw new PosixMqConfigurationException(prefix(root, key) + ".name", name, prefix(root, other)
                        + " already uses queue " + name, "Give each entry under " + root + " its own queue "
                        + "name, or use one entry for both adapters.", null);
            }
            names.put(key, name);
        });
        Map<String, PosixMqQueueSettings> queues = new LinkedHashMap<>();
        properties.getQueues()
            .forEach((key, queue) -> queues.put(key, resolve(root, key, names.get(key), queue, names)));
        PosixMqProperties.Recovery recovery = properties.getRecovery();
        validateRecovery(recovery);
        return new PosixMqSettings(root, queues, recovery.isEnabled(), recovery.getCheckInterval());
    }

    private static void validateRecovery(PosixMqProperties.Recovery recovery) {
        Duration interval = recovery.getCheckInterval();
        checkLength("posixmq.recovery.check-interval", interval);
        if (recovery.isEnabled() && (interval == null || interval.isZero() || interval.isNegative())) {
            throw new PosixMqConfigurationException("posixmq.recovery.check-interval", interval, "the check interval "
                    + "must be positive", "Set posixmq.recovery.check-interval to how often the queues are checked "
                            + "for a removed name, such as 1s, or set posixmq.recovery.enabled=false.", null);
        }
    }

    /** A duration must fit a {@code long} of nanoseconds (about 292 years): the waits are measured in them. */
    static void checkLength(String property, @Nullable Duration duration) {
        if (duration != null && duration.compareTo(MAX_DURATION) > 0) {
            throw new PosixMqConfigurationException(property, duration, "the duration is longer than about 292 years "
                    + "(" + MAX_DURATION.toDays() + "d), the most a wait can be measured in nanoseconds",
                    "Set " + property + " to a shorter duration, such as 1s or 5m.", null);
        }
    }

    /** The property prefix of the queue configured under {@code key} below {@code root}. */
    static String prefix(String root, String key) {
        return PosixMqSettings.prefix(root, key);
    }

    private static String name(String root, String key, PosixMqProperties.Queue queue) {
        return PosixMqQueueSettings.builder(key).root(root).name(queue.getName()).resolvedName();
    }

    /**
     * The queue's settings: what it shares with the binder (create, capacity, max-message-size, mode,
     * remove-on-shutdown, shared) validated by the runtime's builder, then the adapters' settings.
     */
    private static PosixMqQueueSettings resolve(String root, String key, String name, PosixMqProperties.Queue queue,
            Map<String, String> names) {
        String prefix = prefix(root, key);
        PosixMqQueueSettings.Builder builder = PosixMqQueueSettings.builder(key).root(root).name(name).properties(queue);
        builder.build(); // the queue's own settings first, as before the adapters'
        List<String> embedded = embedded(prefix, queue);
        return builder.embeddedHeaders(embedded)
            .inbound(inbound(root, key, queue.getInbound(), names, embedded))
            .outbound(outbound(prefix, key, queue.getOutbound(), embedded))
            .build();
    }

    /** The headers of header-mode embedded, or null for raw. */
    private static @Nullable List<String> embedded(String prefix, PosixMqProperties.Queue queue) {
        if (queue.getHeaderMode() != PosixMqHeaderMode.EMBEDDED) {
            return null;
        }
        List<String> names = queue.getEmbeddedHeaders();
        if (names == null || names.isEmpty() || names.stream().anyMatch((name) -> !StringUtils.hasText(name))) {
            throw new PosixMqConfigurationException(prefix + ".embedded-headers", names, "header-mode embedded needs "
                    + "header names", "List the headers to carry under " + prefix + ".embedded-headers (such as "
                            + "contentType, correlationId, traceparent), or remove it for the default list.", null);
        }
        for (String name : names) {
            if (PosixMqHeaders.isControlHeader(name)) {
                throw new PosixMqConfigurationException(prefix + ".embedded-headers", names,
                        PosixMqHeaders.controlHeaderRefusal(name), "Remove " + name + " from " + prefix
                                + ".embedded-headers; carry your own header (such as a reply queue name in "
                                + "posixmq_replyTo) and decide in the flow what it may do.", null);
            }
        }
        return List.copyOf(names);
    }

    private static PosixMqQueueSettings.Inbound inbound(String root, String key, PosixMqProperties.Inbound inbound,
            Map<String, String> names, @Nullable List<String> embeddedHeaders) {
        String queuePrefix = prefix(root, key);
        String prefix = queuePrefix + ".inbound";
        if (inbound.getConcurrency() < 1) {
            throw new PosixMqConfigurationException(prefix + ".concurrency", inbound.getConcurrency(),
                    "at least one thread must receive", "Set " + prefix + ".concurrency to 1 or more, or set "
                            + prefix + ".enabled=false to not receive.", null);
        }
        String deadLetterKey = null;
        String deadLetter = inbound.getDeadLetterQueue();
        if (deadLetter != null) {
            deadLetterKey = findKey(deadLetter, names);
            if (deadLetterKey == null) {
                throw new PosixMqConfigurationException(prefix + ".dead-letter-queue", deadLetter, "no queue with that "
                        + "key or name is configured", "Declare the dead-letter queue under " + root + " (for "
                                + "example " + queuePrefix + "-dlq.capacity=10) and name its key here.", null);
            }
            if (deadLetterKey.equals(key)) {
                throw new PosixMqConfigurationException(prefix + ".dead-letter-queue", deadLetter, "a queue cannot be "
                        + "its own dead-letter queue", "Name another queue configured under " + root + ".", null);
            }
        }
        boolean enabled = inbound.getEnabled() != null ? inbound.getEnabled() : inbound.getChannel() != null;
        String channel = StringUtils.hasText(inbound.getChannel()) ? inbound.getChannel() : key + ".inbound";
        Duration deadLetterTimeout = inbound.getDeadLetterSendTimeout();
        checkLength(prefix + ".dead-letter-send-timeout", deadLetterTimeout);
        if (deadLetterTimeout == null || deadLetterTimeout.isNegative()) {
            throw new PosixMqConfigurationException(prefix + ".dead-letter-send-timeout", deadLetterTimeout,
                    "the timeout must be zero or positive", "Set " + prefix + ".dead-letter-send-timeout to how long "
                            + "a dead-letter send may wait for room, such as 5s.", null);
        }
        String contentType = inbound.getContentType();
        if (contentType != null) {
            try {
                contentType = MimeTypeUtils.parseMimeType(contentType).toString();
            }
            catch (InvalidMimeTypeException ex) {
                throw new PosixMqConfigurationException(prefix + ".content-type", contentType, "not a content type ("
                        + ex.getMessage() + ")", "Set " + prefix + ".content-type to a MIME type such as "
                                + "'application/json', or remove it.", null);
            }
        }
        DataSize logged = inbound.getLoggedBytes();
        if (logged == null || logged.isNegative() || logged.toBytes() > Integer.MAX_VALUE) {
            throw new PosixMqConfigurationException(prefix + ".logged-bytes", logged, "it must be 0 or more bytes, "
                    + "at most 2GB", "Set " + prefix + ".logged-bytes to how much of a dropped message its ERROR line "
                            + "shows, such as 1KB (the default) or 64KB.", null);
        }
        Duration replySendTimeout = inbound.getReplySendTimeout();
        checkLength(prefix + ".reply-send-timeout", replySendTimeout);
        if (replySendTimeout == null || replySendTimeout.isNegative()) {
            throw new PosixMqConfigurationException(prefix + ".reply-send-timeout", replySendTimeout,
                    "the timeout must be zero or positive", "Set " + prefix + ".reply-send-timeout to how long a "
                            + "reply may wait for room in a full reply queue, such as 1s.", null);
        }
        List<String> allowedReplyNames = inbound.getAllowedReplyNames() != null ? inbound.getAllowedReplyNames()
                : List.of();
        for (String pattern : allowedReplyNames) {
            if (!StringUtils.hasText(pattern) || pattern.replace("*", "").isEmpty()
                    || pattern.replace("*", "").equals("/")) {
                throw new PosixMqConfigurationException(prefix + ".allowed-reply-names", pattern, "a pattern that "
                        + "matches every queue name lets any requester choose where replies go", "List patterns with "
                                + "a fixed part, such as /clients.*, or remove the property.", null);
            }
        }
        Charset charset = inbound.getPayloadType() == PosixMqProperties.PayloadType.STRING ? inbound.getCharset()
                : null;
        return new PosixMqQueueSettings.Inbound(enabled, channel, inbound.getConcurrency(), charset,
                inbound.getErrorChannel(), deadLetterKey, deadLetterTimeout, retry(prefix + ".retry", inbound.getRetry()), contentType, embeddedHeaders,
                List.copyOf(allowedReplyNames), replySendTimeout, inbound.isSharedReplyQueues(),
                (int) logged.toBytes(), journal(prefix + ".journal", inbound.getJournal()));
    }

    private static @Nullable Path journal(String prefix, PosixMqProperties.Journal journal) {
        if (!journal.isEnabled()) {
            return null;
        }
        String directory = journal.getDirectory();
        try {
            if (!StringUtils.hasText(directory) || directory.indexOf('\0') >= 0) {
                throw new InvalidPathException(String.valueOf(directory), "empty or holds a NUL byte");
            }
            return Path.of(directory.trim()).toAbsolutePath().normalize();
        }
        catch (InvalidPathException ex) {
            throw new PosixMqConfigurationException(prefix + ".directory", directory, "not a usable directory path ("
                    + ex.getReason() + ")", "Set " + prefix + ".directory to a directory this user may write, such "
                            + "as posixmq-journal (relative to the working directory).", null);
        }
    }

    private static PosixMqQueueSettings.Retry retry(String prefix, PosixMqProperties.Retry retry) {
        if (retry.getAttempts() < 1) {
            throw new PosixMqConfigurationException(prefix + ".attempts", retry.getAttempts(), "at least one attempt "
                    + "is made", "Set " + prefix + ".attempts to 1 (no retry) or more.", null);
        }
        Duration initial = retry.getInitialInterval();
        Duration max = retry.getMaxInterval();
        checkLength(prefix + ".initial-interval", initial);
        checkLength(prefix + ".max-interval", max);
        if (initial == null || initial.isNegative()) {
            throw new PosixMqConfigurationException(prefix + ".initial-interval", initial, "the interval must be zero "
                    + "or positive", "Set " + prefix + ".initial-interval to the wait before the second attempt, such "
                            + "as 100ms.", null);
        }
        if (max == null || max.compareTo(initial) < 0) {
            throw new PosixMqConfigurationException(prefix + ".max-interval", max, "it is shorter than "
                    + prefix + ".initial-interval (" + initial + ")", "Set " + prefix + ".max-interval to at least "
                            + "the initial interval.", null);
        }
        if (!(retry.getMultiplier() >= 1)) {
            throw new PosixMqConfigurationException(prefix + ".multiplier", retry.getMultiplier(), "the wait must not "
                    + "shrink", "Set " + prefix + ".multiplier to 1 (a constant wait) or more, such as 2.", null);
        }
        return new PosixMqQueueSettings.Retry(retry.getAttempts(), initial, retry.getMultiplier(), max);
    }

    /** The key whose key or queue name (in {@code names}, by key) is {@code keyOrName}, or null. */
    static @Nullable String findKey(String keyOrName, Map<String, String> names) {
        return PosixMqSettings.findKey(keyOrName, names);
    }

    private static PosixMqQueueSettings.Outbound outbound(String queuePrefix, String key,
            PosixMqProperties.Outbound outbound, @Nullable List<String> embeddedHeaders) {
        String prefix = queuePrefix + ".outbound";
        if (outbound.getPriority() < 0 || outbound.getPriority() >= PosixMq.MQ_PRIO_MAX) {
            throw new PosixMqConfigurationException(prefix + ".priority", outbound.getPriority(), "priorities are 0 to "
                    + (PosixMq.MQ_PRIO_MAX - 1), "Set " + prefix + ".priority between 0 (lowest, the default) and "
                            + (PosixMq.MQ_PRIO_MAX - 1) + ".", null);
        }
        String expression = outbound.getPriorityExpression();
        if (expression != null) {
            try {
                new SpelExpressionParser().parseExpression(expression);
            }
            catch (ParseException ex) {
                throw new PosixMqConfigurationException(prefix + ".priority-expression", expression,
                        String.valueOf(ex.getMessage()),
                        "Set " + prefix + ".priority-expression to a SpEL expression on the message, such as "
                                + "headers['urgent'] ? 9 : 1.", ex);
            }
        }
        Duration timeout = outbound.getSendTimeout();
        checkLength(prefix + ".send-timeout", timeout);
        if (timeout == null || timeout.isNegative()) {
            throw new PosixMqConfigurationException(prefix + ".send-timeout", timeout, "the send timeout must be zero "
                    + "or positive", "Set " + prefix + ".send-timeout to how long a send may wait for room, such as "
                            + "5s (0 = fail at once when the queue is full).", null);
        }
        boolean enabled = outbound.getEnabled() != null ? outbound.getEnabled() : outbound.getChannel() != null;
        String channel = StringUtils.hasText(outbound.getChannel()) ? outbound.getChannel() : key + ".outbound";
        return new PosixMqQueueSettings.Outbound(enabled, channel, outbound.getPriority(), expression, timeout,
                embeddedHeaders);
    }
}
