package io.github.posixmq.boot;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.github.posixmq.PosixMq;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when this JVM can use POSIX message queues (64-bit Linux); otherwise the auto-configuration backs off and
 * one log line says why, instead of failing the context.
 */
final class OnPosixMqSupportedCondition extends SpringBootCondition {

    private static final Log logger = LogFactory.getLog(OnPosixMqSupportedCondition.class);

    private static final AtomicBoolean logged = new AtomicBoolean();

    /** Why POSIX message queues are unavailable, or null when they are; replaced by tests only. */
    static Supplier<@Nullable String> unsupportedReason = PosixMq::unsupportedReason;

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        ConditionMessage.Builder message = ConditionMessage.forCondition("POSIX message queues");
        String reason = unsupportedReason.get();
        if (reason == null) {
            return ConditionOutcome.match(message.available("on this platform"));
        }
        if (logged.compareAndSet(false, true)) {
            logger.warn("POSIX message queue support (posixmq) is disabled: " + reason
                    + " The posixmq queues, template and channel adapters are not configured.");
        }
        return ConditionOutcome.noMatch(message.because(reason));
    }

    /** Lets the next unsupported outcome log again; for tests. */
    static void resetLogged() {
        logged.set(false);
    }
}
