/**
 * The steps every registry route repeats (enterprises, sites, points, items, collectors): load a record or 404,
 * hide it from tokens of other enterprises (answered like an unknown one, docs/api.md "Enterprise scope"), store
 * it, and record the change in the audit trail. A route file says only what is special about its records.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AuditEntry } from '../domain/catalog.js';
import { recordChange } from './audit-trail.js';
import { assertEnterpriseAccess, principalOf } from './auth.js';
import type { ApiDeps } from './deps.js';
import { found } from './not-found.js';

/** How to reach one kind of registry record. */
export interface RegistryKind<T> {
  /** Audit entity type, also the word of the 404 detail (`<type> <id>`). */
  type: AuditEntry['entity']['type'];
  get(id: string): Promise<T | undefined>;
  put(record: T): Promise<void>;
  /** The enterprise owning the record (undefined: none, hidden from enterprise tokens). */
  enterpriseOf(record: T): string | undefined;
  /** The audited (public) view of a record; the record itself by default. */
  view?(record: T): unknown;
  /** The record's id in the audit trail. */
  idOf(record: T): string;
}

export interface RegistryRecords<T> {
  /** The record, or 404 `<type> <id>`. */
  load(id: string): Promise<T>;
  /** The record if the request's token may see it, else the same 404 as an unknown id. */
  loadVisible(req: FastifyRequest, id: string): Promise<T>;
  /** Store a new record and audit its creation. */
  create(req: FastifyRequest, record: T): Promise<T>;
  /** Store the changed record and audit the change (`update` unless another action is named). */
  update(req: FastifyRequest, before: T, after: T, action?: AuditEntry['action']): Promise<T>;
}

/** The CRUD steps for one kind of record. */
export function registryRecords<T>(deps: Pick<ApiDeps, 'audit'>, kind: RegistryKind<T>): RegistryRecords<T> {
  const view = kind.view ?? ((r: T) => r);
  const load = async (id: string): Promise<T> => found(await kind.get(id), `${kind.type} ${id}`);
  return {
    load,
    async loadVisible(req, id) {
      const record = await load(id);
      assertEnterpriseAccess(principalOf(req), kind.enterpriseOf(record), `${kind.type} ${id}`);
      return record;
    },
    async create(req, record) {
      await kind.put(record);
      await recordChange(deps, req, { action: 'create', entity: { type: kind.type, id: kind.idOf(record) }, after: view(record) });
      return record;
    },
    async update(req, before, after, action = 'update') {
      await kind.put(after);
      await recordChange(deps, req, { action, entity: { type: kind.type, id: kind.idOf(after) }, before: view(before), after: view(after) });
      return after;
    },
  };
}

/** A new catalog record of `fields`: a fresh id, enabled, created and updated now. */
export function newRecord<F extends object>(fields: F): { id: string } & F & { enabled: true; createdAt: string; updatedAt: string } {
  const now = new Date().toISOString();
  return { id: randomUUID(), ...fields, enabled: true, createdAt: now, updatedAt: now };
}

/** `before` with `patch` applied and `updatedAt` now. */
export function patchedRecord<T extends { updatedAt: string }>(before: T, patch: Partial<T>): T {
  return { ...before, ...patch, updatedAt: new Date().toISOString() };
}
