package io.github.posixmq.samples.orders;

import java.nio.file.Path;
import java.util.HexFormat;

import io.github.posixmq.integration.PosixMqHeaders;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.core.MessageSelector;
import org.springframework.integration.handler.advice.IdempotentReceiverInterceptor;
import org.springframework.messaging.Message;

/**
 * Exactly-once output in practice on top of the in-flight journal's at-least-once: Spring Integration's
 * {@link IdempotentReceiverInterceptor} in front of {@link OrderHandler#handle}, with a persistent
 * {@link ProcessedOrders} store keyed by the order id (an accepted order's {@code id}, a rejected order's SHA-256).
 * {@link OrderHandler} records an order's key once its output was sent; an order delivered again after a crash
 * ({@code posixmq_redelivered=true}) whose key is recorded goes to {@value #DUPLICATES} instead of being sent twice.
 * The one window left: a crash during the output send's system call (the kernel queues the message before a SIGKILL
 * takes effect) or after it, before the key's store, sends the order's output twice: at most one order per crash.
 */
@Configuration(proxyBeanMethods = false)
class OrderIdempotency {

    /** Channel of redelivered orders whose output was already sent (logged by {@link OrderHandler#duplicate}). */
    static final String DUPLICATES = "orderDuplicates";

    /** The store of processed order keys, in the journal directory unless {@code orders.processed-store} says. */
    @Bean(destroyMethod = "close")
    ProcessedOrders processedOrders(
            @Value("${orders.processed-store:${posixmq.queues.orders.inbound.journal.directory}/processed-orders}")
            Path file) {
        return new ProcessedOrders(file);
    }

    /** Lets every first delivery through; a redelivered order only when its key is not recorded as processed. */
    @Bean
    IdempotentReceiverInterceptor orderIdempotentReceiver(ProcessedOrders processed, OrderRules rules) {
        MessageSelector notYetProcessed = (message) -> !Boolean.TRUE.equals(message.getHeaders()
            .get(PosixMqHeaders.REDELIVERED)) || processed.get(key(rules.decide(bytes(message)), bytes(message))) == null;
        IdempotentReceiverInterceptor interceptor = new IdempotentReceiverInterceptor(notYetProcessed);
        interceptor.setDiscardChannelName(DUPLICATES);
        return interceptor;
    }

    /** Redelivered orders whose output was already sent. */
    @Bean(DUPLICATES)
    DirectChannel orderDuplicates() {
        return new DirectChannel();
    }

    /** The idempotency key of an order: {@code id:<id>} when accepted, else {@code sha256:<digest of its bytes>}. */
    static String key(OrderRules.Decision decision, byte[] order) {
        if (decision.id() != null) {
            return "id:" + decision.id();
        }
        return "sha256:" + HexFormat.of().formatHex(ProcessedOrders.sha256(order));
    }

    private static byte[] bytes(Message<?> message) {
        return (byte[]) message.getPayload();
    }
}
