/**
 * Ledger work at scale: one explanation or one review applied to a selection of entries (ids, or the filters of a
 * listing), each entry checked, changed and audited exactly as by its single-entry route, with a per-entry result;
 * and the regulator's review inbox across gaps, anomalies, back-fills and registrations, longest waiting first.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ANOMALY_RULES, ANOMALY_STATES, BACKFILL_STATES, GAP_STATES, LEGACY_REGISTRATION_ACCEPTED, REGISTRATION_STATES, type LedgerEntry, type LedgerType, type Review } from '../domain/ledgers.js';
import { AppError } from '../errors.js';
import { principalOf } from './auth.js';
import type { ApiDeps } from './deps.js';
import { assertFilterScope, scopedEnterprise, type LedgerRouteDeps } from './ledger-access.js';
import { explainEntry, listEntries, reviewEntry, type ListQueryInput } from './ledger-handlers.js';
import { anomalySchema, backfillSchema, entryScopeFields, explainBody, gapSchema, listQueryOf, periodPageFields, registrationSchema, reviewBody } from './ledger-schemas.js';
import { anomalyView, backfillView, gapView, registrationView } from './ledger-views.js';

/** Default of HJ212_API_BULK_MAX: entries one bulk call changes at most; a larger filter selection reports `remaining` (call again). */
export const BULK_MAX = 1000;

/** Entries one ledger-store listing returns at most (src/storage/ledger-query.ts MAX_LIMIT). */
const STORE_PAGE = 1000;

/** States a filter selects when it names none: the entries the action applies to. */
const DEFAULT_STATES = {
  explain: { gap: 'open,repull-requested', anomaly: 'open,rejected' },
  review: { gap: 'explained', anomaly: 'explained' },
} as const;

/** What awaits a regulator, per type: the `awaiting` state of the review inbox. */
export const AWAITING: Readonly<Record<LedgerType, string>> = { gap: 'explained', anomaly: 'explained', backfill: 'submitted', registration: 'pending' };

const filterOf = (states: readonly string[], withRule: boolean) => {
  const base = listQueryOf(states).omit({ offset: true, limit: true });
  return (withRule ? base.extend({ rule: z.enum(ANOMALY_RULES).optional() }) : base).describe('the filters of the listing; an absent `state` selects the entries the action applies to');
};

const selectionFields = (states: readonly string[], withRule: boolean, bulkMax: number) => ({
  ids: z.array(z.string().min(1).max(300)).min(1).max(bulkMax).optional().describe(`entry ids (at most ${bulkMax}, HJ212_API_BULK_MAX)`),
  filter: filterOf(states, withRule).optional(),
});
const oneSelection = { message: 'give exactly one of ids, filter' };
const exactlyOne = (v: { ids?: unknown; filter?: unknown }): boolean => (v.ids === undefined) !== (v.filter === undefined);

export const bulkExplainBody = (type: 'gap' | 'anomaly', bulkMax: number) =>
  z.object({ ...selectionFields(type === 'gap' ? GAP_STATES : ANOMALY_STATES, type === 'anomaly', bulkMax), ...explainBody.shape }).refine(exactlyOne, oneSelection);
export const bulkReviewBody = (type: 'gap' | 'anomaly', bulkMax: number) =>
  z.object({ ...selectionFields(type === 'gap' ? GAP_STATES : ANOMALY_STATES, type === 'anomaly', bulkMax), ...reviewBody.shape }).refine(exactlyOne, oneSelection);

