#!/usr/bin/env bash
# Builds and runs every posixmq benchmark beside its raw C twin, pinned to one CPU and unpinned, and prints one
# table: operation, CPUs, C median, Java median, Java / C, Java B/op (the benchmark threads' own allocation), target.
#
#   benchmarks/run.sh                 full run (about 15 minutes on 2 cores); results in benchmarks/build/
#   benchmarks/run.sh --quick         short iterations, for trying a change (about 6 minutes)
#   benchmarks/run.sh --smoke         proves everything runs; the figures mean nothing
#
# Options: --jdk DIR (a JDK home; default $JAVA_HOME, else java on the PATH), --cpu N (the CPU for pinned runs,
# default 0), --bindings jna,ffm (the Java side's native bindings, each beside the same C rounds; default both on
# JDK 22+, jna before; the end-to-end Spring app runs FFM on JDK 22+), --pinned-only, --unpinned-only, --no-e2e
# (skip the order-pipeline end-to-end run), --no-build,
# --only NAME,... (micro-benchmarks by C name: pair-64, pair-8192, trysend-full, tryreceive-empty, attributes,
# throughput-64, throughput-8192, pingpong-64), --c-idle-threads N (N idle threads in the C process: a multi-threaded
# process, as every JVM is, pays about 50 ns more per mq_* call in the kernel; default 0, single-threaded C).
#
# Every benchmark queue is unlinked right after it is opened; the end-to-end queues are named after this script's
# pid and removed on exit, failure or Ctrl-C.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="$here/build"
profile=()
# 100,000 orders a round (about 0.3-0.4 s): rounds of 20,000 (about 70 ms each) spread 15-53%
# against 5-28% (2026-12-07, benchmarks/RESULTS.md); 20 warm-up rounds are 2 million orders for the JIT
e2e_settings=(--orders 100000 --warmup 20 --iterations 6)
cpu=0
modes=(pinned unpinned)
e2e=1
compile=1
only=()
bindings=()
c_idle=()

while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) profile=(--quick); e2e_settings=(--orders 50000 --warmup 6 --iterations 3) ;;
        --smoke) profile=(--smoke); e2e_settings=(--orders 500 --warmup 1 --iterations 1) ;;
        --jdk) export JAVA_HOME="$2"; shift ;;
        --cpu) cpu="$2"; shift ;;
        --pinned-only) modes=(pinned) ;;
        --unpinned-only) modes=(unpinned) ;;
        --no-e2e) e2e=0 ;;
        --no-build) compile=0 ;;
        --only) only=(--only "$2"); shift ;;
        --bindings) bindings=(--bindings "$2"); shift ;;
        --c-idle-threads) c_idle=(--c-idle-threads "$2"); shift ;;
        -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done

if [[ -n "${JAVA_HOME:-}" ]]; then
    java="$JAVA_HOME/bin/java"
else
    java="$(command -v java)"
fi
[[ -x "$java" ]] || { echo "run.sh: no java at $java (set JAVA_HOME or --jdk)" >&2; exit 2; }
# JNA loads its native library (a restricted method from JDK 22 on); JMH 1.37 still uses sun.misc.Unsafe, which
# JDK 24+ warns about. JMH forks inherit these flags from the suite's JVM.
# JMH's /tmp/jmh.lock is machine-wide: on a shared machine another user's JMH run would abort this one mid-way.
jvm_flags=(--enable-native-access=ALL-UNNAMED -Djmh.ignoreLock=true)
if "$java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
    jvm_flags+=(--sun-misc-unsafe-memory-access=allow)
fi

mkdir -p "$build"
jar="$here/target/benchmarks.jar"
app_jar="$root/samples/order-pipeline/target/order-pipeline.jar"
producer_dir="$root/samples/native-producer"

if [[ $compile == 1 ]]; then
    echo "== building (Maven: benchmarks + order-pipeline sample; gcc -O2: C reference, router, native producer)"
    modules="benchmarks"
    if [[ $e2e == 1 ]]; then
        modules="benchmarks,samples/order-pipeline"
    fi
    (cd "$root" && ./mvnw -B -q -pl "$modules" -am package -DskipTests)
    bash "$here/c/build.sh" "$build"
    if [[ $e2e == 1 ]]; then
        make -s -C "$producer_dir" OUT="$build"
    fi
fi

e2e_prefix="/posixmq-bench-e2e-$$"
cleanup() {
    if [[ -x "$build/mqbench" ]]; then
        "$build/mqbench" unlink "$e2e_prefix-c" "$e2e_prefix-c.processed" "$e2e_prefix-c.rejected" \
            "$e2e_prefix-java" "$e2e_prefix-java.processed" "$e2e_prefix-java.rejected" \
            "$e2e_prefix-java.dead-letter" || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

machine() {
    echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)"
    echo "JDK: $("$java" -version 2>&1 | head -2 | tr '\n' ' ')"
    echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
}
machine | tee "$build/machine.txt"

results=()
for mode in "${modes[@]}"; do
    if [[ $mode == pinned ]]; then
        launch=(taskset -c "$cpu")
    else
        launch=()
    fi
    echo
    echo "== micro-benchmarks, $mode"
    rm -f "$build/micro-$mode.tsv"
    "${launch[@]}" "$java" "${jvm_flags[@]}" -jar "$jar" "${profile[@]}" "${only[@]}" "${bindings[@]}" "${c_idle[@]}" \
        --c-binary "$build/mqbench" --out "$build/micro-$mode.tsv"
    results+=("$build/micro-$mode.tsv")
    if [[ $e2e == 1 ]]; then
        echo
        echo "== order pipeline end to end, $mode"
        rm -f "$build/e2e-$mode.tsv"
        "${launch[@]}" "$java" "${jvm_flags[@]}" -cp "$jar" \
            io.github.posixmq.benchmarks.OrderPipelineBenchmark "${e2e_settings[@]}" \
            --app-jar "$app_jar" --router "$build/orderroute" --producer "$build/order-producer" \
            --prefix "$e2e_prefix" --log-dir "$build" --out "$build/e2e-$mode.tsv"
        results+=("$build/e2e-$mode.tsv")
    fi
done

echo
echo "== results ($(date -u '+%Y-%m-%d %H:%M UTC'), load average after the run: $(cut -d' ' -f1-3 /proc/loadavg))"
"$java" -cp "$jar" io.github.posixmq.benchmarks.Report "${results[@]}" | tee "$build/report.md"
