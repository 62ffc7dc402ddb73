/** Prometheus metrics (prom-client), one registry per process so tests can build several. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  frames: Counter<'cn' | 'verdict'>;
  frameWarnings: Counter<'code'>;
  /** Operator commands (reverse control) by name and final state. */
  commands: Counter<'name' | 'state'>;
  ackLatency: Histogram;
  batchSize: Histogram;
  batchLatency: Histogram;
  batchFailures: Counter;
  connections: Gauge;
  connectionsRejected: Counter<'reason'>;
  bufferedPoints: Gauge;
  discardedBytes: Counter;
  duplicateMn: Counter;
  /** Source addresses banned for exhausting a connection's error budget (HJ212_CONN_MAX_ERRORS). */
  bans: Counter<'reason'>;
  /** Password lockouts started, by scope (ip, mn). */
  authLockouts: Counter<'scope'>;
  /** Side effects dropped at a cap (archive queue, pending-device writes), by queue. */
  dropped: Counter<'queue'>;
  /** 1 while collector sockets are paused server-wide, by cause (storage saturated, side-effect queues backed up). */
  paused: Gauge<'reason'>;
  jobs: Counter<'queue' | 'outcome'>;
  queueDepth: Gauge<'queue' | 'state'>;
  httpRequests: Counter<'route' | 'status'>;
  /** Account sign-ins by outcome: success, refused (wrong user name or password), locked, busy (hash queue full). */
  logins: Counter<'outcome'>;
  /** Sign-in lockouts started, per user name (user) or client address (address). */
  loginLockouts: Counter<'scope'>;
  /** Readings, frames and archive entries cut by a storage limit (SECURITY.md "Hostile traffic"). */
  limited: Counter<'limit'>;
}

export function createMetrics(opts: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaults !== false) collectDefaultMetrics({ register: registry, prefix: 'hj212_' });
  const registers = [registry];
  return {
    registry,
    frames: new Counter({ name: 'hj212_frames_total', help: 'Frames received, by CN and verdict', labelNames: ['cn', 'verdict'], registers }),
    frameWarnings: new Counter({ name: 'hj212_frame_warnings_total', help: 'Admitted frames by lenient-parse warning code (HJ_WARN_*)', labelNames: ['code'], registers }),
    ackLatency: new Histogram({
      name: 'hj212_ack_latency_seconds',
      help: 'Time from frame receipt to 9014 ack (durable in InfluxDB)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    batchSize: new Histogram({ name: 'hj212_influx_batch_points', help: 'Points per InfluxDB write', buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10000], registers }),
    batchLatency: new Histogram({ name: 'hj212_influx_batch_seconds', help: 'InfluxDB write latency', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers }),
    batchFailures: new Counter({ name: 'hj212_influx_batch_failures_total', help: 'Failed InfluxDB writes (retried or dead-lettered)', registers }),
    connections: new Gauge({ name: 'hj212_connections', help: 'Open collector connections', registers }),
    connectionsRejected: new Counter({ name: 'hj212_connections_rejected_total', help: 'Connections refused or closed by a limit', labelNames: ['reason'], registers }),
    bufferedPoints: new Gauge({ name: 'hj212_buffered_points', help: 'Points accepted and not yet durable', registers }),
    discardedBytes: new Counter({ name: 'hj212_discarded_bytes_total', help: 'Bytes the framer discarded while resynchronising', registers }),
    duplicateMn: new Counter({ name: 'hj212_duplicate_mn_total', help: 'Connections replaced by a newer one with the same MN (flapping)', registers }),
    bans: new Counter({ name: 'hj212_bans_total', help: 'Source addresses banned (with backoff) for exhausting a connection error budget', labelNames: ['reason'], registers }),
    authLockouts: new Counter({ name: 'hj212_auth_lockouts_total', help: 'Password lockouts started, per source address (ip) or MN (mn)', labelNames: ['scope'], registers }),
    paused: new Gauge({ name: 'hj212_sockets_paused', help: '1 while collector sockets are paused server-wide, by reason (storage, queues)', labelNames: ['reason'], registers }),
    dropped: new Counter({ name: 'hj212_dropped_total', help: 'Side effects of frames dropped at a cap, by queue', labelNames: ['queue'], registers }),
    jobs: new Counter({ name: 'hj212_jobs_total', help: 'Check jobs by queue and outcome', labelNames: ['queue', 'outcome'], registers }),
    queueDepth: new Gauge({ name: 'hj212_queue_depth', help: 'Jobs per queue and state', labelNames: ['queue', 'state'], registers }),
    commands: new Counter({ name: 'hj212_commands_total', help: 'Commands sent to collectors, by name and final state', labelNames: ['name', 'state'], registers }),
    logins: new Counter({ name: 'hj212_logins_total', help: 'Account sign-ins by outcome (success, refused, locked, busy)', labelNames: ['outcome'], registers }),
    loginLockouts: new Counter({ name: 'hj212_login_lockouts_total', help: 'Sign-in lockouts started, per user name (user) or client address (address)', labelNames: ['scope'], registers }),
    httpRequests: new Counter({ name: 'hj212_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers }),
    limited: new Counter({
      name: 'hj212_storage_limited_total',
      help: 'Readings, frames, archive entries and sub-packet sets cut by a storage limit, by limit',
      labelNames: ['limit'],
      registers,
    }),
  };
}
