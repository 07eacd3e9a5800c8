/**
 * Micrometer gauges of the queues of a registry ({@code micrometer-core} is optional: only this package needs it),
 * bound by the Spring Boot auto-configuration and by the binder.
 */
@NullMarked
package io.github.posixmq.integration.metrics;

import org.jspecify.annotations.NullMarked;
