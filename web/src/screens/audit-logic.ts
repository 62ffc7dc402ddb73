/** Logic of the audit screen without the DOM: entity types and actions, which fields a change touched. Unit-tested. */

/** src/domain/catalog.ts AUDIT_ENTITY_TYPES (with the accounts' `user`). */
export const AUDIT_ENTITY_TYPES = ['enterprise', 'site', 'point', 'item', 'collector', 'token', 'user', 'gap', 'anomaly', 'backfill', 'registration'] as const;
/** src/domain/catalog.ts AUDIT_ACTIONS. */
export const AUDIT_ACTIONS = ['create', 'update', 'password', 'register', 'revoke', 'disable', 'enable', 'explain', 'review', 'command'] as const;

export interface AuditEntry {
  id: string;
  at: string;
  actor: { tokenId: string; name: string; role: string; enterpriseId?: string };
  action: string;
  entity: { type: string; id: string };
  before?: unknown;
  after?: unknown;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextBefore?: string;
}

/** Fields that are housekeeping on every change, not worth listing. */
const NOISE = new Set(['updatedAt', 'version', 'history']);

/** Top-level fields whose value differs between before and after (added and removed ones included), sorted. */
export function changedFields(before: unknown, after: unknown): string[] {
  const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const a = obj(before);
  const b = obj(after);
  if (before === undefined || after === undefined) return [];
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !NOISE.has(k) && JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

/** The path of a listing: every change, or one entity's complete trail. */
export function auditPathOf(type: string, id: string): string {
  return type && id.trim() ? `/audit/${encodeURIComponent(type)}/${encodeURIComponent(id.trim())}` : '/audit';
}
