#!/usr/bin/env bash
# Threads, descriptors, RSS and start-up time of the order-pipeline sample as the number of queues grows.
#
#   benchmarks/queue-scaling.sh [--jdk DIR] [--counts "1 20 100 230"] [--app-args "--posixmq.dispatch.dedicated-threads=true"]
#                               [--jvm-args "-Xmx256m"] [--runs 3] [--timeout 600]
#                               [--stream [--one-binding] [--binder rabbit]] [--no-build]
#                               [--jar FILE] [--dump DIR]
#
# --stream: the order-pipeline-stream sample (Spring Cloud Stream, binder posixmq) with N extra consumer bindings
# (spring.cloud.stream.input-bindings) on queues of 4 x 128 B instead; it serves no HTTP, so "start" ends at its
# "Started" log line. --binder rabbit puts the N extra bindings on another binder of the sample (a baseline of what
# Spring Cloud Stream itself costs per binding; RabbitMQ at 127.0.0.1:5672), without a group, so that the broker
# deletes their queues when the application stops (which takes about a second per binding: each listener container
# waits out its receive timeout in turn, so N=230 needs some 4 minutes to stop). --one-binding declares the N queues as
# the destination list of one binding (spring.cloud.stream.bindings.extra.destination=q1,q2,...): Spring Cloud Stream
# binds a consumer per destination, without its per-binding-name work (docs/stream-binder.md, "Memory per binding").
# Each run starts the sample (samples/order-pipeline/target/order-pipeline.jar) with N extra queues of 4 x 128 B,
# each with an inbound adapter to nullChannel, alone in a private IPC namespace (unshare --ipc, when root; else in
# the caller's namespace, as far as RLIMIT_MSGQUEUE and queues_max allow), waits for /actuator/health to answer UP,
# then reads /proc/PID: Threads, the open descriptors, VmRSS, and the heap through jcmd (of the same JDK): committed and
# used as they are (GC.heap_info), then live (the total of GC.class_histogram, which runs a full GC first; read last,
# as it changes the heap). "start" is the time from launch to health UP (--timeout seconds at most, default 600).
# --runs R starts each N R times (a row each: start-up times swing with the machine's load). --jvm-args go before
# -jar (the same for every N); --jar runs another build of the sample (implies --no-build). --dump DIR keeps, per run,
# the app's log, its class histogram and, when --jvm-args turn on -XX:NativeMemoryTracking=summary, jcmd's
# VM.native_memory summary (DIR/N-run.{log,histo,nmt}), to diff what a queue or binding costs by class and by JVM area.
# Prints one Markdown table row per run. Counts are what the target is about; times depend on the machine's load (the
# load average is printed with the table).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
counts="1 20 100 230"
app_args=""
jvm_args=""
jar_override=""
dump=""
runs=1
timeout=600
build=1
stream=0
extra_binder=posixmq
one_binding=0
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jcmd=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --jdk) java="$2/bin/java"; shift ;;
        --counts) counts="$2"; shift ;;
        --app-args) app_args="$2"; shift ;;
        --jvm-args) jvm_args="$2"; shift ;;
        --runs) runs="$2"; shift ;;
        --timeout) timeout="$2"; shift ;;
        --no-build) build=0 ;;
        --jar) jar_override="$2"; build=0; shift ;;
        --dump) dump="$2"; shift ;;
        --stream) stream=1 ;;
        --binder) extra_binder="$2"; shift ;;
        --one-binding) one_binding=1 ;;
        -h|--help) sed -n '2,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

jcmd="$(dirname "$java")/jcmd"
[[ -x $jcmd ]] || jcmd="$(command -v jcmd || true)"
sample=order-pipeline
[[ $stream == 1 ]] && sample=order-pipeline-stream
jar="${jar_override:-$root/samples/$sample/target/$sample.jar}"
if [[ $build == 1 ]]; then
    (cd "$root" && ./mvnw -B -q -DskipTests -Dmaven.javadoc.skip=true -pl "samples/$sample" -am install)
fi
[[ -f $jar ]] || { echo "missing $jar: build it (or drop --no-build)" >&2; exit 1; }

isolate=()
if [[ $(id -u) == 0 ]] && command -v unshare >/dev/null; then
    isolate=(unshare --ipc)
fi
work="$(mktemp -d)"
[[ -z $dump ]] || mkdir -p "$dump"
trap '[[ -n ${KEEP:-} ]] || rm -rf "$work"' EXIT

