#!/usr/bin/env bash
# CI smoke check of the C side (run by `./mvnw verify` in the benchmarks module): builds the C programs into $1,
# hands 1,000 messages over with handoff, and, when the native producer sample is there, routes a few hundred orders
# through orderroute; the producer checks every result, so a router that drops, duplicates or mis-routes an order fails
# the build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: smoke.sh OUTPUT-DIR}"
bash "$here/build.sh" "$out"
# handoff: 1,000 messages from a producer thread to a consumer thread (its queue is removed as soon as it is open)
"$out/handoff" "/posixmq-bench-handoff-$$" 1000 | grep -q "messages/s"
producer_source="$here/../../samples/native-producer/order_producer.c"
if [[ ! -f "$producer_source" ]]; then
    echo "smoke.sh: no native producer sample; router check skipped"
    exit 0
fi
"${CC:-gcc}" -O2 -std=c11 -Wall -Wextra -o "$out/order-producer" "$producer_source" -lrt
prefix="/posixmq-bench-smoke-$$"
queues=("$prefix" "$prefix.processed" "$prefix.rejected")
router=""
cleanup() {
    if [[ -n "$router" ]]; then
        kill "$router" 2>/dev/null || true
        wait "$router" 2>/dev/null || true
    fi
    "$out/mqbench" unlink "${queues[@]}" || true
}
trap cleanup EXIT
"$out/mqbench" create 10 1024 "${queues[@]}"
"$out/orderroute" "${queues[@]}" &
router=$!
"$out/order-producer" -n 300 -w 10 "${queues[@]}"
