/**
 * CSV for people who open it in Excel: a UTF-8 byte order mark (Excel otherwise reads UTF-8 as the local code page
 * and garbles 化学需氧量), and names and units beside the ids: enterprise, site and point names from the catalog,
 * the factor's name from the protocol factor table and its unit from the monitoring item (else the table).
 * Readings come long (one row per reading, src/api/csv.ts columns with the labels after `time`) or wide (one row per
 * time and collector, one column per factor).
 */
import { lookupFactor } from '../../protocol/index.js';
import type { Device } from '../domain/device.js';
import type { Reading } from '../domain/readings.js';
import { CSV_COLUMNS, csvLine } from './csv.js';
import type { ApiDeps } from './deps.js';
import { formatInZone } from './time.js';

/** UTF-8 byte order mark: Excel then reads the file as UTF-8. */
export const BOM = '\uFEFF';

/** Label columns of the long readings CSV, after `time`. */
export const LABEL_COLUMNS = ['enterprise_id', 'enterprise', 'site_id', 'site', 'point_id', 'point', 'factor_name', 'unit'] as const;

/** Header of the long readings CSV (with CRLF). */
export const LONG_HEADER = `${['time', ...LABEL_COLUMNS, ...CSV_COLUMNS.slice(1)].join(',')}\r\n`;

/** RFC 4180 quoting with spreadsheet formulas defused (as src/api/csv.ts does for text). */
export function cell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

interface Place {
  enterpriseId?: string;
  enterprise?: string;
  siteId?: string;
  site?: string;
  pointId?: string;
  point?: string;
}

/** Names of a request's collectors and factors, each looked up once per export. */
export interface Labeler {
  place(mn: string): Promise<Place>;
  factor(mn: string, code: string): Promise<{ name?: string; unit?: string }>;
}

export function createLabeler(deps: Pick<ApiDeps, 'registry' | 'catalog'>): Labeler {
  const places = new Map<string, Promise<Place>>();
  const devices = new Map<string, Promise<Device | undefined>>();
  const units = new Map<string, Promise<Map<string, string | undefined>>>();
  const device = (mn: string): Promise<Device | undefined> => {
    if (!devices.has(mn)) devices.set(mn, deps.registry.get(mn));
    return devices.get(mn) as Promise<Device | undefined>;
  };
  const load = async (mn: string): Promise<Place> => {
    const d = await device(mn);
    if (!d) return {};
    const [e, s, p] = await Promise.all([
      d.enterpriseId === undefined ? undefined : deps.catalog.getEnterprise(d.enterpriseId),
      d.siteId === undefined ? undefined : deps.catalog.getSite(d.siteId),
      d.pointId === undefined ? undefined : deps.catalog.getPoint(d.pointId),
    ]);
    return { enterpriseId: d.enterpriseId, enterprise: e?.name, siteId: d.siteId, site: s?.name, pointId: d.pointId, point: p?.name };
  };
  const itemUnits = async (pointId: string): Promise<Map<string, string | undefined>> => new Map((await deps.catalog.listItems(pointId)).map((i) => [i.factor, i.unit]));
  return {
    place(mn) {
      if (!places.has(mn)) places.set(mn, load(mn));
      return places.get(mn) as Promise<Place>;
    },
    async factor(mn, code) {
      const f = lookupFactor(code);
      const pointId = (await device(mn))?.pointId;
      if (pointId !== undefined && !units.has(pointId)) units.set(pointId, itemUnits(pointId));
      const unit = pointId === undefined ? undefined : (await units.get(pointId))?.get(code);
      return { name: f?.nameZh, unit: unit ?? f?.unit };
    },
  };
}

/** One long CSV line: the reading's line (src/api/csv.ts) with the label cells after its time. */
export async function labelledLine(reading: Reading, timeZone: string, labels: Labeler): Promise<string> {
  const line = csvLine(reading, timeZone);
  const at = line.indexOf(',');
  const [p, f] = await Promise.all([labels.place(reading.mn), labels.factor(reading.mn, reading.factor)]);
  const cells = [p.enterpriseId, p.enterprise, p.siteId, p.site, p.pointId, p.point, f.name, f.unit].map(cell).join(',');
  return `${line.slice(0, at)},${cells}${line.slice(at)}`;
}

/** The value a wide export shows for a reading: the interval average, else the real-time value. */
function valueOf(r: Reading): number | undefined {
  return r.avg ?? r.rtd ?? r.zs_avg ?? r.zs_rtd ?? r.cou;
}

