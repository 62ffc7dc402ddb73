/**
 * Scans of one collector: a `check` job judges the hour the gateway just stored data for (closing gaps it fills and
 * recording anomalies); a due scan moves each item's watermark up to the last period that is due and records the
 * periods without readings as gaps; verification closes active gaps whose data has arrived since (history
 * re-pulls, late or out-of-order uploads). All of it is idempotent.
 */
import type { Cadence, CheckItem, CheckKind, GapEntry, LedgerEntry, LedgerQuery, LedgerStore, RegistrationEntry } from '../domain/ledgers.js';
import { addCounts, emptyCounts, type CheckDeps, type ScanCounts } from './check-deps.js';
import { closeFilledGaps, contextPeriods, judgeGapsOnly, judgeWindow, SUB_KIND, type KindData } from './item-window.js';
import { periodStartOf } from './periods.js';
import { clipToValidity } from './validity.js';

export const HOUR_MS = 3_600_000;

/** New readings of one collector and data kind stored in one hour (the gateway's `check` job). */
export interface HourCheck {
  mn: string;
  kind: string;
  /** Start of the hour (epoch ms UTC). */
  hourMs: number;
}

interface Target {
  item: CheckItem;
  cadence: Cadence;
  fromMs: number;
  toMs: number;
}

const PAGE = 1000;

/** Every entry matching a query, page by page. */
export async function listAll<T extends LedgerEntry['type']>(ledgers: LedgerStore, query: LedgerQuery & { type: T }): Promise<Array<Extract<LedgerEntry, { type: T }>>> {
  const out: Array<Extract<LedgerEntry, { type: T }>> = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await ledgers.list({ ...query, offset, limit: PAGE });
    out.push(...page.items);
    if (offset + PAGE >= page.total) return out;
  }
}

async function acceptedRegistrations(deps: CheckDeps, items: readonly CheckItem[], fromMs: number, toMs: number): Promise<RegistrationEntry[]> {
  const out: RegistrationEntry[] = [];
  for (const siteId of new Set(items.map((i) => i.siteId))) {
    out.push(...(await listAll(deps.ledgers, { type: 'registration', siteId, states: ['accepted'], from: fromMs, to: toMs })));
  }
  return out;
}

/** Readings of the kind over the targets' windows plus context before them, and the finer kind's inside them. */
async function loadKind(deps: CheckDeps, mn: string, kind: CheckKind, targets: readonly Target[], items: readonly CheckItem[]): Promise<KindData> {
  const fromMs = Math.min(...targets.map((t) => t.fromMs));
  const toMs = Math.max(...targets.map((t) => t.toMs));
  const contextMs = Math.max(...targets.map((t) => contextPeriods(t.item, deps.settings) * t.cadence.periodMs));
  const rows = await deps.readings.read(mn, kind, fromMs - contextMs, toMs);
  const subKind = SUB_KIND[kind];
  const subCadence = subKind && items.flatMap((i) => i.cadences).find((c) => c.kind === subKind);
  if (!subKind || !subCadence) return { rows };
  return { rows, sub: { rows: await deps.readings.read(mn, subKind, fromMs, toMs), periodMs: subCadence.periodMs } };
}

function groupByKind(targets: readonly Target[]): Map<CheckKind, Target[]> {
  const byKind = new Map<CheckKind, Target[]>();
  for (const t of targets) byKind.set(t.cadence.kind, [...(byKind.get(t.cadence.kind) ?? []), t]);
  return byKind;
}

async function judgeTargets(deps: CheckDeps, mn: string, targets: readonly Target[], items: readonly CheckItem[], detectGaps: boolean): Promise<ScanCounts> {
  let counts = emptyCounts();
  for (const [kind, group] of groupByKind(targets)) {
    const data = await loadKind(deps, mn, kind, group, items);
    const regs = await acceptedRegistrations(deps, items, Math.min(...group.map((t) => t.fromMs)), Math.max(...group.map((t) => t.toMs)));
    for (const t of group) counts = addCounts(counts, await judgeWindow(deps, { ...t, detectGaps, registrations: regs }, data));
  }
  return counts;
}

