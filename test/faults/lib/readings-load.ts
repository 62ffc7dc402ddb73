/**
 * Load with a known set of readings: simulated collectors (src/sim Collector: real sockets, OverTime/ReCount
 * retransmits, reconnects after drops) each upload interval data for consecutive DataTimes, one upload at a time,
 * until told to stop. Every reading is recorded with its outcome (acked by 9014, rejected by 9011, or timed out
 * after ReCount retransmits), so a scenario can compare what collectors were told with what InfluxDB holds.
 */
import type { Packet } from '../../../protocol/index.js';
import { createSimClock } from '../../../src/sim/clock.js';
import { Collector } from '../../../src/sim/collector.js';
import { noFaults } from '../../../src/sim/faults.js';
import { createIdentities } from '../../../src/sim/identity.js';
import type { Outcome } from '../../../src/sim/pending.js';
import { SimStats } from '../../../src/sim/stats.js';

export const TIME_ZONE = 'Asia/Shanghai';
export const PASSWORD = '654321';

export interface ReadingRecord {
  mn: string;
  /** DataTime, epoch ms. */
  dataTimeMs: number;
  /** Factors in the upload (InfluxDB holds one point per factor). */
  factors: number;
  sentAt: number;
  outcome?: Outcome;
  doneAt?: number;
}

export interface LoadOptions {
  port: number;
  collectors: number;
  mnPrefix: string;
  /** Upload CN: 2051 minute data by default (measurement `minute`). */
  cn?: '2051' | '2061';
  /** DataTime of each collector's first reading; the next ones follow at the CN's period. */
  baseMs: number;
  /** Pause between one reading's outcome and the next upload, ms (the load's pace, not a synchronisation). */
  paceMs?: number;
  /** HJ212-2017 OverTime / ReCount of the simulated collectors. */
  overTimeMs?: number;
  reCount?: number;
  reconnectMs?: number;
  /** Value model: share of readings above the emission limit. */
  breachRate?: number;
  /** Factor profile of the collectors (src/sim/profiles.ts): wastewater by default, `air` for flue-gas factors. */
  profile?: 'water' | 'air';
}

export interface Load {
  readonly mns: readonly string[];
  readonly records: readonly ReadingRecord[];
  readonly stats: SimStats;
  /** Connects every collector and starts uploading. */
  start(): Promise<void>;
  /**
   * Collectors finish the reading in hand (however long its retransmits take) and upload no more; rejects after
   * `timeoutMs` (a failure bound).
   */
  finish(timeoutMs?: number): Promise<void>;
  /** Closes every connection at once (test teardown). */
  close(): Promise<void>;
  count(outcome: Outcome): number;
}

const PERIOD_MS: Readonly<Record<string, number>> = { '2051': 60_000, '2061': 3_600_000 };
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Factor codes of an upload's CP (`w01018-Avg` … → w01018). */
function factorCount(p: Packet): number {
  return new Set(Object.keys(p.cp).filter((k) => k.includes('-')).map((k) => k.slice(0, k.indexOf('-')))).size;
}

export function createLoad(o: LoadOptions): Load {
  const cn = o.cn ?? '2051';
  const period = PERIOD_MS[cn] ?? 60_000;
  const stats = new SimStats();
  const identities = createIdentities({ count: o.collectors, version: '2017', profile: o.profile ?? 'water', password: PASSWORD, mnPrefix: o.mnPrefix, faults: noFaults(), skewS: 0, seed: 7 });
  const clock = createSimClock(o.baseMs, 1);
  const collectors = identities.map(
    (identity, i) =>
      new Collector({
        identity,
        host: '127.0.0.1',
        port: o.port,
        schedule: { realtimeS: 0, minuteMin: 1, hour: false, day: false },
        ack: true,
        overTimeMs: o.overTimeMs ?? 2_000,
        reCount: o.reCount ?? 1_000,
        window: 1,
        faults: noFaults(),
        clock,
        stats,
        timeZone: TIME_ZONE,
        seed: 11 + i,
        values: { breachRate: o.breachRate ?? 0 },
        reconnectMs: o.reconnectMs ?? 200,
        phaseMs: 0,
      }),
  );
  const records: ReadingRecord[] = [];
  let sending = true;
  const loops: Array<Promise<void>> = [];

  async function upload(c: Collector, index: number): Promise<void> {
    const dataTimeMs = o.baseMs + index * period;
    const packet = c.builder.upload({ cn, dataTime: dataTimeMs, lengthMs: period }, c.nextQn(dataTimeMs), true);
    const record: ReadingRecord = { mn: c.id.mn, dataTimeMs, factors: factorCount(packet), sentAt: Date.now() };
    records.push(record);
    const [outcome] = await c.sendUploads([packet], {});
    record.outcome = outcome;
    record.doneAt = Date.now();
  }

  async function loop(c: Collector): Promise<void> {
    for (let i = 0; sending && !c.stopped; i++) {
      await upload(c, i);
      if (o.paceMs) await pause(o.paceMs);
    }
  }

  return {
    mns: identities.map((id) => id.mn),
    records,
    stats,
    async start() {
      await Promise.all(collectors.map((c) => c.connect()));
      for (const c of collectors) loops.push(loop(c));
    },
    async finish(timeoutMs = 120_000) {
      sending = false;
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`readings still unacknowledged after ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([Promise.all(loops), bound]);
      } finally {
        clearTimeout(timer);
      }
      await Promise.all(collectors.map((c) => c.stop()));
    },
    async close() {
      sending = false;
      await Promise.all(collectors.map((c) => c.stop()));
    },
    count: (outcome) => records.filter((r) => r.outcome === outcome).length,
  };
}
