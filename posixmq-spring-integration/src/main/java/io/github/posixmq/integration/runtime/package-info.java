/**
 * The queue runtime shared by every entry point (adapters, gateways, template, binder), without Spring Boot: the
 * {@link io.github.posixmq.integration.runtime.PosixMqQueues} registry opens every queue through one opener and one
 * trust check, recovers removed queues and owns remove-on-shutdown. Configured from plain settings records.
 */
@NullMarked
package io.github.posixmq.integration.runtime;

import org.jspecify.annotations.NullMarked;
