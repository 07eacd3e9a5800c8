/**
 * Actuator support for the configured queues: the {@code posixmq} health contributor
 * ({@link io.github.posixmq.boot.actuate.PosixMqQueueHealthIndicator} per queue, with the opt-in
 * {@code posixmq.health.full-threshold}) and the {@code posixmq} endpoint
 * ({@link io.github.posixmq.boot.actuate.PosixMqEndpoint}).
 */
@NullMarked
package io.github.posixmq.boot.actuate;

import org.jspecify.annotations.NullMarked;
