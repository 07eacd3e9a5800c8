package io.github.posixmq.integration;

/**
 * Resolves a queue by the key an application configured it under (such as {@code orders}), for adapters and DSL
 * specs that name their queues, for example the dead-letter queue in
 * {@code PosixMqs.inboundChannelAdapter(resolver, "orders").deadLetterQueue("orders-dlq")}. The Spring Boot registry
 * {@code PosixMqQueues} is one; without Spring Boot a lambda over a map will do:
 *
 * <pre>{@code
 * Map<String, PosixMq> queues = Map.of("orders", orders, "orders-dlq", deadLetters);
 * PosixMqQueueResolver resolver = (key) -> PosixMqQueueSupplier.of(queues.get(key));
 * }</pre>
 */
@FunctionalInterface
public interface PosixMqQueueResolver {

    /**
     * The queue configured under {@code key}.
     *
     * @throws IllegalArgumentException when no queue has that key (the message names the known keys)
     */
    PosixMqQueueSupplier resolve(String key);
}
