/**
 * Monthly operation ledger (运行台账): per site / point / item / data kind and local month, the expected and received
 * periods, the gaps and anomalies by state, the periods covered by accepted registrations and the rates. Computed
 * from the readings and the ledger (never incrementally), so running it twice or on demand gives the same rows.
 */
import type { Clock } from '../domain/clock.js';
import type { Cadence, CheckItem, ItemSource, LedgerStore, MonthlyRow, ReadingReader, RollupStore } from '../domain/ledgers.js';
import { covers } from './entries.js';
import { monthRange, periodStartOf, periodStarts } from './periods.js';
import { listAll } from './gap-detection.js';
import type { CheckSettings } from './check-settings.js';

export interface RollupDeps {
  items: ItemSource;
  ledgers: LedgerStore;
  readings: ReadingReader;
  rollups: RollupStore;
  clock: Clock;
  settings: Pick<CheckSettings, 'gapGraceMs'>;
}

function rate(hits: number, of: number): number {
  return of === 0 ? 100 : Math.round((hits / of) * 1000) / 10;
}

async function periodCounts(deps: Omit<RollupDeps, 'rollups'>, item: CheckItem, cadence: Cadence, starts: readonly number[]): Promise<Pick<MonthlyRow, 'expected' | 'received' | 'backFilled' | 'coveredByRegistration' | 'uploadRate' | 'publicationRate'>> {
  const first = starts[0];
  const last = starts[starts.length - 1];
  if (first === undefined || last === undefined) return { expected: 0, received: 0, backFilled: 0, coveredByRegistration: 0, uploadRate: 100, publicationRate: 100 };
  const end = last + cadence.periodMs;
  const rows = await deps.readings.read(item.mn, cadence.kind, first, end, item.factor);
  const periodOf = (t: number): number => periodStartOf(t, cadence.periodMs, item.timeZone);
  const received = new Set(rows.filter((r) => !r.manual).map((r) => periodOf(r.timeMs)));
  const manual = new Set(rows.filter((r) => r.manual && !r.rejected).map((r) => periodOf(r.timeMs)));
  const regs = await listAll(deps.ledgers, { type: 'registration', siteId: item.siteId, states: ['accepted'], from: first, to: end });
  const considered = starts.filter((s) => !regs.some((r) => covers(r, item, s, s + cadence.periodMs)));
  const got = considered.filter((s) => received.has(s)).length;
  const published = considered.filter((s) => received.has(s) || manual.has(s)).length;
  return {
    expected: starts.length,
    received: starts.filter((s) => received.has(s)).length,
    backFilled: starts.filter((s) => manual.has(s) && !received.has(s)).length,
    coveredByRegistration: starts.length - considered.length,
    uploadRate: rate(got, considered.length),
    publicationRate: rate(published, considered.length),
  };
}

async function ledgerCounts(deps: Omit<RollupDeps, 'rollups'>, item: CheckItem, cadence: Cadence, fromMs: number, toMs: number): Promise<Pick<MonthlyRow, 'gaps' | 'anomalies'>> {
  const scope = { mn: item.mn, factor: item.factor, kind: cadence.kind, from: fromMs, to: toMs };
  const gaps = (await listAll(deps.ledgers, { type: 'gap', ...scope })).filter((g) => g.periodStart >= fromMs);
  const anomalies = (await listAll(deps.ledgers, { type: 'anomaly', ...scope })).filter((a) => a.periodStart >= fromMs);
  const g = (...states: string[]): number => gaps.filter((e) => states.includes(e.state)).length;
  const a = (...states: string[]): number => anomalies.filter((e) => states.includes(e.state)).length;
  return {
    gaps: { total: gaps.length, open: g('open', 'repull-requested'), filled: g('filled-by-collector'), backFilled: g('back-filled'), explained: g('explained'), waived: g('waived'), covered: g('covered-by-registration') },
    anomalies: { total: anomalies.length, unexplained: a('open', 'rejected'), explained: a('explained'), accepted: a('accepted'), rejected: a('rejected'), covered: a('covered-by-registration') },
  };
}

/** The row of one item and cadence for a month; periods count once they are due (ended `gapGraceMs` ago). */
export async function monthlyRow(deps: Omit<RollupDeps, 'rollups'>, item: CheckItem, cadence: Cadence, month: string): Promise<MonthlyRow> {
  const { startMs, endMs } = monthRange(month, item.timeZone);
  const dueEnd = periodStartOf(deps.clock.now() - deps.settings.gapGraceMs, cadence.periodMs, item.timeZone);
  const from = Math.max(startMs, item.startMs ?? -Infinity);
  const to = Math.min(endMs, item.endMs ?? Infinity, dueEnd);
  const starts = from < to ? periodStarts(from, to, cadence.periodMs, item.timeZone) : [];
  return {
    month,
    enterpriseId: item.enterpriseId,
    siteId: item.siteId,
    pointId: item.pointId,
    itemId: item.itemId,
    mn: item.mn,
    factor: item.factor,
    kind: cadence.kind,
    ...(await periodCounts(deps, item, cadence, starts)),
    ...(await ledgerCounts(deps, item, cadence, startMs, endMs)),
    computedAt: deps.clock.now(),
  };
}

/** Recompute and store the month's rows for every collector with items (or the given ones). */
export async function rollupMonth(deps: RollupDeps, month: string, mns?: readonly string[]): Promise<MonthlyRow[]> {
  const rows = await computeMonth(deps, month, mns);
  await deps.rollups.put(month, rows);
  return rows;
}

/** The month's rows for every collector with items (or the given ones), computed now and not stored. */
export async function computeMonth(deps: Omit<RollupDeps, 'rollups'>, month: string, mns?: readonly string[]): Promise<MonthlyRow[]> {
  const rows: MonthlyRow[] = [];
  for (const mn of mns ?? (await deps.items.collectors())) {
    for (const item of await deps.items.itemsOf(mn)) {
      const { startMs, endMs } = monthRange(month, item.timeZone);
      if (!item.enabled || (item.endMs !== undefined && item.endMs <= startMs) || (item.startMs !== undefined && item.startMs >= endMs)) continue;
      for (const cadence of item.cadences) rows.push(await monthlyRow(deps, item, cadence, month));
    }
  }
  return rows;
}

const CSV_COLUMNS = [
  'month', 'enterpriseId', 'siteId', 'pointId', 'itemId', 'mn', 'factor', 'kind', 'expected', 'received', 'backFilled', 'coveredByRegistration',
  'gaps.total', 'gaps.open', 'gaps.filled', 'gaps.backFilled', 'gaps.explained', 'gaps.waived', 'gaps.covered',
  'anomalies.total', 'anomalies.unexplained', 'anomalies.explained', 'anomalies.accepted', 'anomalies.rejected', 'anomalies.covered',
  'uploadRate', 'publicationRate',
] as const;

function cell(value: unknown): string {
  const s = String(value ?? '');
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV of monthly rows (header line, CRLF line ends). */
export function monthlyCsv(rows: readonly MonthlyRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows) {
    lines.push(
      CSV_COLUMNS.map((c) => {
        const [head, tail] = c.split('.') as [string, string | undefined];
        const v = (row as unknown as Record<string, unknown>)[head];
        return cell(tail === undefined ? v : (v as Record<string, unknown>)[tail]);
      }).join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
