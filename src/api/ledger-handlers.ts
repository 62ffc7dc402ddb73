/**
 * The work behind the ledger routes, shared by the gap, anomaly, back-fill and registration families: listing with
 * the enterprise scope, and the explain / review actions with their audit-trail records.
 */
import type { FastifyRequest } from 'fastify';
import { LEGACY_REGISTRATION_ACCEPTED, type LedgerEntry, type LedgerPage, type LedgerQuery, type LedgerType, type Review } from '../domain/ledgers.js';
import { AppError } from '../errors.js';
import { explain, review } from '../ledgers/explain-review.js';
import { recordChange } from './audit-trail.js';
import { principalOf } from './auth.js';
import type { ApiDeps } from './deps.js';
import type { LedgerApiDeps } from './ledger-deps.js';
import { assertFilterScope, ledgerAction, ledgerActorOf, loadEntry, scopedEnterprise, type LedgerRouteDeps } from './ledger-access.js';

/** Query string of a listing as parsed by listQueryOf. */
export interface ListQueryInput {
  mn?: string;
  enterpriseId?: string;
  siteId?: string;
  pointId?: string;
  factor?: string;
  kind?: LedgerQuery['kind'];
  state?: string;
  from?: string;
  to?: string;
  offset: number;
  limit: number;
}

/** One page of entries of a type, limited to the token's enterprise. */
export async function listEntries<T extends LedgerType>(
  ledgers: LedgerApiDeps,
  req: FastifyRequest,
  type: T,
  q: ListQueryInput,
  extra: Partial<LedgerQuery> = {},
): Promise<LedgerPage<Extract<LedgerEntry, { type: T }>> & { offset: number; limit: number }> {
  const from = q.from === undefined ? undefined : Date.parse(q.from);
  const to = q.to === undefined ? undefined : Date.parse(q.to);
  if (from !== undefined && to !== undefined && from >= to) throw new AppError('APP_ERR_INVALID_RANGE', '`from` must be before `to`');
  await assertFilterScope((ledgers as Partial<LedgerRouteDeps>).directory, principalOf(req), q);
  const page = await ledgers.ledgers.list({
    ...extra,
    type,
    mn: q.mn,
    enterpriseId: scopedEnterprise(principalOf(req), q.enterpriseId),
    siteId: q.siteId,
    pointId: q.pointId,
    factor: q.factor,
    kind: q.kind,
    states: q.state?.split(',').map((s) => (s === LEGACY_REGISTRATION_ACCEPTED ? 'accepted' : s)),
    from,
    to,
    offset: q.offset,
    limit: q.limit,
  });
  return { ...page, offset: q.offset, limit: q.limit };
}

/** 原因说明: the enterprise explains one of its own gaps or anomalies. */
export async function explainEntry<T extends 'gap' | 'anomaly'>(deps: ApiDeps, ledgers: LedgerApiDeps, req: FastifyRequest, type: T, id: string, text: string): Promise<Extract<LedgerEntry, { type: T }>> {
  const before = await loadEntry(ledgers, req, type, id);
  const after = await ledgerAction(() => explain(ledgers, id, text, ledgerActorOf(req)));
  await recordChange(deps, req, { action: 'explain', entity: { type, id }, before, after });
  return after as Extract<LedgerEntry, { type: T }>;
}

/** A regulator accepts or rejects an explanation, a back-fill or a registration. */
export async function reviewEntry<T extends LedgerType>(
  deps: ApiDeps,
  ledgers: LedgerApiDeps,
  req: FastifyRequest,
  type: T,
  id: string,
  body: { decision: Review['decision'] | typeof LEGACY_REGISTRATION_ACCEPTED; comment: string },
): Promise<Extract<LedgerEntry, { type: T }>> {
  const before = await loadEntry(ledgers, req, type, id);
  const decision = body.decision === LEGACY_REGISTRATION_ACCEPTED ? 'accepted' : body.decision;
  const { entry, covered } = await ledgerAction(() => review(ledgers, id, decision, body.comment, ledgerActorOf(req)));
  await recordChange(deps, req, { action: 'review', entity: { type, id }, before, after: covered === undefined ? entry : { ...entry, covered } });
  return entry as Extract<LedgerEntry, { type: T }>;
}
