/**
 * A fleet of simulated collectors run from a scenario: identities, staggered connects, schedules, storms, progress
 * snapshots and the final summary. One process holds up to what its open-file cap allows; larger fleets are split
 * over processes (benchmarks do that).
 */
import { createSimClock } from './clock.js';
import { Collector } from './collector.js';
import { createIdentities, type CollectorIdentity } from './identity.js';
import { faultRates, isLoopback, type Scenario } from './scenario.js';
import { SimStats, summarize, type Summary } from './stats.js';

/** A progress snapshot: totals so far and rates over the last interval. */
export interface Progress {
  elapsedS: number;
  uploadsPerS: number;
  acked: number;
  rejected: number;
  timeouts: number;
  errors: number;
  open: number;
  p50: number;
  p99: number;
}

export interface Fleet {
  readonly identities: readonly CollectorIdentity[];
  readonly collectors: readonly Collector[];
  readonly stats: SimStats;
  /** Opens every connection (spread over rampS) and runs the schedules to the scenario's end. */
  run(onProgress?: (p: Progress) => void): Promise<Summary>;
  /** Ends the run early: collectors stop, connections close. */
  stop(): Promise<void>;
}

/** Concurrent connection attempts while ramping up; more only fills the listen backlog. */
const CONNECT_CONCURRENCY = 256;

export function createFleet(s: Scenario): Fleet {
  if (!s.allowRemote && !isLoopback(s.host)) throw new Error(`refusing non-loopback target ${s.host}: pass --allow-remote (allowRemote: true) to load a remote gateway`);
  const faults = faultRates(s);
  const identities = createIdentities({ count: s.collectors, version: s.version, profile: s.profile, password: s.password, mns: s.mns, mnPrefix: s.mnPrefix, faults, skewS: s.skewS, seed: s.seed });
  const stats = new SimStats();
  const startMs = s.start ? Date.parse(s.start) : Date.now();
  const clock = createSimClock(startMs, s.speed === 'max' ? Infinity : s.speed);
  const period = Math.max(1, s.schedule.realtimeS) * 1000;
  const collectors = identities.map(
    (identity, i) =>
      new Collector({
        identity,
        host: s.host,
        port: s.port,
        localAddress: s.localAddresses > 1 && isLoopback(s.host) && s.host !== '::1' ? `127.0.0.${1 + (i % s.localAddresses)}` : undefined,
        schedule: s.schedule,
        ack: s.ack,
        overTimeMs: s.overTimeS * 1000,
        reCount: s.reCount,
        window: s.window,
        faults,
        clock,
        stats,
        timeZone: s.timeZone,
        seed: s.seed + i,
        values: s.values,
        reconnectMs: s.reconnectMs,
        phaseMs: Math.floor((i / s.collectors) * period),
      }),
  );
  const timers: NodeJS.Timeout[] = [];
  let stopping = false;

  async function connectAll(): Promise<void> {
    const gap = (s.rampS * 1000) / Math.max(1, collectors.length);
    let next = 0;
    const started = Date.now();
    const worker = async (): Promise<void> => {
      while (next < collectors.length && !stopping) {
        const i = next++;
        const due = started + i * gap - Date.now();
        if (due > 0) await new Promise((r) => setTimeout(r, due));
        await collectors[i]!.connect();
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, collectors.length) }, worker));
  }

  function startStorms(): void {
    for (const storm of s.storms) {
      timers.push(
        setTimeout(() => {
          const n = Math.round(storm.fraction * collectors.length);
          stats.fault('storm');
          for (const c of collectors.slice(0, n)) c.drop();
        }, storm.atS * 1000),
      );
    }
  }

  function progressReporter(began: number, onProgress: (p: Progress) => void): NodeJS.Timeout {
    let lastUploads = 0;
    let lastAt = began;
    return setInterval(() => {
      const now = Date.now();
      const c = stats.counters;
      onProgress({
        elapsedS: Math.round((now - began) / 100) / 10,
        uploadsPerS: Math.round(((c.uploads - lastUploads) * 1000) / Math.max(1, now - lastAt)),
        acked: c.acked,
        rejected: c.rejected,
        timeouts: c.timeouts,
        errors: c.errors,
        open: stats.open,
        p50: Math.round(stats.latency.quantile(0.5) * 10) / 10,
        p99: Math.round(stats.latency.quantile(0.99) * 10) / 10,
      });
      lastUploads = c.uploads;
      lastAt = now;
    }, s.progressS * 1000);
  }

  const fleet: Fleet = {
    identities,
    collectors,
    stats,
    async run(onProgress) {
      const began = Date.now();
      const progress = onProgress && s.progressS > 0 ? progressReporter(began, onProgress) : undefined;
      try {
        await connectAll();
        // The schedules start now: simulated time restarts at the scenario's start (nothing fell due while connecting).
        clock.begin();
        if (s.warmupS > 0) stats.steadyFrom = performance.now() + s.warmupS * 1000;
        startStorms();
        const endAt = s.durationS === undefined ? undefined : startMs + s.durationS * 1000;
        await Promise.all(collectors.map((c) => c.run({ count: s.count, endAt })));
        // Admitted: the gateway answered (acks, requests), or with acks off the connection is still open.
        const connected = collectors.filter((c) => c.heard || (!s.ack && c.online)).length;
        const summary = summarize(stats, collectors.length, Date.now() - began, connected, s.warmupS > 0);
        await fleet.stop();
        return summary;
      } finally {
        clearInterval(progress);
      }
    },
    async stop() {
      stopping = true;
      for (const t of timers) clearTimeout(t);
      await Promise.all(collectors.map((c) => c.stop()));
    },
  };
  return fleet;
}
