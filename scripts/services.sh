#!/usr/bin/env bash
# Local InfluxDB 1.x, Redis (AOF on) and VictoriaMetrics (speaks InfluxDB's /api/v2/write) for
# development, tests and benchmarks. No systemd: data under a project-local directory, configurable ports.
#
#   scripts/services.sh install        apt-get install what is missing (Debian), Chromium and a Chinese font for the browser tests too
#   scripts/services.sh start          start all three and wait until they answer
#   scripts/services.sh stop           stop them
#   scripts/services.sh status         print URLs and whether each answers
#   scripts/services.sh env            print the env lines for the running set
#
# Environment: HJ212_SERVICES_DIR (default ./.data/services), REDIS_PORT (6379),
# INFLUX_PORT (8086), INFLUX_RPC_PORT (8088), VM_PORT (8428), SERVICES (default "redis influx vm").
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${HJ212_SERVICES_DIR:-$ROOT/.data/services}
REDIS_PORT=${REDIS_PORT:-6379}
INFLUX_PORT=${INFLUX_PORT:-8086}
INFLUX_RPC_PORT=${INFLUX_RPC_PORT:-8088}
VM_PORT=${VM_PORT:-8428}
SERVICES=${SERVICES:-"redis influx vm"}

log() { echo "[services] $*" >&2; }

need() { command -v "$1" >/dev/null 2>&1; }

install() {
  local missing=()
  need redis-server || missing+=(redis-server)
  need influxd || missing+=(influxdb)
  need victoria-metrics || missing+=(victoria-metrics)
  need curl || missing+=(curl)
  # The console's browser tests (test/browser) drive Debian's Chromium; HJ212_CHROMIUM names another binary.
  [ -x "${HJ212_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
  # A Chinese font, so the console's zh-CN screens (and docs/console/*.png) render as text, not boxes.
  [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() { # name, command...
  local name=$1; shift
  for _ in $(seq 1 300); do
    if "$@" >/dev/null 2>&1; then log "$name ready"; return 0; fi
    sleep 0.1
  done
  log "$name did not answer in 30 s"; return 1
}

start_redis() {
  mkdir -p "$DIR/redis"
  if pid_alive "$DIR/redis/redis.pid"; then log "redis already running"; return; fi
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DIR/redis" \
    --appendonly yes --appendfsync everysec --save "" \
    --daemonize yes --pidfile "$DIR/redis/redis.pid" --logfile "$DIR/redis/redis.log"
  wait_for redis redis-cli -p "$REDIS_PORT" ping
}

start_influx() {
  mkdir -p "$DIR/influx"
  if pid_alive "$DIR/influx/influxd.pid"; then log "influxd already running"; return; fi
  cat > "$DIR/influx/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$INFLUX_RPC_PORT"
[meta]
  dir = "$DIR/influx/meta"
[data]
  dir = "$DIR/influx/data"
  wal-dir = "$DIR/influx/wal"
  query-log-enabled = false
  index-version = "inmem"
[http]
  bind-address = "127.0.0.1:$INFLUX_PORT"
  log-enabled = false
  max-body-size = 0
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
CONF
  nohup influxd run -config "$DIR/influx/influxdb.conf" -pidfile "$DIR/influx/influxd.pid" \
    >"$DIR/influx/influxd.log" 2>&1 &
  wait_for influxd curl -sf "http://127.0.0.1:$INFLUX_PORT/ping"
}

start_vm() {
  mkdir -p "$DIR/vm"
  if pid_alive "$DIR/vm/vm.pid"; then log "victoria-metrics already running"; return; fi
  nohup victoria-metrics -storageDataPath "$DIR/vm/data" -httpListenAddr "127.0.0.1:$VM_PORT" \
    -retentionPeriod 100y -search.latencyOffset 0s -loggerLevel ERROR >"$DIR/vm/vm.log" 2>&1 &
  echo $! > "$DIR/vm/vm.pid"
  wait_for victoria-metrics curl -sf "http://127.0.0.1:$VM_PORT/health"
}

stop_pid() { # name pidfile
  if pid_alive "$2"; then
    local pid; pid=$(cat "$2")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    log "$1 stopped"
  fi
  rm -f "$2"
}

print_env() {
  echo "HJ212_REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
  echo "HJ212_INFLUX_URL=http://127.0.0.1:$INFLUX_PORT"
  echo "HJ212_VM_URL=http://127.0.0.1:$VM_PORT"
}

case "${1:-}" in
  install) install ;;
  start)
    install
    for s in $SERVICES; do "start_$s"; done
    print_env > "$DIR/services.env"
    ;;
  stop)
    stop_pid victoria-metrics "$DIR/vm/vm.pid"
    stop_pid influxd "$DIR/influx/influxd.pid"
    if pid_alive "$DIR/redis/redis.pid"; then
      redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
      stop_pid redis "$DIR/redis/redis.pid"
    fi
    ;;
  status)
    print_env
    curl -sf "http://127.0.0.1:$INFLUX_PORT/ping" >/dev/null && echo "influxd: up" || echo "influxd: down"
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && echo "redis: up" || echo "redis: down"
    curl -sf "http://127.0.0.1:$VM_PORT/health" >/dev/null && echo "victoria-metrics: up" || echo "victoria-metrics: down"
    ;;
  env) print_env ;;
  *) echo "usage: $0 install|start|stop|status|env" >&2; exit 2 ;;
esac
