/**
 * The common shape of a fault scenario: collectors upload, the fault is injected once enough readings were acked,
 * the load carries on until enough more are acked after the fault ended, the collectors finish what they hold,
 * and then what they were told is reconciled with InfluxDB.
 */
import type { Test } from 'tap';
import { waitFor } from '../../helpers/wait.js';
import type { FaultRow } from './fault-report.js';
import type { FaultStack } from './fault-stack.js';
import { createLoad, type Load, type LoadOptions } from './readings-load.js';
import { reconcile, recoverySeconds, type Reconciliation } from './reconcile.js';

/** DataTime of every collector's first reading in the fault scenarios (2024-06-01 00:00 China time). */
export const BASE_MS = Date.parse('2024-06-01T00:00:00+08:00');

export interface FaultWindow {
  /** When the fault began and when it was cleared (service back, process restarted), epoch ms. */
  start: number;
  end: number;
}

export interface UnderLoadResult {
  load: Load;
  window: FaultWindow;
  rec: Reconciliation;
  recoveryS: number;
}

export interface UnderLoadOptions extends Partial<LoadOptions> {
  collectors: number;
  mnPrefix: string;
  /** Acks before the fault is injected, and after it is cleared before the load stops. */
  ackedBefore?: number;
  ackedAfter?: number;
  /** Bound of each wait, ms. */
  waitMs?: number;
  /** Registers the load's devices (default: plain devices with the load's password). */
  register?: (mns: readonly string[]) => Promise<void>;
}

export async function runUnderLoad(t: Test, stack: FaultStack, o: UnderLoadOptions, inject: (load: Load) => Promise<FaultWindow>): Promise<UnderLoadResult> {
  const load = createLoad({ port: stack.tcpPort, baseMs: BASE_MS, paceMs: 20, ...o });
  t.teardown(() => load.close());
  await (o.register ?? stack.registerDevices)(load.mns);
  await load.start();
  const waitMs = o.waitMs ?? 60_000;
  await waitFor(() => load.count('acked') >= (o.ackedBefore ?? 100), 'acks before the fault', waitMs);
  const window = await inject(load);
  const ackedAtEnd = load.count('acked');
  await waitFor(() => load.count('acked') >= ackedAtEnd + (o.ackedAfter ?? 100), 'acks after the fault', waitMs);
  await load.finish(waitMs * 2);
  const rec = reconcile(load.records, await stack.points(o.cn === '2061' ? 'hour' : 'minute'));
  return { load, window, rec, recoveryS: recoverySeconds(load.records, window.end) };
}

/** The assertions every scenario makes: nothing acked is lost or doubled, and retransmits got the rest stored. */
export function assertNothingLost(t: Test, r: UnderLoadResult): void {
  const { rec, load } = r;
  t.equal(rec.lost, 0, `every acked reading is in InfluxDB${rec.lostSample.length ? `; lost: ${rec.lostSample.join(', ')}` : ''}`);
  t.equal(rec.duplicated, 0, 'no reading is stored twice');
  t.equal(load.count('timeout') + load.count('rejected'), 0, 'every reading was acked in the end (unacked ones retransmitted)');
  t.equal(rec.stored, rec.readings, 'every reading uploaded is stored');
}

/** The report row of a scenario run under load; `recoveryS` when the scenario measures recovery its own way. */
export function faultRow(scenario: string, r: UnderLoadResult, note: string, recoveryS = r.recoveryS): FaultRow {
  return {
    scenario,
    readings: r.rec.readings,
    acked: r.rec.acked,
    stored: r.rec.stored,
    duplicated: r.rec.duplicated,
    lost: r.rec.lost,
    retransmits: r.load.stats.counters.retransmits,
    'fault s': Math.round((r.window.end - r.window.start) / 100) / 10,
    'recovery s': recoveryS,
    note,
  };
}
