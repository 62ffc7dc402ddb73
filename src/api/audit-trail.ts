/** Recording changes made through the API in the audit log: who (the token), when, and the entity before/after. */
import type { FastifyRequest } from 'fastify';
import type { Actor, AuditEntry } from '../domain/catalog.js';
import { principalOf } from './auth.js';
import type { ApiDeps } from './deps.js';

/** The token of a request as an audit actor. */
export function actorOf(req: FastifyRequest): Actor {
  const { id, name, role, enterpriseId } = principalOf(req);
  return enterpriseId === undefined ? { tokenId: id, name, role } : { tokenId: id, name, role, enterpriseId };
}

/**
 * Append one change. `before` / `after` must already be public views (no password or token hashes). Called after
 * the change is stored: a change that failed is not audited; a crash in between loses the entry (documented).
 */
export async function recordChange(
  deps: Pick<ApiDeps, 'audit'>,
  req: FastifyRequest,
  change: { action: AuditEntry['action']; entity: AuditEntry['entity']; before?: unknown; after?: unknown },
): Promise<void> {
  await deps.audit.append({ at: new Date().toISOString(), actor: actorOf(req), ...change });
}
