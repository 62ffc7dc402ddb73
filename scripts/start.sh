#!/usr/bin/env bash
# One command for the whole system on one machine: installs what is missing (Node deps, Redis, InfluxDB),
# starts local Redis (AOF) and InfluxDB 1.x under ./.data, builds, and runs gateway (:5003) + API (:8080) +
# worker in one process. Ctrl-C stops the app; `npm run services stop` stops Redis/InfluxDB.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
[ -d node_modules ] || npm install --no-audit --no-fund
SERVICES="redis influx" bash scripts/services.sh start
[ -f dist/src/main.js ] && [ -z "$(find protocol src -newer dist/src/main.js -name '*.ts' -print -quit)" ] || { npx tsc -p tsconfig.json && node scripts/bin-mode.mjs; }
# The web console (served at /): rebuilt when any file under web/ is newer than its index.html.
[ -f dist/console/index.html ] && [ -z "$(find web -newer dist/console/index.html -type f -print -quit)" ] || npm run build:console
exec node dist/src/main.js "$@"
