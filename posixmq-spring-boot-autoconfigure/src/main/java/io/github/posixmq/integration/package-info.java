/**
 * Spring Integration support for POSIX message queues: header names; channel adapters in {@code inbound} and
 * {@code outbound}, and the Java DSL in {@code dsl}.
 */
@NullMarked
package io.github.posixmq.integration;

import org.jspecify.annotations.NullMarked;
