/**
 * Run statistics: counters and an ack-latency histogram. The histogram has log-spaced buckets (2 % wide from
 * 0.01 ms to ~10 min), so it costs O(1) per sample, holds millions of samples in ~1,000 counters and merges across
 * processes by adding counts (a sorted sample would grow with the run).
 */

/** Bucket growth factor: quantiles are exact to within 2 %. */
const GROWTH = 1.02;
const MIN_MS = 0.01;
const BUCKETS = Math.ceil(Math.log(600_000 / MIN_MS) / Math.log(GROWTH)) + 1;

/** Mergeable latency histogram (milliseconds). */
export class LatencyHistogram {
  readonly counts = new Uint32Array(BUCKETS);
  count = 0;
  max = 0;

  record(ms: number): void {
    const i = ms <= MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / MIN_MS) / Math.log(GROWTH)));
    this.counts[i]!++;
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  /** The `q` quantile (0..1) in ms: the upper edge of the bucket holding it; 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, MIN_MS * GROWTH ** i);
    }
    return this.max;
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.max = Math.max(this.max, other.max);
  }
}

/** Counters of a run, per fleet (collectors share one instance). */
export interface Counters {
  /** Uploads started (each counted once, however often retransmitted). */
  uploads: number;
  /** Frames written (parts of sub-packets and retransmits included). */
  frames: number;
  bytes: number;
  acked: number;
  /** Uploads answered with 9011 QnRtn ≠ 1, by QnRtn. */
  rejected: number;
  rejectedByCode: Record<string, number>;
  retransmits: number;
  /** Uploads given up after ReCount retransmits without an ack. */
  timeouts: number;
  /** Socket errors, failed connection attempts and refused connections. */
  errors: number;
  /**
   * Connection attempts that failed, or connections the gateway closed before sending anything (a gateway at its
   * per-IP or total cap accepts and closes at once). Also counted in `errors`.
   */
  refused: number;
  connects: number;
  disconnects: number;
  /** Host requests answered (9011 + data + 9012). */
  requests: number;
  /** Faults injected, by name. */
  faults: Record<string, number>;
}

export function emptyCounters(): Counters {
  return { uploads: 0, frames: 0, bytes: 0, acked: 0, rejected: 0, rejectedByCode: {}, retransmits: 0, timeouts: 0, errors: 0, refused: 0, connects: 0, disconnects: 0, requests: 0, faults: {} };
}

/** Shared statistics of a fleet. */
export class SimStats {
  readonly counters = emptyCounters();
  readonly latency = new LatencyHistogram();
  /** Acks of uploads sent after the warm-up (scenario warmupS), when the run has one. */
  readonly steadyLatency = new LatencyHistogram();
  /** `performance.now()` from which sent uploads are past the warm-up; Infinity until the fleet has connected. */
  steadyFrom = Number.POSITIVE_INFINITY;
  /** Connections currently open. */
  open = 0;

  reject(code: string): void {
    this.counters.rejected++;
    this.counters.rejectedByCode[code] = (this.counters.rejectedByCode[code] ?? 0) + 1;
  }

  fault(name: string): void {
    this.counters.faults[name] = (this.counters.faults[name] ?? 0) + 1;
  }
}

/** The JSON summary printed at the end of a run. */
export interface Summary extends Counters {
  collectors: number;
  /** Collectors the gateway admitted: answered at least once, or (acks off) connected at the end. */
  connected: number;
  connectionsOpen: number;
  elapsedS: number;
  uploadsPerS: number;
  framesPerS: number;
  ackLatencyMs: LatencySummary;
  /** Only with a warm-up (--warmup): the acks of uploads sent after it. */
  ackLatencyAfterWarmupMs?: LatencySummary;
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  samples: number;
}

const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

/** Summary of `stats` after `elapsedMs`. */
const latencySummary = (h: LatencyHistogram): LatencySummary => ({ p50: round(h.quantile(0.5)), p90: round(h.quantile(0.9)), p99: round(h.quantile(0.99)), max: round(h.max), samples: h.count });

export function summarize(stats: SimStats, collectors: number, elapsedMs: number, connected = collectors, warmup = false): Summary {
  const s = Math.max(elapsedMs, 1) / 1000;
  const summary: Summary = {
    collectors,
    connected,
    connectionsOpen: stats.open,
    elapsedS: round(s),
    uploadsPerS: round(stats.counters.uploads / s, 1),
    framesPerS: round(stats.counters.frames / s, 1),
    ...structuredClone(stats.counters),
    ackLatencyMs: latencySummary(stats.latency),
  };
  if (warmup) summary.ackLatencyAfterWarmupMs = latencySummary(stats.steadyLatency);
  return summary;
}
