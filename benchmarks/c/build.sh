#!/usr/bin/env bash
# Builds the C reference programs into the directory given as $1 (default: benchmarks/build).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../build}"
mkdir -p "$out"
CC="${CC:-gcc}"
for program in mqbench orderroute syscallfloor handoff; do
    if [[ -f "$here/$program.c" ]]; then
        "$CC" -O2 -Wall -Wextra -Werror -pthread -o "$out/$program" "$here/$program.c" -lrt
    fi
done
