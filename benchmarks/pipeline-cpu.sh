#!/usr/bin/env bash
# CPU time per order, thread by thread: the order-pipeline sample (its receiving thread does the whole flow) and the
# C router (benchmarks/c/orderroute.c), each fed by the C producer (samples/native-producer) after a warm-up, read from
# /proc/PID/task/*/stat (utime, stime) and status (context switches) before and after the measured orders. Unlike
# orders/s, which swing with where the scheduler puts the producer, these figures repeat within a few percent; they
# tell where an order's time goes (user space: the JVM and Spring; system: the queue calls and the wake-ups).
#
#   benchmarks/pipeline-cpu.sh [--orders N] [--warmup N] [--jdk DIR] [--no-build] [--no-c] [-- APP ARGS...]
#
# The queues are those of OrderPipelineBenchmark (10 messages of at most 1 KiB).
# --orders (default 1,000,000) measured orders; --warmup (default 2,000,000) orders before them, in rounds of
# 200,000; arguments after -- go to the Spring app (e.g. --management.metrics.enable.spring.integration=true).
# JVM_ARGS in the environment go before -jar. Queues are /posixmq-cpu-PID-* and removed at the end, also on Ctrl-C.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="$here/build"
orders=1000000
warmup=2000000
compile=1
c_router=1
app_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --orders) orders="$2"; shift ;;
        --warmup) warmup="$2"; shift ;;
        --jdk) export JAVA_HOME="$2"; shift ;;
        --no-build) compile=0 ;;
        --no-c) c_router=0 ;;
        --) shift; app_args=("$@"); break ;;
        *) echo "unknown option $1 (see the comment at the top of $0)" >&2; exit 2 ;;
    esac
    shift
done
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jar="$root/samples/order-pipeline/target/order-pipeline.jar"
if [[ $compile == 1 ]]; then
    (cd "$root" && ./mvnw -B -q -DskipTests -pl samples/order-pipeline -am install)
    bash "$here/c/build.sh" "$build" >/dev/null
    make -s -C "$root/samples/native-producer" OUT="$build"
fi
producer="$build/order-producer"
prefix="/posixmq-cpu-$$"
queues=("$prefix-java" "$prefix-java.processed" "$prefix-java.rejected" "$prefix-java.dead-letter"
    "$prefix-c" "$prefix-c.processed" "$prefix-c.rejected")
journal="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    "$build/mqbench" unlink "${queues[@]}" >/dev/null 2>&1 || true
    rm -rf "$journal"
}
trap cleanup EXIT

# per thread "name utime stime voluntary nonvoluntary" (clock ticks; switches)
snapshot() {
    local task
    for task in /proc/"$1"/task/*; do
        printf '%s %s %s\n' "$(tr ' ' _ < "$task/comm")" "$(awk '{print $14, $15}' "$task/stat")" \
            "$(awk '/ctxt_switches/ {printf "%s ", $2}' "$task/status")"
    done 2>/dev/null
}

# feed LABEL PID ORDERS PROCESSED REJECTED: warm up, then measure and print the threads that used CPU
feed() {
    local label=$1 pid=$2 in=$3 processed=$4 rejected=$5 first=1 done=0 before after start end
    while [[ $done -lt $warmup ]]; do
        "$producer" -n 200000 -w 120 -s "$first" "$in" "$processed" "$rejected" >/dev/null
        first=$((first + 200000)); done=$((done + 200000))
    done
    before=$(snapshot "$pid")
    start=$(date +%s%N)
    "$producer" -n "$orders" -w 120 -s "$first" "$in" "$processed" "$rejected" | sed "s/^/  $label: /"
    end=$(date +%s%N)
    after=$(snapshot "$pid")
    python3 - "$label" "$orders" "$start" "$end" "$(getconf CLK_TCK)" "$before" "$after" <<'PY'
import sys
label, orders, start, end, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
def parse(text):
    threads = {}
    for line in text.splitlines():
        name, *values = line.split()
        old = threads.get(name, [0, 0, 0, 0])
        threads[name] = [a + int(b) for a, b in zip(old, values[:4])]
    return threads
before, after = parse(sys.argv[6]), parse(sys.argv[7])
tick = 1e6 / hz  # µs per clock tick
print(f"{label}: {orders:,} orders in {(end - start) / 1e9:.2f} s = {orders / ((end - start) / 1e9):,.0f} orders/s")
print(f"  {'thread':24} {'user µs':>8} {'system µs':>10} {'switches':>9}   (per order)")
total_user = total_sys = 0.0
for name, now in sorted(after.items()):
    then = before.get(name, [0, 0, 0, 0])
    user, system = (now[0] - then[0]) * tick / orders, (now[1] - then[1]) * tick / orders
    switches = (now[2] - then[2] + now[3] - then[3]) / orders
    total_user += user; total_sys += system
    if user + system >= 0.05:
        print(f"  {name:24} {user:8.2f} {system:10.2f} {switches:9.3f}")
print(f"  {'all threads':24} {total_user:8.2f} {total_sys:10.2f}")
PY
}

"$build/mqbench" unlink "${queues[@]}" >/dev/null 2>&1 || true
# the queues of OrderPipelineBenchmark: 10 messages of at most 1 KiB, mode 0600
"$build/mqbench" create 10 1024 "${queues[@]}" >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); JDK: $("$java" -version 2>&1 | head -1)"
# shellcheck disable=SC2086
"$java" --enable-native-access=ALL-UNNAMED ${JVM_ARGS:-} -jar "$jar" --server.port=0 --spring.main.banner-mode=off \
    --posixmq.queues.orders.name="${queues[0]}" --posixmq.queues.processed.name="${queues[1]}" \
    --posixmq.queues.rejected.name="${queues[2]}" --posixmq.queues.dead-letter.name="${queues[3]}" \
    --posixmq.queues.orders.inbound.journal.directory="$journal" "${app_args[@]}" > "$build/pipeline-cpu-app.log" 2>&1 &
app=$!
pids+=("$app")
feed "Spring app" "$app" "${queues[0]}" "${queues[1]}" "${queues[2]}"
if [[ $c_router == 1 ]]; then
    "$build/orderroute" "${queues[4]}" "${queues[5]}" "${queues[6]}" > "$build/pipeline-cpu-router.log" 2>&1 &
    router=$!
    pids+=("$router")
    feed "C router" "$router" "${queues[4]}" "${queues[5]}" "${queues[6]}"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
