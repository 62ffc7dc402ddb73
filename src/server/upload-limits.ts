/**
 * Limits an upload passes before it is written (issue 11 finding 3, series-cardinality bomb):
 * - DataTime within [1 January HJ212_MIN_DATA_YEAR, now + HJ212_MAX_FUTURE_SKEW_S]: a point far in the future (or in
 *   1970) would open an InfluxDB shard of its own and pollute "latest" views; the frame is rejected (9011 QnRtn=2).
 * - At most HJ212_MAX_FACTORS_PER_FRAME readings per frame.
 * - Factor codes: those of the factor table (docs/protocol.md §7), equipment codes SB1..SB99 (HJ212-2017 6.6.3 `SBx-RS`) and the
 *   collector's monitoring items are stored; other codes (1-16 of `A-Za-z0-9_.`, else dropped at once) only within
 *   the collector's budget of HJ212_MAX_UNKNOWN_FACTORS distinct codes (FactorBudget). Readings beyond it are
 *   dropped and counted; the frame is stored with the verdict `stored-partial` and acked (its raw bytes stay in the
 *   archive), the operator sees the codes and the dropped count in `GET /collectors/:mn/status` (`unknownFactors`).
 * Dropped readings are logged as one summary per MN and sweep interval, never one line per frame.
 */
import { lookupFactor, type FactorReading } from '../../protocol/index.js';
import type { StorageLimits } from '../config.js';
import type { Device } from '../domain/device.js';
import type { FactorBudget } from '../domain/ports.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

export type LimitVerdict = 'datatime-future' | 'datatime-too-old';

/** Why a frame's DataTime is refused, or undefined when it is in the window (or absent: the receive time is used). */
export function checkDataTime(dataTimeMs: number | undefined, now: number, limits: Pick<StorageLimits, 'maxFutureSkewMs' | 'minDataTimeMs'>): { verdict: LimitVerdict; detail: string } | undefined {
  if (dataTimeMs === undefined) return undefined;
  if (dataTimeMs > now + limits.maxFutureSkewMs) return { verdict: 'datatime-future', detail: `DataTime ${Math.round((dataTimeMs - now) / 1000)} s ahead of the gateway clock` };
  if (dataTimeMs < limits.minDataTimeMs) return { verdict: 'datatime-too-old', detail: `DataTime before ${new Date(limits.minDataTimeMs).toISOString().slice(0, 10)}` };
  return undefined;
}

const EQUIPMENT = /^SB[1-9]\d?$/;
/** What an unknown code must look like to be considered for the budget at all (others are dropped outright). */
const CODE_SYNTAX = /^[A-Za-z0-9_.]{1,16}$/;

/** A code every collector may use without touching its budget. */
export function isTableFactor(code: string): boolean {
  return lookupFactor(code) !== undefined || EQUIPMENT.test(code);
}

export interface FactorFilterResult {
  kept: FactorReading[];
  /** Readings not stored: over the per-frame cap or with a code over the collector's budget. */
  dropped: number;
  detail?: string;
}

/** ST values (docs/protocol.md §3: 2-3 alphanumerics) kept as the `st` tag per collector; others are stored with `st` empty. */
const MAX_ST_PER_MN = 4;
const ST_SYNTAX = /^[0-9A-Za-z]{2,3}$/;

/** How long a code refused by the budget is refused from memory before asking the store again (items may change). */
const REFUSED_TTL_MS = 30_000;
/** MNs whose dropped readings wait for the next summary; more are counted only in the metric. */
const MAX_SUMMARY_MNS = 1000;

export class FactorGate {
  /** Per MN: unknown codes the budget admitted (admitted codes are never taken back) and refused ones until a time. */
  private readonly admitted = new Map<string, Set<string>>();
  private readonly refused = new Map<string, Map<string, number>>();
  private summary = new Map<string, { readings: number; codes: Set<string> }>();
  private readonly stValues = new Map<string, Set<string>>();

