/**
 * What an attack costs the platform, sampled while it runs beside legitimate collectors: gateway RSS, Redis
 * `used_memory` (and key count), and the bytes the gateway's log grew by. The bounds every hostile scenario asserts
 * are stated here once, together with safety ceilings that stop an attack early when an unbounded gateway would
 * otherwise take this (shared) machine's memory down with it; a tripped ceiling fails the bound it guards.
 */
import type { Test } from 'tap';
import { DATABASE, type FaultStack } from './fault-stack.js';
import { reportHostile, type HostileRow } from './fault-report.js';
import { waitFor } from '../../helpers/wait.js';
import { createLoad, type Load } from './readings-load.js';
import { acksBetween, reconcile, recoverySeconds } from './reconcile.js';
import { assertNothingLost, BASE_MS, type UnderLoadOptions, type UnderLoadResult } from './under-load.js';

const MB = 1024 * 1024;

/** The bounds of the hostile section (README "Fault suite", benchmarks/README.md "hostile"). */
export const BOUNDS = {
  /** Gateway RSS growth over its value when the attack began. */
  rssGrowthBytes: 160 * MB,
  /** Redis `used_memory` growth over its value when the attack began (legitimate collectors included). */
  redisGrowthBytes: 64 * MB,
  /** Log growth (level info) from the attack's start to the end of the scenario. */
  logBytes: 1 * MB,
} as const;

/** Safety ceilings: past them the attack stops at once (and the bound above fails). */
const CEILING = { rssBytes: 1536 * MB, redisGrowthBytes: 512 * MB } as const;

/**
 * Added to every hostile gateway's environment: a heap cap far above any bound, so an unbounded gateway dies of it
 * (and fails "stayed up") at ~1 GB instead of taking the machine's memory first (unfixed, a framing flood took the
 * gateway from 175 MB to 4.4 GB within a second of the attack's end, faster than any sampling can stop it).
 */
