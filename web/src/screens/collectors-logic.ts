/** The collectors list's logic without the DOM: rows joined with names, and the filters. Unit-tested in web/test. */
import type { CollectorStatus, Enterprise, Site } from '../api-types.js';

export interface CollectorRow extends CollectorStatus {
  enterpriseName: string;
  siteName: string;
}

export interface CollectorFilter {
  /** '' all, 'online', 'offline'. */
  online: '' | 'online' | 'offline';
  /** '' all, else an enterprise id. */
  enterpriseId: string;
  /** Case-insensitive substring of the MN, the enterprise's or the site's name. */
  text: string;
  /** Only collectors with rejections today. */
  rejected: boolean;
}

export const NO_FILTER: CollectorFilter = { online: '', enterpriseId: '', text: '', rejected: false };

/** Status rows with the names of their enterprise and site (the id when the name is unknown to this role). */
export function joinNames(statuses: readonly CollectorStatus[], enterprises: readonly Enterprise[], sites: readonly Site[]): CollectorRow[] {
  const eName = new Map(enterprises.map((e) => [e.id, e.name]));
  const sName = new Map(sites.map((s) => [s.id, s.name]));
  return statuses.map((s) => ({
    ...s,
    enterpriseName: s.enterpriseId === undefined ? '' : (eName.get(s.enterpriseId) ?? s.enterpriseId),
    siteName: s.siteId === undefined ? '' : (sName.get(s.siteId) ?? s.siteId),
  }));
}

/** The rows a filter keeps, in their order. */
export function filterCollectors(rows: readonly CollectorRow[], f: CollectorFilter): CollectorRow[] {
  const text = f.text.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (f.online === '' || r.online === (f.online === 'online')) &&
      (f.enterpriseId === '' || r.enterpriseId === f.enterpriseId) &&
      (!f.rejected || r.rejectionsToday > 0) &&
      (text === '' || r.mn.toLowerCase().includes(text) || r.enterpriseName.toLowerCase().includes(text) || r.siteName.toLowerCase().includes(text)),
  );
}

/** Filter state ↔ hash query, so a filtered list can be bookmarked and survives going back from a collector. */
export function filterFromQuery(q: Readonly<Record<string, string>>): CollectorFilter {
  const online = q.online === 'online' || q.online === 'offline' ? q.online : '';
  return { online, enterpriseId: q.enterprise ?? '', text: q.q ?? '', rejected: q.rejected === '1' };
}

export function filterToQuery(f: CollectorFilter): Record<string, string | undefined> {
  return { online: f.online || undefined, enterprise: f.enterpriseId || undefined, q: f.text.trim() || undefined, rejected: f.rejected ? '1' : undefined };
}
