/**
 * Helpers every ledger route shares: the calling token as a ledger actor, the enterprise scope of a listing, and the
 * translation of the checks pipeline's LedgerError into the API's AppError codes (no new codes: a wrong state is a
 * 409 conflict with the entry's state in `detail`; values outside the measuring range are a 400 validation problem
 * with their field paths).
 */
import type { FastifyRequest } from 'fastify';
import type { TokenRecord } from '../domain/catalog.js';
import { LedgerError, type ActorRef, type LedgerEntry, type LedgerErrorCode } from '../domain/ledgers.js';
import { AppError, type AppErrorCode } from '../errors.js';
import { OutOfRangeError } from '../ledgers/backfills.js';
import { assertEnterpriseAccess, principalOf } from './auth.js';
import type { ApiDeps } from './deps.js';
import type { LedgerApiDeps } from './ledger-deps.js';
import { notFound } from './not-found.js';

const CODES: Readonly<Record<LedgerErrorCode, AppErrorCode>> = {
  'not-found': 'APP_ERR_NOT_FOUND',
  conflict: 'APP_ERR_CONFLICT',
  'invalid-state': 'APP_ERR_CONFLICT',
  'invalid-input': 'APP_ERR_BAD_REQUEST',
  forbidden: 'APP_ERR_FORBIDDEN',
};

/** Run a ledger action; its LedgerError becomes the matching AppError, anything else passes through. */
export async function ledgerAction<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    if (err instanceof OutOfRangeError) {
      throw new AppError('APP_ERR_VALIDATION', err.message, { cause: err, errors: err.problems.map((p) => ({ location: 'body', ...p })) });
    }
    if (err instanceof LedgerError) throw new AppError(CODES[err.code], err.message, { cause: err });
    throw err;
  }
}

/** The token of a request as the actor recorded in an entry's history. */
export function ledgerActorOf(req: FastifyRequest): ActorRef {
  const { id, name, role } = principalOf(req);
  return { tokenId: id, name, role };
}

/** The enterprise a listing is limited to: an enterprise token's own (asking for another is 403), else the query's. */
export function scopedEnterprise(token: TokenRecord, requested: string | undefined): string | undefined {
  if (token.role !== 'enterprise') return requested;
  assertEnterpriseAccess(token, requested ?? token.enterpriseId, `enterprise ${requested}`);
  return token.enterpriseId;
}

/** The ledger ports plus the registry and catalog, to check that listing filters name records of the token's scope. */
export type LedgerRouteDeps = LedgerApiDeps & { directory: Pick<ApiDeps, 'registry' | 'catalog'> };

/** The ledger ports, which exist whenever ledger routes are registered. */
export function ledgerDepsOf(deps: ApiDeps): LedgerRouteDeps {
  if (!deps.ledgers) throw new Error('ledger routes registered without ledger dependencies');
  return { ...deps.ledgers, directory: { registry: deps.registry, catalog: deps.catalog } };
}

/**
 * For an enterprise token, a listing filter naming a collector, site or point outside its enterprise (or one that
 * does not exist) is 404 like a path would be, instead of an empty page (docs/api.md "Enterprise scope").
 */
export async function assertFilterScope(directory: LedgerRouteDeps['directory'] | undefined, token: TokenRecord, q: { mn?: string; siteId?: string; pointId?: string }): Promise<void> {
  if (token.role !== 'enterprise' || !directory) return;
  if (q.mn !== undefined) assertEnterpriseAccess(token, (await directory.registry.get(q.mn))?.enterpriseId, `collector ${q.mn}`);
  if (q.siteId !== undefined) assertEnterpriseAccess(token, (await directory.catalog.getSite(q.siteId))?.enterpriseId, `site ${q.siteId}`);
  if (q.pointId !== undefined) assertEnterpriseAccess(token, (await directory.catalog.getPoint(q.pointId))?.enterpriseId, `point ${q.pointId}`);
}

/** Load an entry of the given type the token may see; 404 for unknown ids and for entries of another type. */
export async function loadEntry<T extends LedgerEntry['type']>(ledgers: LedgerApiDeps, req: FastifyRequest, type: T, id: string): Promise<Extract<LedgerEntry, { type: T }>> {
  const entry = await ledgers.ledgers.get(id);
  if (!entry || entry.type !== type) throw notFound(`${type} ${id}`);
  assertEnterpriseAccess(principalOf(req), entry.enterpriseId, `${type} ${id}`);
  return entry as Extract<LedgerEntry, { type: T }>;
}
