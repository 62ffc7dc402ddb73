/**
 * Logic of the registry screen without the DOM: each record kind's editable fields, and the create (POST) or change
 * (PATCH) body built from a form — on change only the fields that differ, `null` where an item's optional field is
 * cleared (items accept null; enterprises, sites and points keep a field that is left empty). Unit-tested in
 * web/test/registry-logic.test.ts.
 */
import type { Role } from '../api.js';
import { localInputToIso, msToLocalInput } from '../format.js';

/** Roles that may create and change registry records (src/api/routes/{enterprises,sites,points,items}.ts). */
export const REGISTRY_WRITERS: readonly Role[] = ['admin', 'ops'];

export const REGISTRY_TABS = ['enterprises', 'sites', 'points', 'items'] as const;
export type RegistryTab = (typeof REGISTRY_TABS)[number];

export interface FieldSpec {
  name: string;
  type: 'text' | 'number' | 'datetime' | 'select';
  required?: boolean;
  /** Only on create (an item's factor never changes). */
  createOnly?: boolean;
  options?: readonly string[];
}

export const FIELDS: Readonly<Record<RegistryTab, readonly FieldSpec[]>> = {
  enterprises: [
    { name: 'name', type: 'text', required: true },
    { name: 'creditCode', type: 'text' },
    { name: 'region', type: 'text' },
  ],
  sites: [
    { name: 'name', type: 'text', required: true },
    { name: 'code', type: 'text' },
    { name: 'address', type: 'text' },
    { name: 'longitude', type: 'number' },
    { name: 'latitude', type: 'number' },
  ],
  points: [
    { name: 'name', type: 'text', required: true },
    { name: 'code', type: 'text' },
    { name: 'st', type: 'text' },
  ],
  items: [
    { name: 'factor', type: 'text', required: true, createOnly: true },
    { name: 'mode', type: 'select', required: true, options: ['automatic', 'manual'] },
    { name: 'unit', type: 'text' },
    { name: 'standardLower', type: 'number' },
    { name: 'standardUpper', type: 'number' },
    { name: 'rangeLower', type: 'number' },
    { name: 'rangeUpper', type: 'number' },
    { name: 'startAt', type: 'datetime' },
    { name: 'endAt', type: 'datetime' },
  ],
};

/** Upload schedules an item's form offers, with the usual interval (HJ212-2017 6.3: minute / hour / day data). */
export const UPLOAD_KINDS: readonly { kind: string; seconds: number }[] = [
  { kind: 'realtime', seconds: 30 },
  { kind: 'minute', seconds: 600 },
  { kind: 'hour', seconds: 3600 },
  { kind: 'day', seconds: 86400 },
];

export type FormValues = Record<string, string>;

/** A record as form values: numbers as text, times as `datetime-local` values, uploads as `upload.<kind>` seconds. */
export function formOf(tab: RegistryTab, record: Readonly<Record<string, unknown>> | undefined): FormValues {
  const values: FormValues = {};
  for (const f of FIELDS[tab]) {
    const v = record?.[f.name];
    if (v === undefined || v === null) values[f.name] = f.name === 'mode' ? 'automatic' : '';
    else if (f.type === 'datetime' && typeof v === 'string') values[f.name] = msToLocalInput(Date.parse(v));
    else values[f.name] = String(v);
  }
  if (tab === 'items') {
    const uploads = (record?.uploads as { kind: string; periodSeconds: number }[] | undefined) ?? (record ? [] : [{ kind: 'hour', periodSeconds: 3600 }]);
    for (const u of UPLOAD_KINDS) values[`upload.${u.kind}`] = String(uploads.find((x) => x.kind === u.kind)?.periodSeconds ?? '');
  }
  return values;
}

function parse(f: FieldSpec, raw: string): { value?: unknown; invalid?: true } {
  const s = raw.trim();
  if (s === '') return {};
  if (f.type === 'number') {
    const n = Number(s);
    return Number.isFinite(n) ? { value: n } : { invalid: true };
  }
  if (f.type === 'datetime') {
    const iso = localInputToIso(s);
    return iso ? { value: iso } : { invalid: true };
  }
  return { value: s };
}

function uploadsOf(values: FormValues, invalid: string[]): { kind: string; periodSeconds: number }[] {
  const uploads: { kind: string; periodSeconds: number }[] = [];
  for (const u of UPLOAD_KINDS) {
    const raw = (values[`upload.${u.kind}`] ?? '').trim();
    if (raw === '') continue;
    const n = Number(raw);
    if (Number.isInteger(n) && n > 0) uploads.push({ kind: u.kind, periodSeconds: n });
    else invalid.push(`upload.${u.kind}`);
  }
  return uploads;
}

/**
 * The body of a create (`before` undefined) or a change. `invalid` names the fields whose text is not a number or
 * time. A change with nothing changed has an empty body (the caller says so instead of sending it).
 */
export function recordBody(tab: RegistryTab, values: FormValues, before?: Readonly<Record<string, unknown>>): { body: Record<string, unknown>; invalid: string[] } {
  const body: Record<string, unknown> = {};
  const invalid: string[] = [];
  const old = before ? formOf(tab, before) : undefined;
  for (const f of FIELDS[tab]) {
    if (before && f.createOnly) continue;
    const raw = values[f.name] ?? '';
    const { value, invalid: bad } = parse(f, raw);
    if (bad) {
      invalid.push(f.name);
      continue;
    }
    if (!old) {
      if (value !== undefined) body[f.name] = value;
    } else if (raw.trim() !== (old[f.name] ?? '').trim()) {
      if (value !== undefined) body[f.name] = value;
      else if (tab === 'items') body[f.name] = null;
    }
  }
  if (tab === 'items') {
    const uploads = uploadsOf(values, invalid);
    const oldUploads = before ? uploadsOf(formOf(tab, before), []) : undefined;
    if (!oldUploads || JSON.stringify(uploads) !== JSON.stringify(oldUploads)) body.uploads = uploads;
  }
  return { body, invalid };
}

/** Where a record's children are listed: an enterprise's sites, a site's points, a point's items. */
export function childTab(tab: RegistryTab): { tab: RegistryTab; param: 'enterpriseId' | 'siteId' | 'pointId' } | undefined {
  if (tab === 'enterprises') return { tab: 'sites', param: 'enterpriseId' };
  if (tab === 'sites') return { tab: 'points', param: 'siteId' };
  if (tab === 'points') return { tab: 'items', param: 'pointId' };
  return undefined;
}

/** The listing and the create path of a tab under its parent (points and items are listed under their parent). */
export function pathsOf(tab: RegistryTab, parent: { siteId?: string; pointId?: string }): { list?: string; create?: string; record: (id: string) => string } {
  const enc = encodeURIComponent;
  switch (tab) {
    case 'enterprises':
      return { list: '/enterprises', create: '/enterprises', record: (id) => `/enterprises/${enc(id)}` };
    case 'sites':
      return { list: '/sites', create: '/sites', record: (id) => `/sites/${enc(id)}` };
    case 'points':
      return parent.siteId ? { list: `/sites/${enc(parent.siteId)}/points`, create: `/sites/${enc(parent.siteId)}/points`, record: (id) => `/points/${enc(id)}` } : { record: (id) => `/points/${enc(id)}` };
    case 'items':
      return parent.pointId ? { list: `/points/${enc(parent.pointId)}/items`, create: `/points/${enc(parent.pointId)}/items`, record: (id) => `/items/${enc(id)}` } : { record: (id) => `/items/${enc(id)}` };
  }
}