  constructor(
    private readonly budget: FactorBudget,
    private readonly limits: StorageLimits,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  /**
   * The readings of a frame that the limits keep. Synchronous (no promise on the per-frame path) unless an unknown
   * factor code must be put to the budget store first.
   */
  filter(device: Device, factors: FactorReading[], now: number): FactorFilterResult | Promise<FactorFilterResult> {
    let readings = factors;
    let overFrame = 0;
    if (readings.length > this.limits.maxFactorsPerFrame) {
      overFrame = readings.length - this.limits.maxFactorsPerFrame;
      readings = readings.slice(0, this.limits.maxFactorsPerFrame);
      this.metrics.limited.inc({ limit: 'factors-per-frame' }, overFrame);
    }
    const admitted = this.admitted.get(device.mn);
    const refused = this.refused.get(device.mn);
    let ask: string[] | undefined;
    let allKnown = true;
    for (const r of readings) {
      if (isTableFactor(r.code) || admitted?.has(r.code)) continue;
      allKnown = false;
      if (!CODE_SYNTAX.test(r.code) || (refused?.get(r.code) ?? 0) > now) continue;
      (ask ??= []).push(r.code);
    }
    // The common frame: every code in the table or admitted before, nothing cut. Kept as it is, without a second pass.
    if (allKnown && overFrame === 0) return { kept: readings, dropped: 0 };
    if (ask) return this.ask(device, ask, now).then(() => this.keep(device, readings, overFrame));
    return this.keep(device, readings, overFrame);
  }

  private keep(device: Device, readings: FactorReading[], overFrame: number): FactorFilterResult {
    const known = this.admitted.get(device.mn);
    const kept: FactorReading[] = [];
    const droppedCodes: string[] = [];
    for (const r of readings) {
      if (isTableFactor(r.code) || known?.has(r.code)) kept.push(r);
      else droppedCodes.push(r.code);
    }
    const overBudget = droppedCodes.length;
    if (overBudget > 0) {
      this.metrics.limited.inc({ limit: 'unknown-factor' }, overBudget);
      this.note(device.mn, droppedCodes, overBudget);
      this.budget.dropped(device.mn, overBudget).catch((err) => this.logger.warn({ err }, 'unknown-factor count failed'));
    }
    const dropped = overFrame + overBudget;
    if (dropped === 0) return { kept, dropped };
    const parts: string[] = [];
    if (overFrame > 0) parts.push(`${overFrame} readings over ${this.limits.maxFactorsPerFrame} per frame`);
    if (overBudget > 0) parts.push(`${overBudget} readings of unknown factor codes over the budget of ${this.limits.maxUnknownFactors}`);
    return { kept, dropped, detail: `dropped ${parts.join(', ')}` };
  }

  /**
   * The `st` tag of a collector's points: its ST when well-formed and one of the first {@link MAX_ST_PER_MN} it used
   * (per gateway process), else '' — a collector cycling ST values must not multiply its series.
   */
  stTag(mn: string, st: string | undefined): string {
    if (st === undefined || st === '') return '';
    let seen = this.stValues.get(mn);
    if (seen?.has(st)) return st;
    if (ST_SYNTAX.test(st) && (seen?.size ?? 0) < MAX_ST_PER_MN) {
      if (!seen) this.stValues.set(mn, (seen = new Set()));
      seen.add(st);
      return st;
    }
    this.metrics.limited.inc({ limit: 'st-values' });
    return '';
  }

  /** One log line for all readings dropped since the last call (called from the gateway's sweep). */
  summarise(): void {
    if (this.summary.size === 0) return;
    const byMn = [...this.summary].map(([mn, s]) => ({ mn, readings: s.readings, codes: [...s.codes].slice(0, 10) }));
    this.summary = new Map();
    this.logger.warn({ collectors: byMn.length, dropped: byMn.slice(0, 20) }, 'readings dropped by the factor limits');
  }

  private async ask(device: Device, codes: string[], now: number): Promise<void> {
    let granted: Set<string>;
    try {
      granted = await this.budget.admit(device, [...new Set(codes)]);
    } catch (err) {
      // Store unavailable: refuse unknown codes for now (known factors are still stored, the raw frame archived).
      this.logger.warn({ err, mn: device.mn }, 'factor budget unavailable');
      granted = new Set();
    }
    let admitted = this.admitted.get(device.mn);
    if (!admitted) this.admitted.set(device.mn, (admitted = new Set()));
    let refused = this.refused.get(device.mn);
    for (const code of codes) {
      if (granted.has(code)) {
        admitted.add(code);
        refused?.delete(code);
      } else {
        if (!refused) this.refused.set(device.mn, (refused = new Map()));
        // Bounded: at most the codes of a few frames within REFUSED_TTL_MS; stale entries go on the next refusal.
        if (refused.size > 4 * this.limits.maxFactorsPerFrame) for (const [c, until] of refused) if (until <= now) refused.delete(c);
        if (refused.size <= 4 * this.limits.maxFactorsPerFrame) refused.set(code, now + REFUSED_TTL_MS);
      }
    }
  }

  private note(mn: string, codes: string[], readings: number): void {
    let s = this.summary.get(mn);
    if (!s) {
      if (this.summary.size >= MAX_SUMMARY_MNS) return;
      this.summary.set(mn, (s = { readings: 0, codes: new Set() }));
    }
    s.readings += readings;
    for (const code of codes) if (s.codes.size < 10) s.codes.add(code);
  }
}