async function enabledItems(deps: CheckDeps, mn: string): Promise<CheckItem[]> {
  return (await deps.items.itemsOf(mn)).filter((i) => i.enabled);
}

/** The gateway's check job: judge the periods of `kind` inside the hour and close the gaps they fill. */
export async function runCheck(deps: CheckDeps, job: HourCheck): Promise<ScanCounts> {
  const items = await enabledItems(deps, job.mn);
  const targets: Target[] = items.flatMap((item) =>
    item.cadences
      .filter((c) => c.kind === job.kind)
      .map((cadence) => {
        const fromMs = periodStartOf(job.hourMs, cadence.periodMs, item.timeZone);
        return { item, cadence, fromMs, toMs: periodStartOf(job.hourMs + HOUR_MS - 1, cadence.periodMs, item.timeZone) + cadence.periodMs };
      }),
  );
  if (targets.length === 0) return emptyCounts();
  let counts = await judgeTargets(deps, job.mn, targets, items, false);
  counts = addCounts(counts, await lateGaps(deps, job.mn, targets, items));
  const fromMs = Math.min(...targets.map((t) => t.fromMs));
  const toMs = Math.max(...targets.map((t) => t.toMs));
  const gapsClosed = await verifyGaps(deps, job.mn, (g) => g.kind === job.kind && g.periodStart < toMs && g.periodEnd > fromMs, 'reading arrived');
  return { ...counts, gapsClosed };
}

/** Where the due scan of an item starts or has got to: its watermark, or (before the first scan) the look-back. */
async function scanFrom(deps: CheckDeps, item: CheckItem, cadence: Cadence, dueEnd: number): Promise<number> {
  return (await deps.state.watermark(watermarkKey(item, cadence))) ?? dueEnd - deps.settings.initialLookbackMs;
}

/** The latest collector reading of the item before `beforeMs`, looking back at most the look-back. */
async function previousReading(deps: CheckDeps, item: CheckItem, cadence: Cadence, beforeMs: number, floorMs: number): Promise<number | undefined> {
  // A day of periods first (the usual case: the collector uploaded shortly before), then the rest of the look-back.
  const near = Math.max(floorMs, beforeMs - 24 * cadence.periodMs);
  for (const [from, to] of [[near, beforeMs], [floorMs, near]] as const) {
    if (from >= to) continue;
    const rows = (await deps.readings.read(item.mn, cadence.kind, from, to, item.factor)).filter((r) => !r.manual);
    const last = rows[rows.length - 1];
    if (last) return last.timeMs;
  }
  return undefined;
}

/**
 * Late readings (back-dated history, re-pulled or replayed data) check their own periods: the part of the job's
 * window behind the due scan (which never looks back there again) and the periods back to the collector's previous
 * reading of the item (at most the look-back, never before the validity window), independent of the watermark.
 */
async function lateGaps(deps: CheckDeps, mn: string, targets: readonly Target[], items: readonly CheckItem[]): Promise<ScanCounts> {
  const now = deps.clock.now();
  let gapsCreated = 0;
  for (const t of targets) {
    const dueEnd = periodStartOf(now - deps.settings.gapGraceMs, t.cadence.periodMs, t.item.timeZone);
    const scanned = await scanFrom(deps, t.item, t.cadence, dueEnd);
    const hi = Math.min(t.toMs, scanned, dueEnd);
    if (t.fromMs >= hi) continue;
    const floor = t.fromMs - deps.settings.initialLookbackMs;
    const previous = await previousReading(deps, t.item, t.cadence, t.fromMs, Math.max(floor, t.item.startMs ?? floor));
    const start = t.item.startMs !== undefined && t.item.startMs >= floor ? t.item.startMs : t.fromMs;
    const lo = previous === undefined ? start : periodStartOf(previous, t.cadence.periodMs, t.item.timeZone) + t.cadence.periodMs;
    const window = clipToValidity(t.item, Math.min(lo, t.fromMs), hi);
    if (window.fromMs >= window.toMs) continue;
    const rows = await deps.readings.read(mn, t.cadence.kind, window.fromMs, window.toMs, t.item.factor);
    const registrations = await acceptedRegistrations(deps, items, window.fromMs, window.toMs);
    gapsCreated += await judgeGapsOnly(deps, { item: t.item, cadence: t.cadence, ...window, registrations }, rows);
  }
  return { gapsCreated, gapsClosed: 0, anomaliesCreated: 0 };
}

