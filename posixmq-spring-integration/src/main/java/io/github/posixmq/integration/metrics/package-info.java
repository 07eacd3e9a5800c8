/**
 * Monitoring of the queues of a registry, used by the Spring Boot auto-configuration and by the binder: Micrometer
 * gauges ({@code micrometer-core} is optional: only {@link io.github.posixmq.integration.metrics.PosixMqQueueMetrics}
 * needs it) and the health of each queue without Spring Boot
 * ({@link io.github.posixmq.integration.metrics.PosixMqQueueHealth}, which Boot's and the binder's health indicators
 * turn into a {@code Health}).
 */
@NullMarked
package io.github.posixmq.integration.metrics;

import org.jspecify.annotations.NullMarked;