run_one() {
    local n=$1 port=$2 run=$3 props="$work/extra-$1.properties" log="$work/app-$1.log"
    : > "$props"
    local prefix="/qs-$$-$n" sample_args=()
    if [[ $stream == 1 ]]; then
        # binding NAME DESTINATION: one extra consumer binding (a group on posixmq, else on the other binder)
        binding() {
            echo "spring.cloud.stream.bindings.$1.destination=$2"
            if [[ $extra_binder == posixmq ]]; then
                echo "spring.cloud.stream.bindings.$1.group=scaling"
            else
                echo "spring.cloud.stream.bindings.$1.binder=$extra_binder"
            fi
        } >> "$props"
        local bindings="" destinations=""
        for ((i = 1; i <= n; i++)); do
            if [[ $one_binding == 1 ]]; then
                destinations+="${destinations:+,}${prefix#/}-extra$i"
            else
                bindings+="${bindings:+;}extra$i"
                binding "extra$i" "${prefix#/}-extra$i"
            fi
        done
        if [[ $one_binding == 1 ]]; then
            # one binding name, N destinations: Spring Cloud Stream binds a consumer per destination
            bindings=extra
            binding extra "$destinations"
        fi
        {
            echo "spring.cloud.stream.input-bindings=$bindings"
            echo "spring.cloud.stream.posixmq.default.consumer.capacity=4"
            echo "spring.cloud.stream.posixmq.default.consumer.max-message-size=128"
            echo "spring.cloud.stream.posixmq.default.consumer.remove-on-shutdown=true"
        } >> "$props"
        sample_args=(--orders.name="${prefix#/}-orders")
    else
        for ((i = 1; i <= n; i++)); do
            {
                echo "posixmq.queues.extra$i.name=$prefix-extra$i"
                echo "posixmq.queues.extra$i.create=true"
                echo "posixmq.queues.extra$i.capacity=4"
                echo "posixmq.queues.extra$i.max-message-size=128"
                echo "posixmq.queues.extra$i.remove-on-shutdown=true"
                echo "posixmq.queues.extra$i.inbound.channel=nullChannel"
            } >> "$props"
        done
        # the sample's own queues get names of this run too (a private namespace has none, the caller's may)
        sample_args=(--posixmq.queues.orders.name="$prefix-orders" --posixmq.queues.processed.name="$prefix-processed"
            --posixmq.queues.rejected.name="$prefix-rejected" --posixmq.queues.dead-letter.name="$prefix-dead-letter")
    fi
    local start end pid status=""
    : > "$log" # before the launch: the wait below reads it at once
    start=$(date +%s%N)
    # shellcheck disable=SC2086
    "${isolate[@]}" "$java" $jvm_args --enable-native-access=ALL-UNNAMED -jar "$jar" --server.port="$port" \
        --spring.main.banner-mode=off --spring.config.additional-location="file:$props" \
        "${sample_args[@]}" $app_args > "$log" 2>&1 &
    local launched=$!
    local deadline=$(($(date +%s) + timeout))
    while [[ $(date +%s) -lt $deadline ]]; do
        if [[ $stream == 1 ]]; then
            # Spring Boot's "Started OrderPipelineStreamApplication in 5.1 seconds", not JFR's "Started recording 1"
            grep -q 'Started [A-Za-z0-9_]* in [0-9.]* seconds' "$log" && status='"UP"'
        else
            status=$(curl -s "http://127.0.0.1:$port/actuator/health" || true)
        fi
        [[ $status == *'"UP"'* ]] && break
        if ! kill -0 "$launched" 2>/dev/null; then
            echo "the app of N=$n ended; its log: $log" >&2; cat "$log" >&2; return 1
        fi
        sleep 0.05
    done
    end=$(date +%s%N)
    [[ $status == *'"UP"'* ]] || { echo "N=$n: no health UP: $status" >&2; tail -50 "$log" >&2; kill "$launched"; return 1; }
    # the JVM: the launched process, or unshare's child
    pid=$launched
    if [[ ${#isolate[@]} -gt 0 ]]; then
        pid=$(pgrep -P "$launched" java || echo "$launched")
    fi
    sleep 2 # let start-up threads (compiler, Tomcat warm-up) settle before counting
    local threads fds rss heap="-" live="-"
    threads=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status")
    fds=$(ls "/proc/$pid/fd" | wc -l)
    rss=$(awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status")
    if [[ -n $jcmd ]]; then
        # "garbage-first heap   total 208896K, used 143105K" (JDK 17; JDK 25: "total reserved .., committed ..,
        # used .."): committed / used, then live after a full GC
        heap=$("$jcmd" "$pid" GC.heap_info 2>/dev/null | awk '/ heap / && /total/ {
            gsub(/[K,]/, ""); for (i = 1; i <= NF; i++) { if ($i == "total" || $i == "committed") t = $(i + 1); if ($i == "used") u = $(i + 1) }
            printf "%.0f / %.0f MB", t / 1024, u / 1024; exit }')
        if [[ -n $dump ]]; then
            "$jcmd" "$pid" VM.native_memory summary > "$dump/$n-$run.nmt" 2>&1 || true
        fi
        "$jcmd" "$pid" GC.class_histogram > "$work/histo" 2>/dev/null || true
        live=$(awk '/^Total/ {printf "%.0f MB", $3 / 1048576}' "$work/histo")
        [[ -z $dump ]] || cp "$work/histo" "$dump/$n-$run.histo"
    fi
    printf '| %s | %s | %s | %s MB | %s | %s | %.1f s |\n' "$n" "$threads" "$fds" "$rss" "${heap:--}" "${live:--}" \
        "$(echo "($end - $start) / 1000000000" | bc -l)"
    kill "$launched"
    wait "$launched" 2>/dev/null || true
    [[ -z $dump ]] || cp "$log" "$dump/$n-$run.log"
}

binder_note=""
[[ $stream == 1 ]] && binder_note="; extra bindings' binder: $extra_binder"
echo "queue scaling ($sample): $("$java" -version 2>&1 | head -1); isolation: ${isolate[*]:-none (not root)}$binder_note; app args: ${app_args:-none}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "jvm args: ${jvm_args:-none}"
echo
echo "| queues | threads | descriptors | RSS | heap committed / used | heap live | start to health UP |"
echo "|---|---|---|---|---|---|---|"
port=18500
for n in $counts; do
    for ((r = 1; r <= runs; r++)); do
        run_one "$n" "$port" "$r"
        port=$((port + 1))
    done
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
