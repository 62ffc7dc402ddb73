/**
 * Scenario files (YAML or JSON): everything a run needs, validated with zod so a typo fails before any socket
 * opens. Command-line flags override file values (see src/cli/hj212-sim.ts); docs/simulator.md lists the keys.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { FAULT_NAMES, noFaults, type FaultRates } from './faults.js';

const rate = z.number().min(0).max(1);
const faultShape = Object.fromEntries(FAULT_NAMES.map((n) => [n, rate.optional()])) as Record<(typeof FAULT_NAMES)[number], z.ZodOptional<typeof rate>>;

export const scenarioSchema = z
  .object({
    /** Gateway address. Only loopback unless allowRemote. */
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(1).max(65535).default(5003),
    allowRemote: z.boolean().default(false),
    /** Spread connections over this many loopback source addresses 127.0.0.1..N (ports per address are limited). */
    localAddresses: z.number().int().min(1).max(250).default(1),
    collectors: z.number().int().min(1).default(1),
    version: z.enum(['2005', '2017', '2025']).default('2017'),
    profile: z.enum(['water', 'air']).default('water'),
    password: z.string().min(1).default('123456'),
    mnPrefix: z.string().regex(/^[0-9A-Za-z]{1,10}$/).default('SIM'),
    /** MNs to use (from --mn-file); generated when absent. */
    mns: z.array(z.string().regex(/^[0-9A-Za-z]+$/)).optional(),
    schedule: z
      .object({ realtimeS: z.number().min(0).default(30), minuteMin: z.number().int().min(0).max(60).default(10), hour: z.boolean().default(true), day: z.boolean().default(true) })
      .strict()
      .default({ realtimeS: 30, minuteMin: 10, hour: true, day: true }),
    ack: z.boolean().default(false),
    overTimeS: z.number().positive().default(5),
    reCount: z.number().int().min(0).default(3),
    window: z.number().int().min(1).default(1),
    /** Simulated seconds to run; with count, whichever ends first. */
    durationS: z.number().positive().optional(),
    /** Scheduled uploads per collector. */
    count: z.number().int().positive().optional(),
    /** Simulated-time speed: 1 real time, k times faster, 'max' virtual (as fast as acks allow). */
    speed: z.union([z.number().positive(), z.literal('max')]).default(1),
    /** Simulated start time (ISO 8601); default now. */
    start: z.string().datetime({ offset: true }).optional(),
    timeZone: z.string().default('Asia/Shanghai'),
    /** Seconds over which connections are opened. */
    rampS: z.number().min(0).default(0),
    /**
     * Seconds after every connection is open during which uploads are sent before the steady state: their acks
     * count in the run's latency but not in the latency after warm-up (a cold gateway, the fleet's first frames).
     */
    warmupS: z.number().min(0).default(0),
    reconnectMs: z.number().int().positive().default(1000),
    seed: z.number().int().default(1),
    values: z.object({ breachRate: rate.optional(), flagRate: rate.optional() }).strict().default({}),
    faults: z.object(faultShape).strict().default({}),
    /** Largest clock skew of clockSkew collectors, seconds. */
    skewS: z.number().min(0).default(300),
    /** Reconnect storms: at `atS` real seconds into the run, `fraction` of the fleet drops its connection at once. */
    storms: z.array(z.object({ atS: z.number().min(0), fraction: rate.default(1) }).strict()).default([]),
    /** Progress line interval on stderr, seconds (0 = none). */
    progressS: z.number().min(0).default(5),
  })
  .strict()
  .refine((s) => s.durationS !== undefined || s.count !== undefined, { message: 'a run needs durationS or count (bounded runs only)' });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;

/** Validates a scenario object; throws an Error listing every problem with its path. */
export function parseScenario(input: unknown): Scenario {
  const r = scenarioSchema.safeParse(input);
  if (!r.success) throw new Error(`invalid scenario:\n${r.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`);
  return r.data;
}

/** Reads a YAML (.yaml/.yml) or JSON scenario file as a plain object (validated later, after flags are merged). */
export async function readScenarioFile(path: string): Promise<Record<string, unknown>> {
  const text = await readFile(path, 'utf8');
  const data: unknown = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error(`${path}: a scenario must be a mapping`);
  return data as Record<string, unknown>;
}

/** The scenario's fault rates with every unnamed fault at 0. */
export function faultRates(s: Scenario): FaultRates {
  return { ...noFaults(), ...Object.fromEntries(Object.entries(s.faults).filter(([, v]) => v !== undefined)) };
}

/** True for addresses that stay on this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
