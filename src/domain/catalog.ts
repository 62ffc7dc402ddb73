/**
 * The monitoring catalog (enterprises → sites → monitoring points → monitoring items), API tokens and the audit
 * trail: types and ports. Collectors themselves live in the DeviceRegistry (ports.ts); a Device is bound to a site
 * and point by its `siteId` / `pointId` / `enterpriseId`.
 *
 * For the checks pipeline: a reading of collector MN, factor F, kind K at time T is judged by the items of the
 * collector's point (`DeviceRegistry.get(mn).pointId` → {@link CatalogStore.listItems}) whose `factor` is F,
 * `enabled` is true and whose [startAt, endAt) contains T (absent bounds are open); `uploads` says which kinds are
 * expected and how often, the limits say what is out of bounds.
 */
import type { ValueKind } from './readings.js';

/** API roles. */
export const ROLES = ['admin', 'ops', 'enterprise', 'regulator', 'reader'] as const;
export type Role = (typeof ROLES)[number];

/** Fields every catalog record has. Records are never deleted: `enabled = false` retires them. */
export interface CatalogRecord {
  id: string;
  enabled: boolean;
  /** ISO 8601 UTC. */
  createdAt: string;
  updatedAt: string;
}

/** A polluting enterprise (排污单位). */
export interface Enterprise extends CatalogRecord {
  name: string;
  /** Unified social credit code (统一社会信用代码), when known. */
  creditCode?: string;
  /** Administrative region code or name, for regulators' filters. */
  region?: string;
}

/** A site (a plant or outfall area) of an enterprise. */
export interface Site extends CatalogRecord {
  enterpriseId: string;
  name: string;
  /** The enterprise's or regulator's own site code. */
  code?: string;
  address?: string;
  longitude?: number;
  latitude?: number;
}

/** A monitoring point (监测点, e.g. an outfall or a stack) under a site. */
export interface MonitoringPoint extends CatalogRecord {
  enterpriseId: string;
  siteId: string;
  name: string;
  code?: string;
  /** HJ212 system code (ST) the point's collector reports with, e.g. '32' gas emissions, '21' surface water. */
  st?: string;
}

/** How one kind of data is expected from a monitoring item: every `periodSeconds` seconds. */
export interface UploadSchedule {
  kind: ValueKind;
  periodSeconds: number;
}

/** A pollutant factor monitored at a point (监测项), with its limits and validity period. */
export interface MonitoringItem extends CatalogRecord {
  enterpriseId: string;
  siteId: string;
  pointId: string;
  /** Factor code from the protocol's factor table, e.g. 'w01018' (COD) or 'a34013' (particulates). */
  factor: string;
  /** Automatic (continuous analyser) or manual (lab sampling) monitoring. */
  mode: 'automatic' | 'manual';
  /** Expected uploads; at least one for automatic items, possibly none for manual ones. */
  uploads: UploadSchedule[];
  unit?: string;
  /** Emission standard limits (排放标准限值). */
  standardLower?: number;
  standardUpper?: number;
  /** Analyser range (量程); values outside it are not credible. */
  rangeLower?: number;
  rangeUpper?: number;
  /** Validity period, ISO 8601 with offset, start inclusive and end exclusive; absent bounds are open. */
  startAt?: string;
  endAt?: string;
}

/** Catalog persistence. `put*` inserts or replaces; the parent id of a record never changes after creation. */
export interface CatalogStore {
  getEnterprise(id: string): Promise<Enterprise | undefined>;
  listEnterprises(): Promise<Enterprise[]>;
  putEnterprise(enterprise: Enterprise): Promise<void>;
  getSite(id: string): Promise<Site | undefined>;
  /** All sites, or those of one enterprise. */
  listSites(filter?: { enterpriseId?: string }): Promise<Site[]>;
  putSite(site: Site): Promise<void>;
  getPoint(id: string): Promise<MonitoringPoint | undefined>;
  listPoints(siteId: string): Promise<MonitoringPoint[]>;
  putPoint(point: MonitoringPoint): Promise<void>;
  getItem(id: string): Promise<MonitoringItem | undefined>;
  listItems(pointId: string): Promise<MonitoringItem[]>;
  putItem(item: MonitoringItem): Promise<void>;
}

/** An API token as stored and shown; the secret itself is shown once at creation and only its hash is kept. */
export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  /** Set for enterprise tokens: the only enterprise whose data the token sees. */
  enterpriseId?: string;
  /** Enterprise main account: may create and revoke sub-account tokens of its enterprise. */
  main: boolean;
  /** Id of the token that created this one, or 'cli'. */
  createdBy: string;
  createdAt: string;
  revokedAt?: string;
}

/** What a new token is made of. */
export type NewToken = Pick<TokenRecord, 'name' | 'role' | 'enterpriseId' | 'main' | 'createdBy'>;

/** API token persistence. */
export interface TokenStore {
  /** Create a token: returns the record and the secret, which is not stored and cannot be recovered. */
  create(input: NewToken, now?: Date): Promise<{ record: TokenRecord; secret: string }>;
  /** The live (not revoked) token with this secret, if any. */
  verify(secret: string): Promise<TokenRecord | undefined>;
  get(id: string): Promise<TokenRecord | undefined>;
  /** All tokens, revoked ones included, or those of one enterprise. */
  list(filter?: { enterpriseId?: string }): Promise<TokenRecord[]>;
  /** Revoke; returns the updated record, or undefined when there is no such token. Revoking twice keeps the first time. */
  revoke(id: string, now?: Date): Promise<TokenRecord | undefined>;
}

/** Kinds of audited entities. */
export const AUDIT_ENTITY_TYPES = ['enterprise', 'site', 'point', 'item', 'collector', 'token', 'user', 'gap', 'anomaly', 'backfill', 'registration'] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

/** Audited actions; `explain` and `review` are ledger actions (docs/ledgers.md). */
export const AUDIT_ACTIONS = ['create', 'update', 'password', 'register', 'revoke', 'disable', 'enable', 'explain', 'review', 'command'] as const;

/** Who made a change: the token used (or the CLI, with the operating-system user as name). */
export interface Actor {
  tokenId: string;
  name: string;
  role: Role | 'cli';
  enterpriseId?: string;
}

/** One change. `before` / `after` are the public views of the entity (no password or token hashes). */
export interface AuditEntry {
  /** Stream id of the entry in the stream it was read from; pass it as `before` to page backwards. */
  id: string;
  /** ISO 8601 UTC. */
  at: string;
  actor: Actor;
  action: (typeof AUDIT_ACTIONS)[number];
  entity: { type: AuditEntityType; id: string };
  before?: unknown;
  after?: unknown;
}

/** Append-only audit trail, newest first when read. */
export interface AuditLog {
  append(entry: Omit<AuditEntry, 'id'>): Promise<void>;
  /** Newest entries first, of one entity or of all; `before` is an exclusive entry id to page backwards from. */
  list(options: { entity?: AuditEntry['entity']; limit: number; before?: string }): Promise<AuditEntry[]>;
}
