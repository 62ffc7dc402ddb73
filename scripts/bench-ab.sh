#!/usr/bin/env bash
# A/B run of one benchmark (default gateway-vs-minimal): commit A (exported to a temporary directory, built with this
# checkout's node_modules) and this working tree (B), back to back on the same local services; prints both results.
#   scripts/bench-ab.sh <commit-A> [bench-name] [bench args...]
# Ports/dir as scripts/bench.sh (BENCH_REDIS_PORT ...). B's run regenerates its README table; A's stays in the temp dir.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
A=${1:?commit A}
NAME=${2:-gateway-vs-minimal}
shift; shift || true
TMP=$(mktemp -d /tmp/bench-a.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
git archive "$A" | tar -x -C "$TMP"
ln -s "$ROOT/node_modules" "$TMP/node_modules"
(cd "$TMP" && npx tsc -p tsconfig.json) || { echo "build of $A failed"; exit 1; }
npx tsc -p tsconfig.json || { echo "build failed"; exit 1; }

export REDIS_PORT=${BENCH_REDIS_PORT:-36379} INFLUX_PORT=${BENCH_INFLUX_PORT:-38086}
export INFLUX_RPC_PORT=${BENCH_INFLUX_RPC_PORT:-38088} VM_PORT=${BENCH_VM_PORT:-38428}
export HJ212_SERVICES_DIR=${BENCH_SERVICES_DIR:-$ROOT/.data/bench-services} SERVICES="redis influx"
rm -rf "$HJ212_SERVICES_DIR"
bash scripts/services.sh start || exit 1
trap 'bash scripts/services.sh stop; rm -rf "$TMP"' EXIT
export HJ212_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" HJ212_INFLUX_URL="http://127.0.0.1:$INFLUX_PORT"
echo "== A ($A)"
(cd "$TMP" && node "dist/benchmarks/$NAME.bench.js" "$@" >/dev/null) && cat "$TMP/benchmarks/results/$NAME.json"
echo "== B (working tree)"
node "dist/benchmarks/$NAME.bench.js" "$@" >/dev/null && cat "benchmarks/results/$NAME.json"