export const bulkResultSchema = z
  .object({
    matched: z.number().int().describe('entries selected (ids given, or entries the filter matched)'),
    succeeded: z.number().int(),
    failed: z.number().int(),
    remaining: z.number().int().describe('entries the filter matched beyond the first HJ212_API_BULK_MAX (default 1000): call again'),
    results: z.array(
      z.object({
        id: z.string(),
        ok: z.boolean(),
        state: z.string().optional().describe('the entry state after the change'),
        status: z.number().int().optional().describe('HTTP status the single-entry route would have answered'),
        code: z.string().optional(),
        detail: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'BulkResult' });
type BulkResult = z.infer<typeof bulkResultSchema>;

type Selection = { ids?: string[]; filter?: Omit<ListQueryInput, 'offset' | 'limit'> & { rule?: (typeof ANOMALY_RULES)[number] } };

/** The ids a selection names: the given ones, or the first `bulkMax` entries its filter matches (oldest period first). */
async function selectedIds(ledgers: LedgerRouteDeps, req: FastifyRequest, type: 'gap' | 'anomaly', action: 'explain' | 'review', sel: Selection, bulkMax: number): Promise<{ ids: string[]; matched: number }> {
  if (sel.ids) {
    const ids = [...new Set(sel.ids)];
    return { ids, matched: ids.length };
  }
  const { rule, ...filter } = sel.filter ?? {};
  const state = filter.state ?? DEFAULT_STATES[action][type];
  // The ledger store answers at most STORE_PAGE entries a call; a larger HJ212_API_BULK_MAX takes several.
  const ids: string[] = [];
  let matched = 0;
  while (ids.length < bulkMax) {
    const q: ListQueryInput = { ...filter, state, offset: ids.length, limit: Math.min(STORE_PAGE, bulkMax - ids.length) };
    const page = await listEntries(ledgers, req, type, q, rule === undefined ? {} : { rule });
    matched = page.total;
    ids.push(...page.items.map((e) => e.id));
    if (page.items.length === 0 || ids.length >= page.total) break;
  }
  return { ids, matched };
}

/** Run `one` on every id; an entry's refusal becomes its result (status, code, detail), the others go on. */
async function eachEntry(req: FastifyRequest, ids: readonly string[], matched: number, one: (id: string) => Promise<LedgerEntry>): Promise<BulkResult> {
  const results: BulkResult['results'] = [];
  for (const id of ids) {
    try {
      results.push({ id, ok: true, state: (await one(id)).state });
    } catch (err) {
      if (!(err instanceof AppError)) {
        req.log.error({ err, id }, 'bulk ledger action failed');
        results.push({ id, ok: false, status: 500, code: 'APP_ERR_INTERNAL' });
        continue;
      }
      results.push({ id, ok: false, status: err.status, code: err.code, detail: err.detail });
    }
  }
  const succeeded = results.filter((r) => r.ok).length;
  return { matched, succeeded, failed: results.length - succeeded, remaining: Math.max(0, matched - ids.length), results };
}

export async function bulkExplain(deps: ApiDeps, ledgers: LedgerRouteDeps, req: FastifyRequest, type: 'gap' | 'anomaly', body: Selection & { text: string }, bulkMax: number): Promise<BulkResult> {
  const { ids, matched } = await selectedIds(ledgers, req, type, 'explain', body, bulkMax);
  return eachEntry(req, ids, matched, (id) => explainEntry(deps, ledgers, req, type, id, body.text));
}

export async function bulkReview(deps: ApiDeps, ledgers: LedgerRouteDeps, req: FastifyRequest, type: 'gap' | 'anomaly', body: Selection & { decision: Review['decision'] | typeof LEGACY_REGISTRATION_ACCEPTED; comment: string }, bulkMax: number): Promise<BulkResult> {
  const { ids, matched } = await selectedIds(ledgers, req, type, 'review', body, bulkMax);
  return eachEntry(req, ids, matched, (id) => reviewEntry(deps, ledgers, req, type, id, body));
}

const ALL_STATES = [...new Set<string>(['awaiting', ...GAP_STATES, ...ANOMALY_STATES, ...BACKFILL_STATES, ...REGISTRATION_STATES])];
const TYPES = ['gap', 'anomaly', 'backfill', 'registration'] as const;
const commaList = (values: readonly string[], what: string) =>
  z
    .string()
    .refine((s) => s.split(',').every((x) => values.includes(x)), `comma-separated ${what}: ${values.join(', ')}`)
    .optional();

export const inboxQuery = z.object({
  state: commaList(ALL_STATES, 'states').describe(`comma-separated; default \`awaiting\` = ${Object.entries(AWAITING).map(([t, s]) => `${s} ${t}s`).join(', ')}`),
  type: commaList(TYPES, 'types').describe('comma-separated entry types; default all four'),
  ...entryScopeFields,
  ...periodPageFields,
});

export const inboxItemSchema = z.discriminatedUnion('type', [gapSchema, anomalySchema, backfillSchema, registrationSchema]);

/** The review inbox: entries of the chosen types and states, the longest waiting (oldest `updatedAt`) first. */
export async function reviewInbox(ledgers: LedgerRouteDeps, req: FastifyRequest, q: z.infer<typeof inboxQuery>, timeZone: string) {
  const from = q.from === undefined ? undefined : Date.parse(q.from);
  const to = q.to === undefined ? undefined : Date.parse(q.to);
  if (from !== undefined && to !== undefined && from >= to) throw new AppError('APP_ERR_INVALID_RANGE', '`from` must be before `to`');
  const token = principalOf(req);
  await assertFilterScope(ledgers.directory, token, q);
  const enterpriseId = scopedEnterprise(token, q.enterpriseId);
  const wanted = (q.state ?? 'awaiting').split(',');
  const types = (q.type?.split(',') ?? TYPES) as LedgerType[];
  const entries: LedgerEntry[] = [];
  for (const type of types) {
    const states = wanted.map((s) => (s === 'awaiting' ? AWAITING[type] : s));
    const base = { type, mn: q.mn, enterpriseId, siteId: q.siteId, pointId: q.pointId, factor: q.factor, kind: q.kind, states, from, to };
    // Listings come in pages of at most STORE_PAGE; the inbox merges every matching entry before sorting by waiting time.
    for (let offset = 0; ; offset += STORE_PAGE) {
      const page = await ledgers.ledgers.list({ ...base, offset, limit: STORE_PAGE });
      entries.push(...page.items);
      if (offset + STORE_PAGE >= page.total) break;
    }
  }
  entries.sort((a, b) => a.updatedAt - b.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const items = entries.slice(q.offset, q.offset + q.limit).map((e) => viewOf(e, timeZone));
  return { total: entries.length, offset: q.offset, limit: q.limit, items };
}

function viewOf(e: LedgerEntry, timeZone: string): z.infer<typeof inboxItemSchema> {
  if (e.type === 'gap') return gapView(e, timeZone);
  if (e.type === 'anomaly') return anomalyView(e, timeZone);
  if (e.type === 'backfill') return backfillView(e, timeZone);
  return registrationView(e, timeZone);
}
