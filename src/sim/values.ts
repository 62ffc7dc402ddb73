/**
 * Realistic values as a pure function of (collector seed, factor, time): a bounded random walk built from
 * interpolated noise at three time scales (hour, 10 min, 1 min), with occasional limit breaches and non-normal data
 * flags. Being random-access, a collector answers a history request for any past interval with the same numbers it
 * uploaded (or would have uploaded) then, without keeping them.
 */
import type { ReadingInput } from '../../protocol/index.js';
import { O2_CODE, REFERENCE_O2, type FactorSpec } from './profiles.js';
import { hashString, noise } from './rng.js';

/** How often values leave the normal picture. Rates are probabilities per 10-minute span (breach) or per value (flag). */
export interface ValueOptions {
  /** Probability that a 10-minute span of a limited factor goes above its limit. Default 0.02. */
  breachRate?: number;
  /** Probability that a value carries a non-normal data flag (M, C, D, F…). Default 0.005. */
  flagRate?: number;
}

const MINUTE = 60_000;
/** Time scales of the walk and their weights: slow drift dominates, minute-level jitter is small. */
const SCALES: ReadonlyArray<readonly [number, number]> = [
  [60 * MINUTE, 0.6],
  [10 * MINUTE, 0.3],
  [MINUTE, 0.1],
];
/** Non-normal data flags of HJ212-2017 6.6.4 drawn when a value is flagged. */
const ODD_FLAGS = ['M', 'C', 'D', 'F', 'S', 'B'] as const;
/** Samples per interval when aggregating min/avg/max: enough for a plausible spread, cheap enough for 10k collectors. */
const SAMPLES_PER_INTERVAL = 12;
const FLOW_CODES = new Set(['w00000', 'a00000']);

/** Smooth interpolation of the noise sequence `seed` at scale `span`. */
function smoothNoise(seed: number, t: number, span: number): number {
  const k = Math.floor(t / span);
  const f = (t - k * span) / span;
  const s = f * f * (3 - 2 * f);
  return noise(seed, k) * (1 - s) + noise(seed, k + 1) * s;
}

/** Numbers, aggregates and flags for one collector's factors. */
export interface ValueModel {
  /** The value of `spec` at instant `t` (epoch ms). */
  valueAt(spec: FactorSpec, t: number): number;
  /** Readings of a realtime upload (2011) at `t`: Rtd, ZsRtd where applicable, Flag. */
  realtime(t: number): ReadingInput[];
  /** Readings of an interval upload (2051/2061/2031) starting at `start`: Min/Avg/Max, Zs*, Cou, Flag. */
  interval(start: number, lengthMs: number): ReadingInput[];
}

/** A value model for the factors `specs` of the collector identified by `key` (its MN). */
export function createValueModel(key: string, specs: readonly FactorSpec[], opts: ValueOptions = {}): ValueModel {
  const breachRate = opts.breachRate ?? 0.02;
  const flagRate = opts.flagRate ?? 0.005;
  const base = hashString(key);
  const seeds = new Map(specs.map((s) => [s.code, hashString(s.code, base)]));
  const o2 = specs.find((s) => s.code === O2_CODE);
  const flow = specs.find((s) => FLOW_CODES.has(s.code));

  const valueAt = (spec: FactorSpec, t: number): number => {
    const seed = seeds.get(spec.code) ?? base;
    let u = 0;
    for (const [span, weight] of SCALES) u += weight * smoothNoise(seed + span, t, span);
    let v = spec.min + (spec.max - spec.min) * u;
    if (spec.limit !== undefined && noise(seed ^ 0x5bd1e995, Math.floor(t / (10 * MINUTE))) < breachRate) {
      v = spec.limit * (1.05 + 0.25 * noise(seed, Math.floor(t / MINUTE)));
    }
    return v;
  };
  const zsFactor = (t: number): number => (o2 ? (21 - REFERENCE_O2) / (21 - valueAt(o2, t)) : 1);
  const flagAt = (spec: FactorSpec, t: number): string => {
    const seed = (seeds.get(spec.code) ?? base) ^ 0x27d4eb2d;
    if (noise(seed, Math.floor(t / 1000)) >= flagRate) return 'N';
    return ODD_FLAGS[Math.floor(noise(seed + 1, Math.floor(t / 1000)) * ODD_FLAGS.length)] ?? 'N';
  };

  return {
    valueAt,
    realtime(t) {
      return specs.map((spec) => {
        const v = valueAt(spec, t);
        const r: ReadingInput = { code: spec.code, rtd: v.toFixed(spec.decimals), flag: flagAt(spec, t) };
        if (spec.zs) r.zsRtd = (v * zsFactor(t)).toFixed(spec.decimals);
        return r;
      });
    },
    interval(start, lengthMs) {
      const step = lengthMs / SAMPLES_PER_INTERVAL;
      const seconds = lengthMs / 1000;
      const flowAvg = flow ? aggregate(flow, start, step, valueAt).avg : 0;
      return specs.map((spec) => {
        const a = aggregate(spec, start, step, valueAt);
        const zs = spec.zs ? zsFactor(start + lengthMs / 2) : 1;
        const r: ReadingInput = { code: spec.code, min: a.min.toFixed(spec.decimals), avg: a.avg.toFixed(spec.decimals), max: a.max.toFixed(spec.decimals), flag: flagAt(spec, start) };
        if (spec.zs) Object.assign(r, { zsMin: (a.min * zs).toFixed(spec.decimals), zsAvg: (a.avg * zs).toFixed(spec.decimals), zsMax: (a.max * zs).toFixed(spec.decimals) });
        if (spec.cou) r.cou = cumulative(spec, a.avg, flowAvg, seconds).toFixed(3);
        return r;
      });
    },
  };
}

function aggregate(spec: FactorSpec, start: number, step: number, valueAt: ValueModel['valueAt']): { min: number; avg: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < SAMPLES_PER_INTERVAL; i++) {
    const v = valueAt(spec, start + i * step);
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  return { min, avg: sum / SAMPLES_PER_INTERVAL, max };
}

/**
 * `-Cou` over the interval: volume for a flow (water L/s → m3, flue gas m3/s → m3), emitted mass in kg for a
 * concentration (water mg/L × m3 / 1000, flue gas mg/m3 × m3 / 1e6).
 */
function cumulative(spec: FactorSpec, avg: number, flowAvg: number, seconds: number): number {
  if (spec.code === 'w00000') return (avg * seconds) / 1000;
  if (spec.code === 'a00000') return avg * seconds;
  if (spec.code.startsWith('w')) return (avg * ((flowAvg * seconds) / 1000)) / 1000;
  return (avg * flowAvg * seconds) / 1e6;
}