export const SAFETY_ENV = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=1024`.trim() };

/** Attack length of most scenarios (the brute force runs longer to measure a rate): `HJ212_FAULT_HOSTILE_S`. */
export const ATTACK_MS = Number(process.env.HJ212_FAULT_HOSTILE_S ?? 10) * 1000;

export interface Figures {
  rssBefore: number;
  rssPeak: number;
  redisBefore: number;
  redisPeak: number;
  keysBefore: number;
  keysAfter: number;
  logBytes: number;
  /** Why the attack was stopped early, if a ceiling tripped. */
  tripped?: string;
  gatewayExited: boolean;
}

async function usedMemory(stack: FaultStack): Promise<number> {
  const info = await stack.redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

export interface Watch {
  /** True once a safety ceiling tripped: attacks poll it and stop. */
  tripped(): boolean;
  stop(): Promise<Figures>;
}

export async function startWatch(stack: FaultStack): Promise<Watch> {
  const gw = stack.gateway;
  const f: Figures = {
    rssBefore: gw.rss(),
    rssPeak: 0,
    redisBefore: await usedMemory(stack),
    redisPeak: 0,
    keysBefore: await stack.redis.dbsize(),
    keysAfter: 0,
    logBytes: 0,
    gatewayExited: false,
  };
  f.rssPeak = f.rssBefore;
  f.redisPeak = f.redisBefore;
  const logBefore = gw.logBytes();
  let busy = false;
  const sample = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      if (!gw.exited) f.rssPeak = Math.max(f.rssPeak, gw.rss());
      f.redisPeak = Math.max(f.redisPeak, await usedMemory(stack));
    } catch {
      // the gateway exited between the check and /proc, or Redis is busy: the next sample tries again
    } finally {
      busy = false;
    }
    if (f.tripped) return;
    if (gw.exited) f.tripped = 'the gateway exited';
    else if (f.rssPeak > CEILING.rssBytes) f.tripped = `gateway RSS over the ${CEILING.rssBytes / MB} MB safety ceiling`;
    else if (f.redisPeak - f.redisBefore > CEILING.redisGrowthBytes) f.tripped = `Redis growth over the ${CEILING.redisGrowthBytes / MB} MB safety ceiling`;
  };
  const timer = setInterval(() => void sample(), 100);
  return {
    tripped: () => f.tripped !== undefined,
    async stop() {
      clearInterval(timer);
      await sample();
      f.keysAfter = await stack.redis.dbsize();
      f.logBytes = gw.logBytes() - logBefore;
      f.gatewayExited = gw.exited;
      return f;
    },
  };
}

export interface HostileOutcome {
  attack: string;
  figures: Figures;
  result: UnderLoadResult;
  /** Legitimate acks received while the attack ran. */
  acksDuringAttack: number;
  attackS: number;
}

export interface AttackLoadOptions extends UnderLoadOptions {
  /** The row's name in the hostile table (also reported when the run fails midway, e.g. the gateway died). */
  attack: string;
  /**
   * What the waits before and after the attack count: acks by default; readings decided (acked, rejected or given
   * up after ReCount) where an unfixed gateway would refuse the collectors' readings, so it fails in bounded time.
   */
  progress?: (load: Load) => number;
}

/**
 * Collectors upload; once they have acks, the watch starts and `attack` runs; the collectors carry on until they
 * have more acks after it, finish what they hold, and are reconciled with InfluxDB (under-load.ts, with waits that
 * give up at once when the gateway died). The figures cover the attack and everything until the collectors
 * finished, so log summaries written after the attack count too.
 */
export async function underAttack(t: Test, stack: FaultStack, o: AttackLoadOptions, attack: (watch: Watch, load: Load) => Promise<void>): Promise<HostileOutcome> {
  // A previous scenario of the file may have killed it (the "before" runs against an unfixed gateway).
  if (stack.gateway.exited) await stack.startGateway();
  const load = createLoad({ port: stack.tcpPort, baseMs: BASE_MS, paceMs: 20, ...o });
  t.teardown(() => load.close());
  await (o.register ?? stack.registerDevices)(load.mns);
  await load.start();
  const waitMs = o.waitMs ?? 60_000;
  const progress = o.progress ?? ((l: Load) => l.count('acked'));
  const until = (n: number, what: string): Promise<void> =>
    waitFor(() => {
      if (stack.gateway.exited) throw new Error(`the gateway died (waiting for ${what})`);
      return progress(load) >= n;
    }, what, waitMs);
  await until(o.ackedBefore ?? 50, 'acks before the attack');
  const watch = await startWatch(stack);
  const start = Date.now();
  let end = 0;
  try {
    await attack(watch, load);
    end = Date.now();
    await until(progress(load) + (o.ackedAfter ?? 50), 'acks after the attack');
    await load.finish(waitMs * 2);
    const figures = await watch.stop();
    const rec = reconcile(load.records, await stack.points(o.cn === '2061' ? 'hour' : 'minute'));
    const result: UnderLoadResult = { load, window: { start, end }, rec, recoveryS: recoverySeconds(load.records, end) };
    return { attack: o.attack, figures, result, acksDuringAttack: acksBetween(load.records, start, end), attackS: Math.round((end - start) / 100) / 10 };
  } catch (err) {
    // A run that failed midway (e.g. the gateway died) still gets its row: those are the figures of a gateway
    // without the limits. Readings still in flight count as neither acked nor lost.
    end ||= Date.now();
    const figures = await watch.stop();
    await load.close();
    const rec = reconcile(load.records, await stack.points(o.cn === '2061' ? 'hour' : 'minute').catch(() => new Map<string, number>()));
    const failed: HostileOutcome = { attack: o.attack, figures, result: { load, window: { start, end }, rec, recoveryS: 0 }, acksDuringAttack: acksBetween(load.records, start, end), attackS: Math.round((end - start) / 100) / 10 };
    await reportHostile(hostileRow(failed, `FAILED: ${err instanceof Error ? err.message : String(err)}`));
    throw err;
  }
}

/** The bounds every hostile scenario asserts: alive, memory and log bounded, legitimate collectors unharmed. */
export function assertBounded(t: Test, o: HostileOutcome): void {
  const f = o.figures;
  t.notOk(f.gatewayExited, 'the gateway stayed up');
  t.notOk(f.tripped, `no safety ceiling tripped${f.tripped ? ` (${f.tripped})` : ''}`);
  t.ok(f.rssPeak - f.rssBefore <= BOUNDS.rssGrowthBytes, `gateway RSS grew ≤ ${BOUNDS.rssGrowthBytes / MB} MB (${mb(f.rssBefore)} → peak ${mb(f.rssPeak)} MB)`);
  t.ok(f.redisPeak - f.redisBefore <= BOUNDS.redisGrowthBytes, `Redis used_memory grew ≤ ${BOUNDS.redisGrowthBytes / MB} MB (+${mb(f.redisPeak - f.redisBefore)} MB)`);
  t.ok(f.logBytes <= BOUNDS.logBytes, `the gateway log grew ≤ ${BOUNDS.logBytes / MB} MB (${f.logBytes} bytes)`);
  t.ok(o.acksDuringAttack > 0, `legitimate collectors were acked during the attack (${o.acksDuringAttack} acks)`);
  assertNothingLost(t, o.result);
}

export function mb(bytes: number): number {
  return Math.round((bytes / MB) * 10) / 10;
}

export function hostileRow(o: HostileOutcome, note: string): HostileRow {
  const f = o.figures;
  return {
    attack: o.attack,
    'duration s': o.attackS,
    'peak RSS MB': mb(f.rssPeak),
    'Redis growth MB': mb(f.redisPeak - f.redisBefore),
    'log bytes': f.logBytes,
    'legitimate acks': o.result.rec.acked,
    lost: o.result.rec.lost,
    note: `${note}; RSS before ${mb(f.rssBefore)} MB; keys ${f.keysBefore} → ${f.keysAfter}${f.tripped ? `; STOPPED: ${f.tripped}` : ''}`,
  };
}

interface InfluxAnswer {
  results?: Array<{ error?: string; series?: Array<{ name?: string; columns?: string[]; values?: unknown[][] }> }>;
  error?: string;
}

/** Rows of an InfluxQL statement on the scenario's database: one `{ measurement, row }` per value row. */
export async function influxRows(stack: FaultStack, q: string): Promise<Array<{ measurement: string; row: unknown[] }>> {
  const res = await fetch(`${stack.services.influxUrl}/query?db=${DATABASE}&q=${encodeURIComponent(q)}`);
  const body = (await res.json()) as InfluxAnswer;
  const error = body.error ?? body.results?.find((r) => r.error)?.error;
  if (!res.ok || error) throw new Error(`InfluxDB query failed (${res.status}): ${error ?? ''}`);
  return (body.results?.[0]?.series ?? []).flatMap((s) => (s.values ?? []).map((row) => ({ measurement: s.name ?? '', row })));
}
