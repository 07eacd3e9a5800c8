package io.github.posixmq.benchmarks;

import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/** Every measured operation: its key in result files, its C twin, its unit and the target it must meet. */
enum Operation {

    PAIR_64_DIRECT("pair-64/direct", "send+receive 64 B, direct ByteBuffer", "pair-64", Unit.NANOS, Target.PAIR),
    PAIR_64_BYTES("pair-64/bytes", "send+receive 64 B, byte[] + heap buffer", "pair-64", Unit.NANOS, Target.PAIR),
    PAIR_64_MESSAGE("pair-64/message", "send(byte[]) + receive() -> Message, 64 B", "pair-64", Unit.NANOS, null),
    PAIR_8192_DIRECT("pair-8192/direct", "send+receive 8 KiB, direct ByteBuffer", "pair-8192", Unit.NANOS,
            Target.PAIR),
    PAIR_8192_BYTES("pair-8192/bytes", "send+receive 8 KiB, byte[] + heap buffer", "pair-8192", Unit.NANOS,
            Target.PAIR),
    PAIR_8192_MESSAGE("pair-8192/message", "send(byte[]) + receive() -> Message, 8 KiB", "pair-8192", Unit.NANOS,
            null),
    TRY_SEND_FULL("trysend-full", "trySend on a full queue", "trysend-full", Unit.NANOS, null),
    TRY_RECEIVE_EMPTY("tryreceive-empty", "tryReceive on an empty queue", "tryreceive-empty", Unit.NANOS,
            Target.TRY_RECEIVE),
    ATTRIBUTES("attributes", "attributes()", "attributes", Unit.NANOS, null),
    FLOOR_PAIR_64("floor-pair-64", "floor: raw binding mq_send + mq_receive, 64 B", "pair-64", Unit.NANOS, null),
    FLOOR_PAIR_64_TIMED("floor-pair-64-timed", "floor: raw binding mq_timedsend + mq_timedreceive (expired), 64 B",
            "pair-64", Unit.NANOS, null),
    FLOOR_PAIR_8192("floor-pair-8192", "floor: raw binding mq_send + mq_receive, 8 KiB", "pair-8192", Unit.NANOS,
            null),
    FLOOR_TRY_RECEIVE("floor-tryreceive-empty", "floor: raw binding mq_receive + errno, empty queue", "tryreceive-empty",
            Unit.NANOS, null),
    FLOOR_TRY_RECEIVE_TIMED("floor-tryreceive-empty-timed",
            "floor: raw binding mq_timedreceive(expired) + errno, empty blocking queue", "tryreceive-empty",
            Unit.NANOS, null),
    THROUGHPUT_64("throughput-64", "producer -> consumer threads, 64 B", "throughput-64", Unit.PER_SECOND,
            Target.THROUGHPUT),
    THROUGHPUT_8192("throughput-8192", "producer -> consumer threads, 8 KiB", "throughput-8192", Unit.PER_SECOND,
            Target.THROUGHPUT),
    PING_PONG_64("pingpong-64", "round trip to an echo thread, 64 B", "pingpong-64", Unit.NANOS, null),
    ORDER_PIPELINE("order-pipeline", "order pipeline end to end (Spring app vs C router)", "order-pipeline",
            Unit.PER_SECOND, Target.PIPELINE);

    /** Units: a time per operation (lower is better) or a rate (higher is better). */
    enum Unit {
        NANOS("ns/op"), PER_SECOND("ops/s");

        final String text;

        Unit(String text) {
            this.text = text;
        }

        static Unit of(String text) {
            return Arrays.stream(values()).filter(u -> u.text.equals(text)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown unit " + text));
        }
    }

    /**
     * A target on the Java / C ratio of medians, optionally with 0 B/op, judged on runs pinned to one CPU, or on
     * unpinned runs only where {@link #pinned} is false. The JNA binding has the first four, the FFM binding (issues
     * 14 and 22) the tighter {@code FFM_*} ones; issue 22 judges the order pipeline unpinned, after warm-up.
     */
    enum Target {
        PAIR("<= 1.4x C, 0 B/op", 1.4, false, true, true),
        TRY_RECEIVE("<= 2.5x C, 0 B/op", 2.5, false, true, true),
        THROUGHPUT(">= 0.75x C, 0 B/op", 0.75, true, true, true),
        PIPELINE(">= 0.5x C", 0.5, true, false, true),
        FFM_PAIR("<= 1.10x C, 0 B/op", 1.10, false, true, true),
        FFM_TRY_RECEIVE("<= 1.4x C, 0 B/op", 1.4, false, true, true),
        FFM_THROUGHPUT(">= 0.95x C, 0 B/op", 0.95, true, true, true),
        FFM_PIPELINE(">= 0.8x C", 0.8, true, false, false);

        /** This target for {@code binding}: the FFM twin of a JNA target when the binding is {@code ffm}. */
        Target forBinding(String binding) {
            if (!"ffm".equals(binding)) {
                return this;
            }
            return switch (this) {
                case PAIR -> FFM_PAIR;
                case TRY_RECEIVE -> FFM_TRY_RECEIVE;
                case THROUGHPUT -> FFM_THROUGHPUT;
                case PIPELINE -> FFM_PIPELINE;
                default -> this;
            };
        }

        final String text;
        final double ratio;
        final boolean atLeast;
        final boolean zeroAllocation;

        /** Judged on runs pinned to one CPU (true) or on unpinned runs (false). */
        final boolean pinned;

        Target(String text, double ratio, boolean atLeast, boolean zeroAllocation, boolean pinned) {
            this.text = text;
            this.ratio = ratio;
            this.atLeast = atLeast;
            this.zeroAllocation = zeroAllocation;
            this.pinned = pinned;
        }

        /** Whether a ratio and allocation rate meet this target; allocation below half a byte counts as zero. */
        boolean met(double javaOverC, double bytesPerOp) {
            boolean ratioMet = atLeast ? javaOverC >= ratio : javaOverC <= ratio;
            return ratioMet && (!zeroAllocation || Double.isNaN(bytesPerOp) || bytesPerOp < 0.5);
        }
    }

    final String key;
    final String label;
    final String cKey;
    final Unit unit;
    final @Nullable Target target;

    Operation(String key, String label, String cKey, Unit unit, @Nullable Target target) {
        this.key = key;
        this.label = label;
        this.cKey = cKey;
        this.unit = unit;
        this.target = target;
    }

    /** The target of this operation for {@code binding} ({@code jna} or {@code ffm}), or null. */
    @Nullable Target target(String binding) {
        return target == null ? null : target.forBinding(binding);
    }

    static Operation of(String key) {
        return Arrays.stream(values()).filter(o -> o.key.equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown operation " + key));
    }

    /** The C benchmark names of the micro-benchmarks (all but the end-to-end pipeline), in order. */
    static List<String> cKeys() {
        return Arrays.stream(values()).filter(o -> o != ORDER_PIPELINE).map(o -> o.cKey).distinct().toList();
    }
}