/** Wide readings: one row per time and collector, a column per factor in `factors` (others are left out). */
export async function* wideCsv(pages: AsyncIterable<readonly Reading[]>, factors: readonly string[], timeZone: string, labels: Labeler, firstMn: string | undefined): AsyncGenerator<string> {
  const names = await Promise.all(factors.map((code) => labels.factor(firstMn ?? '', code)));
  const heads = factors.map((code, i) => `${code} ${names[i]?.name ?? ''}${names[i]?.unit ? ` (${names[i]?.unit})` : ''}`.trim());
  yield `${BOM}${['time', 'enterprise', 'site', 'point', 'mn', ...heads].map(cell).join(',')}\r\n`;
  const column = new Map(factors.map((f, i) => [f, i]));
  let key: string | undefined;
  let row: { timeMs: number; mn: string; values: Array<number | undefined> } | undefined;
  const flush = async (): Promise<string> => {
    if (!row) return '';
    const p = await labels.place(row.mn);
    return `${[formatInZone(row.timeMs, timeZone), cell(p.enterprise), cell(p.site), cell(p.point), cell(row.mn), ...row.values.map(cell)].join(',')}\r\n`;
  };
  for await (const page of pages) {
    let out = '';
    for (const r of page) {
      const i = column.get(r.factor);
      if (i === undefined) continue;
      const k = `${r.timeMs}|${r.mn}`;
      if (k !== key) {
        out += await flush();
        key = k;
        row = { timeMs: r.timeMs, mn: r.mn, values: factors.map(() => undefined) };
      }
      if (row) row.values[i] = valueOf(r);
    }
    if (out) yield out;
  }
  const last = await flush();
  if (last) yield last;
}

/** Factors of a wide export: the request's, else the monitoring items of the collectors' points, in table order. */
export async function wideFactors(deps: Pick<ApiDeps, 'registry' | 'catalog'>, mns: readonly string[], requested: readonly string[] | undefined): Promise<string[]> {
  if (requested) return [...requested];
  // One catalog read per point (collectors often share one), all at once.
  const devices = await Promise.all(mns.map((mn) => deps.registry.get(mn)));
  const pointIds = [...new Set(devices.flatMap((d) => (d?.pointId === undefined ? [] : [d.pointId])))];
  const items = await Promise.all(pointIds.map((id) => deps.catalog.listItems(id)));
  return [...new Set(items.flat().map((i) => i.factor))].sort();
}

/** Label columns the monthly ledger CSV gets after its id columns (month … factor). */
export const MONTHLY_LABEL_COLUMNS = ['enterprise', 'site', 'point', 'factor_name', 'unit'] as const;

/** Rows of the monthly ledger as the labels need them. */
interface MonthlyIds {
  enterpriseId: string;
  siteId: string;
  pointId: string;
  itemId: string;
  factor: string;
}

/**
 * The monthly ledger CSV (`csv`, one line per row of `rows` after the header, as monthlyCsv writes it) for Excel: a
 * BOM, and names and units inserted after its seventh column (`factor`, the last id column).
 */
export async function excelMonthlyCsv(deps: Pick<ApiDeps, 'catalog'>, rows: readonly MonthlyIds[], csv: string): Promise<string> {
  const names = new Map<string, Promise<string | undefined>>();
  const nameOf = (key: string, load: () => Promise<{ name: string } | undefined>): Promise<string | undefined> => {
    if (!names.has(key)) names.set(key, load().then((r) => r?.name));
    return names.get(key) as Promise<string | undefined>;
  };
  const labelCells = async (row: MonthlyIds): Promise<string> => {
    const [enterprise, site, point, item] = await Promise.all([
      nameOf(`e:${row.enterpriseId}`, () => deps.catalog.getEnterprise(row.enterpriseId)),
      nameOf(`s:${row.siteId}`, () => deps.catalog.getSite(row.siteId)),
      nameOf(`p:${row.pointId}`, () => deps.catalog.getPoint(row.pointId)),
      deps.catalog.getItem(row.itemId),
    ]);
    const f = lookupFactor(row.factor);
    return [enterprise, site, point, f?.nameZh, item?.unit ?? f?.unit].map(cell).join(',');
  };
  const lines = csv.split('\r\n');
  const out: string[] = [];
  for (const [i, line] of lines.entries()) {
    if (line === '') {
      out.push(line);
      continue;
    }
    let at = -1;
    for (let n = 0; n < 7; n++) at = line.indexOf(',', at + 1);
    const row = rows[i - 1];
    const inserted = i === 0 ? MONTHLY_LABEL_COLUMNS.join(',') : row ? await labelCells(row) : ',,,,';
    out.push(at < 0 ? line : `${line.slice(0, at)},${inserted}${line.slice(at)}`);
  }
  return `${BOM}${out.join('\r\n')}`;
}