function watermarkKey(item: CheckItem, cadence: Cadence): string {
  return `${item.mn}:${item.itemId}:${cadence.kind}:${cadence.periodMs}`;
}

/** Due scan: every period that ended `gapGraceMs` ago or earlier and lies after the watermark is judged once. */
export async function detectDue(deps: CheckDeps, mn: string): Promise<ScanCounts> {
  const items = await enabledItems(deps, mn);
  const now = deps.clock.now();
  const targets: Target[] = [];
  const advances: Array<[string, number]> = [];
  for (const item of items) {
    for (const cadence of item.cadences) {
      const dueEnd = periodStartOf(now - deps.settings.gapGraceMs, cadence.periodMs, item.timeZone);
      const key = watermarkKey(item, cadence);
      // The first scan starts at the validity window's start (binding / startAt), at most the look-back ago.
      const { fromMs, toMs } = clipToValidity(item, await scanFrom(deps, item, cadence, dueEnd), dueEnd);
      if (fromMs < toMs) targets.push({ item, cadence, fromMs, toMs });
      advances.push([key, dueEnd]);
    }
  }
  const counts = targets.length > 0 ? await judgeTargets(deps, mn, targets, items, true) : emptyCounts();
  if (counts.gapsCreated > 0) {
    // A reading stored while this scan ran may have been checked before its gap existed: look once more.
    const fromMs = Math.min(...targets.map((t) => t.fromMs));
    const toMs = Math.max(...targets.map((t) => t.toMs));
    counts.gapsClosed += await verifyGaps(deps, mn, (g) => g.periodStart >= fromMs && g.periodEnd <= toMs, 'reading arrived during the scan');
  }
  // Only after the entries exist: a crash before this line repeats the window, which creates nothing twice.
  for (const [key, ms] of advances) await deps.state.advance(key, ms);
  return counts;
}

/** Close the collector's active gaps (those passing `filter`) whose periods now hold collector readings. */
export async function verifyGaps(deps: CheckDeps, mn: string, filter: (gap: GapEntry) => boolean, note: string): Promise<number> {
  const gaps = (await deps.ledgers.getMany(await deps.ledgers.activeGapIds(mn))).filter((g): g is GapEntry => g?.type === 'gap' && filter(g));
  let closed = 0;
  const byKind = new Map<CheckKind, GapEntry[]>();
  for (const g of gaps) byKind.set(g.kind, [...(byKind.get(g.kind) ?? []), g]);
  for (const [kind, group] of byKind) {
    const rows = await deps.readings.read(mn, kind, Math.min(...group.map((g) => g.periodStart)), Math.max(...group.map((g) => g.periodEnd)));
    closed += await closeFilledGaps(deps, group, rows, note);
  }
  return closed;
}

/** Scheduled scan of one collector: due periods, then every active gap. */
export async function scanCollector(deps: CheckDeps, mn: string): Promise<ScanCounts> {
  const counts = await detectDue(deps, mn);
  return { ...counts, gapsClosed: counts.gapsClosed + (await verifyGaps(deps, mn, () => true, 'found by scan')) };
}
