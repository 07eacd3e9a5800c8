/**
 * Micrometer Observation of sends, receives and processing on POSIX message queues, following OpenTelemetry's
 * messaging conventions ({@link io.github.posixmq.integration.observation.PosixMqObservation}); turned on per adapter,
 * gateway or template with {@code setObservationEnabled(true)} (in Spring Boot: {@code posixmq.observation-enabled} or
 * {@code posixmq.queues.<key>.observation-enabled}).
 */
@NullMarked
package io.github.posixmq.integration.observation;

import org.jspecify.annotations.NullMarked;
