package io.github.posixmq.boot.metrics;

import io.github.posixmq.integration.metrics.PosixMqQueueMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.posixmq.integration.PosixMqOperationListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Records the sends and receives of {@code PosixMqTemplate} and the channel adapters as Micrometer timers
 * {@value #SEND} and {@value #RECEIVE} (count, total time and max; Prometheus: {@code posixmq_send_seconds_count},
 * {@code posixmq_send_seconds_sum}, {@code posixmq_send_seconds_max} ...), tagged {@code queue} (the queue name),
 * {@code result} ({@code success} or {@code failure}) and {@code exception} (the failure's simple class name, or
 * {@code none}). A receive is timed only once a message is in hand: idle waits on an empty queue are not recorded.
 * The timers publish a histogram with buckets from 10 microseconds to 30 seconds ({@code _bucket}: latency quantiles
 * with PromQL's {@code histogram_quantile}). Dropped messages are counted by {@value #DROPPED}, dead-lettered ones
 * by {@value #DEAD_LETTERED} (tag {@code queue}: the queue they were received from), receivers restarted after an
 * unexpected end by {@code posixmq.receivers.restarted} (tag {@code queue}).
 */
public final class PosixMqMeterListener implements PosixMqOperationListener {

    /** Timer of sends, including any wait for room in a full queue. */
    public static final String SEND = PosixMqMetricNames.SEND;

    /** Timer of receives that returned a message or failed. */
    public static final String RECEIVE = PosixMqMetricNames.RECEIVE;

    /** Counter of received messages that were dropped (failed flow, no dead-letter queue or dead-letter send failed). */
    public static final String DROPPED = PosixMqMetricNames.MESSAGES_DROPPED;

    /** Counter of failed messages sent to the dead-letter queue (tag {@code queue}: the queue they came from). */
    public static final String DEAD_LETTERED = PosixMqMetricNames.MESSAGES_DEAD_LETTERED;

    /** Tag holding {@value #SUCCESS} or {@value #FAILURE}. */
    public static final String RESULT_TAG = PosixMqMetricNames.RESULT_TAG;

    /** Tag holding the simple class name of the failure, or {@code none}. */
    public static final String EXCEPTION_TAG = PosixMqMetricNames.EXCEPTION_TAG;

    /** Value of the {@value #RESULT_TAG} tag of operations that succeeded. */
    public static final String SUCCESS = "success";

    /** Value of the {@value #RESULT_TAG} tag of operations that failed. */
    public static final String FAILURE = "failure";

    /** Histogram buckets of the timers: POSIX queue operations take microseconds unless they wait. */
    private static final Duration[] BUCKETS = { Duration.ofNanos(10_000), Duration.ofNanos(25_000),
            Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
            Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30) };

    private final MeterRegistry registry;

    private final Map<String, Timer> sendSuccess = new ConcurrentHashMap<>();

    private final Map<String, Timer> receiveSuccess = new ConcurrentHashMap<>();

    /** Creates a listener that records into {@code registry}. */
    public PosixMqMeterListener(MeterRegistry registry) {
        Assert.notNull(registry, "registry must not be null");
        this.registry = registry;
    }

    @Override
    public void onSend(String queueName, long durationNanos, @Nullable Throwable failure) {
        record(SEND, "Sends to the POSIX message queue, including waits for room", this.sendSuccess, queueName,
                durationNanos, failure);
    }

    @Override
    public void onReceive(String queueName, long durationNanos, @Nullable Throwable failure) {
        record(RECEIVE, "Receives from the POSIX message queue that returned a message or failed (idle waits excluded)",
                this.receiveSuccess, queueName, durationNanos, failure);
    }

    @Override
    public void onDrop(String queueName, int priority, int size) {
        dropped(this.registry, queueName).increment();
    }

    @Override
    public void onDeadLetter(String queueName, String deadLetterQueueName, int priority, int size) {
        deadLettered(this.registry, queueName).increment();
    }

    /** The counter of messages from {@code queueName} that were dropped (registered at 0 when new). */
    static Counter dropped(MeterRegistry registry, String queueName) {
        return Counter.builder(DROPPED)
            .description("Messages received from the POSIX message queue and dropped after their flow failed (logged at "
                    + "ERROR with their bytes)")
            .tag(PosixMqMetricNames.QUEUE_TAG, queueName)
            .register(registry);
    }

    @Override
    public void onRecoveredLengthInferred(String queueName, int priority, int size) {
        recoveredInferred(this.registry, queueName).increment();
    }

    /**
     * The counter of messages from {@code queueName} an in-flight journal redelivered with their length inferred
     * (registered at 0 when new).
     */
    static Counter recoveredInferred(MeterRegistry registry, String queueName) {
        return Counter.builder(PosixMqMetricNames.JOURNAL_RECOVERED_INFERRED)
            .description("Messages an in-flight journal delivered again after a crash caught them inside the receive "
                    + "system call, their length inferred (logged at WARN; trailing zero bytes are lost)")
            .tag(PosixMqMetricNames.QUEUE_TAG, queueName)
            .register(registry);
    }

    /** The counter of messages from {@code queueName} that were sent to the dead-letter queue. */
    static Counter deadLettered(MeterRegistry registry, String queueName) {
        return Counter.builder(DEAD_LETTERED)
            .description("Messages received from the POSIX message queue whose flow failed and that were sent to the "
                    + "dead-letter queue")
            .tag(PosixMqMetricNames.QUEUE_TAG, queueName)
            .register(registry);
    }

    @Override
    public void onReceiverRestart(String queueName) {
        Counter.builder(PosixMqMetricNames.RECEIVERS_RESTARTED)
            .description("Receiving threads of the inbound adapter that ended unexpectedly and were started again")
            .tag(PosixMqMetricNames.QUEUE_TAG, queueName)
            .register(this.registry)
            .increment();
    }

    private void record(String name, String description, Map<String, Timer> successes, String queueName,
            long durationNanos, @Nullable Throwable failure) {
        Timer timer = (failure != null) ? timer(name, description, queueName, failure) : successes.get(queueName);
        if (timer == null) {
            // only the first success of a queue: the capturing function is not allocated for every message
            timer = successes.computeIfAbsent(queueName, (queue) -> timer(name, description, queue, null));
        }
        timer.record(durationNanos, TimeUnit.NANOSECONDS);
    }

    private Timer timer(String name, String description, String queueName, @Nullable Throwable failure) {
        return Timer.builder(name)
            .description(description)
            .serviceLevelObjectives(BUCKETS)
            .tag(PosixMqQueueMetrics.QUEUE_TAG, queueName)
            .tag(RESULT_TAG, (failure != null) ? FAILURE : SUCCESS)
            .tag(EXCEPTION_TAG, (failure != null) ? exceptionName(failure) : "none")
            .register(this.registry);
    }

    private static String exceptionName(Throwable failure) {
        String simpleName = failure.getClass().getSimpleName();
        return simpleName.isEmpty() ? failure.getClass().getName() : simpleName;
    }
}
