#!/usr/bin/env bash
# A/B of the codec's full decode: protocol/ of commit A (exported to a temporary directory and compiled) against this
# working tree's, in one process (benchmarks/protocol-ab.ts).
#   scripts/protocol-ab.sh <commit-A>
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
A=${1:?commit A}
TMP=$(mktemp -d /tmp/protocol-a.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
git archive "$A" protocol | tar -x -C "$TMP"
echo '{"type":"module"}' > "$TMP/package.json"
npx tsc --outDir "$TMP/dist" --module nodenext --moduleResolution nodenext --target es2022 --strict --skipLibCheck "$TMP/protocol/index.ts" || { echo "build of $A failed"; exit 1; }
npx tsc -p tsconfig.json || { echo "build failed"; exit 1; }
node dist/benchmarks/protocol-ab.js "$TMP/dist"
