package io.github.posixmq.boot.metrics;

import java.util.function.Supplier;

import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.util.Assert;

/**
 * Meters of the inbound channel adapters ({@link PosixMqMessageProducer} beans), tagged {@code queue}: gauges
 * {@value PosixMqMetricNames#RECEIVERS_ACTIVE} (receiving threads running now) and
 * {@value PosixMqMetricNames#RECEIVERS_CONCURRENCY} (the configured {@code concurrency} while the adapter runs, 0 while
 * it is stopped), so {@code active < concurrency} means a receiver is missing; and the counters
 * {@value PosixMqMetricNames#MESSAGES_DROPPED}, {@value PosixMqMetricNames#MESSAGES_DEAD_LETTERED},
 * {@value PosixMqMetricNames#JOURNAL_RECOVERED_INFERRED} and {@value PosixMqMetricNames#RECEIVERS_RESTARTED}
 * registered at 0, so that rates and alerts see them before the first event.
 */
public final class PosixMqReceiverMetrics implements MeterBinder {

    private final Supplier<? extends Iterable<PosixMqMessageProducer>> adapters;

    /** Creates the binder for the adapters {@code adapters} returns when the meters are bound. */
    public PosixMqReceiverMetrics(Supplier<? extends Iterable<PosixMqMessageProducer>> adapters) {
        Assert.notNull(adapters, "adapters must not be null");
        this.adapters = adapters;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (PosixMqMessageProducer adapter : this.adapters.get()) {
            String queue = adapter.getQueue().name();
            Gauge.builder(PosixMqMetricNames.RECEIVERS_ACTIVE, adapter, PosixMqMessageProducer::getActiveReceivers)
                .description("Receiving threads of the inbound adapter running now")
                .tag(PosixMqMetricNames.QUEUE_TAG, queue)
                .register(registry);
            Gauge.builder(PosixMqMetricNames.RECEIVERS_CONCURRENCY, adapter,
                    (producer) -> producer.isRunning() ? producer.getConcurrency() : 0)
                .description("Receiving threads the inbound adapter is configured to run (0 while it is stopped)")
                .tag(PosixMqMetricNames.QUEUE_TAG, queue)
                .register(registry);
            PosixMqMeterListener.dropped(registry, queue);
            PosixMqMeterListener.deadLettered(registry, queue);
            PosixMqMeterListener.recoveredInferred(registry, queue);
            Counter.builder(PosixMqMetricNames.RECEIVERS_RESTARTED)
                .description("Receiving threads of the inbound adapter that ended unexpectedly and were started again")
                .tag(PosixMqMetricNames.QUEUE_TAG, queue)
                .register(registry);
        }
    }
}
