/**
 * Spring Integration support for POSIX message queues, without Spring Boot: the header names, the queue an adapter
 * works on ({@link io.github.posixmq.integration.PosixMqQueueSupplier}, by key through a
 * {@link io.github.posixmq.integration.PosixMqQueueResolver}) and the listener told of sends and receives; the
 * channel adapters in {@code inbound} and {@code outbound}, and the Java DSL in {@code dsl}.
 */
@NullMarked
package io.github.posixmq.integration;

import org.jspecify.annotations.NullMarked;
