package io.github.posixmq.boot.adapters;

import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import io.github.posixmq.integration.outbound.PosixMqMessageHandler;

/**
 * Customizes the channel adapters auto-configured from {@code posixmq.queues.<key>.inbound} and {@code .outbound}
 * (task executor, error channel or error handling, observation, message converter ...) after the properties were
 * applied; every bean of this type is applied, in {@code @Order}.
 *
 * <pre>{@code
 * @Bean
 * PosixMqChannelAdapterCustomizer ordersExecutor(TaskExecutor ordersExecutor) {
 *     return new PosixMqChannelAdapterCustomizer() {
 *         public void customizeInbound(String key, PosixMqMessageProducer adapter) {
 *             if (key.equals("orders")) {
 *                 adapter.setTaskExecutor(ordersExecutor);
 *             }
 *         }
 *     };
 * }
 * }</pre>
 */
public interface PosixMqChannelAdapterCustomizer {

    /** Customizes the inbound channel adapter of the queue configured under {@code key}. */
    default void customizeInbound(String key, PosixMqMessageProducer adapter) {
    }

    /** Customizes the outbound channel adapter's handler of the queue configured under {@code key}. */
    default void customizeOutbound(String key, PosixMqMessageHandler handler) {
    }
}
