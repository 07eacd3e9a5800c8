package io.github.posixmq.integration.inbound;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.PosixMqException;
import io.github.posixmq.QueueAccessDeniedException;
import io.github.posixmq.QueueNames;
import io.github.posixmq.QueueNotFoundException;
import io.github.posixmq.integration.PosixMqLogText;
import io.github.posixmq.integration.outbound.PosixMqReplyQueue;
import io.github.posixmq.integration.runtime.QueueTrust;
import io.github.posixmq.integration.runtime.UntrustedQueueException;
import org.jspecify.annotations.Nullable;

import org.springframework.util.PatternMatchUtils;

/**
 * Where the inbound gateway may send a reply: the queue a request names in {@code posixmq_replyTo} is written by an
 * untrusted peer. A name is refused unless it is a valid queue name, not one of the application's own queues (the
 * request queue, its dead-letter queue, the configured ones), and a reply queue name that {@link PosixMqReplyQueue}
 * creates for this request queue or one of the allowed patterns; the queue then must pass {@link QueueTrust} on the
 * descriptor opened to send (owner this user, no permission beyond {@code 0600}). A reply queue this process holds
 * (a template's or gateway's in the same application) is used through its held descriptor, never opened a second time.
 */
final class ReplyDestinations {

    private final String requestQueue;

    private final Set<String> ownQueues = new LinkedHashSet<>();

    private final List<String> allowedPatterns;

    private final Pattern replyQueueNames;

    private final boolean shared;

    ReplyDestinations(String requestQueue, @Nullable String deadLetterQueue, Set<String> applicationQueues,
            List<String> allowedPatterns, boolean shared) {
        this.shared = shared;
        this.requestQueue = requestQueue;
        this.ownQueues.add(requestQueue);
        if (deadLetterQueue != null) {
            this.ownQueues.add(deadLetterQueue);
        }
        this.ownQueues.addAll(applicationQueues);
        this.allowedPatterns = List.copyOf(allowedPatterns);
        this.replyQueueNames = PosixMqReplyQueue.pattern(requestQueue);
    }

    /** Why a reply must not go to {@code replyTo}, or null when the name is allowed (the queue is checked on open). */
    @Nullable String refusal(String replyTo) {
        if (!QueueNames.isValid(replyTo)) {
            return "posixmq_replyTo " + quote(replyTo) + " is not a valid queue name";
        }
        String name = QueueNames.normalize(replyTo);
        if (this.ownQueues.contains(name)) {
            return "posixmq_replyTo " + quote(name) + " names one of this application's own queues";
        }
        if (this.replyQueueNames.matcher(name).matches()) {
            return null;
        }
        for (String pattern : this.allowedPatterns) {
            if (PatternMatchUtils.simpleMatch(pattern, name)) {
                return null;
            }
        }
        return "posixmq_replyTo " + quote(name) + " is not an allowed reply queue name (" + this.requestQueue
                + PosixMqReplyQueue.INFIX + "<32 hex digits>" + (this.allowedPatterns.isEmpty() ? ""
                        : " or " + this.allowedPatterns) + ")";
    }

    /**
     * Sends {@code bytes} to the allowed queue {@code replyTo}, waiting at most {@code timeout} for room; returns null
     * when sent, else why not (missing, not trusted, full, closed...). Never throws for a peer's choice of queue.
     */
    @Nullable String send(String replyTo, byte[] bytes, int priority, Duration timeout) {
        String name = QueueNames.normalize(replyTo);
        PosixMq held = PosixMqReplyQueue.held(name);
        if (held != null) {
            return trySend(held, name, bytes, priority, timeout);
        }
        PosixMq queue;
        try {
            queue = this.shared ? OpenOptions.writeOnly().existing().open(name)
                    : QueueTrust.openTrusted(name, OpenOptions.writeOnly(), PosixMqReplyQueue.MODE);
        }
        catch (UntrustedQueueException ex) {
            return "reply queue " + quote(name) + " is not trusted: it is owned by " + QueueTrust.user(ex.stat().uid())
                    + " with mode " + QueueTrust.octal(ex.stat().mode()) + "; a reply queue must be owned by this "
                    + "application's user (uid " + QueueTrust.effectiveUid() + ") with no permission beyond "
                    + QueueTrust.octal(PosixMqReplyQueue.MODE);
        }
        catch (QueueNotFoundException ex) {
            return "reply queue " + quote(name) + " does not exist";
        }
        catch (QueueAccessDeniedException ex) {
            return "reply queue " + quote(name) + " denies this user write access (another user's queue)";
        }
        catch (PosixMqException | IllegalArgumentException ex) {
            return "reply queue " + quote(name) + " cannot be opened: " + quote(String.valueOf(ex.getMessage()));
        }
        try (queue) {
            return trySend(queue, name, bytes, priority, timeout);
        }
    }

    private static @Nullable String trySend(PosixMq queue, String name, byte[] bytes, int priority, Duration timeout) {
        try {
            if (queue.trySend(bytes, priority) || (!timeout.isZero() && queue.send(bytes, priority, timeout))) {
                return null;
            }
            return "reply queue " + quote(name) + " stayed full (" + queue.capacity() + " messages) for the reply send "
                    + "timeout of " + timeout;
        }
        catch (PosixMqException | IllegalArgumentException ex) {
            return "cannot send the reply to queue " + quote(name) + ": " + quote(String.valueOf(ex.getMessage()));
        }
    }

    /** {@code text} quoted and escaped for a log line or reason ({@link PosixMqLogText}): a peer chose it. */
    static String quote(String text) {
        return "\"" + PosixMqLogText.escape(text) + "\"";
    }
}
