/**
 * Micrometer metrics of the configured queues: {@link io.github.posixmq.integration.metrics.PosixMqQueueMetrics} (gauges of
 * current messages, capacity and largest message size, read at scrape time) and
 * {@link io.github.posixmq.boot.metrics.PosixMqMeterListener} (send and receive timers).
 */
@NullMarked
package io.github.posixmq.boot.metrics;

import org.jspecify.annotations.NullMarked;
