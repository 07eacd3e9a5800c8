#!/usr/bin/env bash
# The stream sample (samples/order-pipeline-stream) on the posixmq binder, the RabbitMQ binder and the Kafka binder,
# side by side in one run, plus PosixMqTemplate against RabbitTemplate and a Kafka producer + consumer (one-way send +
# receive). Needs RabbitMQ at 127.0.0.1:5672 (.ci/rabbitmq start); Kafka at --kafka HOST:PORT, else a single-node KRaft
# broker started in the driver's JVM. Prints a Markdown table, also written to benchmarks/build/stream-binders.md.
#
#   benchmarks/stream-binders.sh [--orders N] [--warmup N] [--iterations N] [--latency-orders N]
#                                [--latency-warmup N] [--messages N] [--kafka HOST:PORT]
#                                [--binders posixmq,rabbit[,kafka]] [--app-prefix "taskset -c 1"]
#                                [--app-jvm-args "JVM OPTIONS"] [--latency-trace FILE] [--no-build]
# --binders posixmq,rabbit skips Kafka (posixmq alone: a profiling run); --app-prefix runs each application under a
# command (such as taskset); --app-jvm-args adds JVM options to each application ({label}: posixmq, rabbit, kafka);
# --latency-trace writes each posixmq order of the latency run (start in epoch µs, latency in µs) to FILE;
# --latency-warmup (default 5000) orders go one at a time before the measured ones, on every binder.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
build=1
args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-build) build=0 ;;
        --orders|--warmup|--iterations|--latency-orders|--latency-warmup|--messages|--kafka) args+=("$1" "$2"); shift ;;
        --binders|--app-prefix|--app-jvm-args|--latency-trace)
            args+=("$1" "'$2'"); shift ;;
        -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "stream-binders.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done
mkdir -p "$here/build"
cd "$root"
if [[ $build == 1 ]]; then
    ./mvnw -B -q -pl samples/order-pipeline-stream -am install -DskipTests
fi
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
./mvnw -B -q -pl samples/order-pipeline-stream test-compile exec:exec -Dexec.executable=java \
    -Dexec.classpathScope=test \
    "-Dexec.args=--enable-native-access=ALL-UNNAMED -cp %classpath io.github.posixmq.samples.orders.stream.StreamBinderBenchmark --app-jar $root/samples/order-pipeline-stream/target/order-pipeline-stream.jar --out $here/build/stream-binders.md ${args[*]+${args[*]}}"
