/** What the API is built from: ports only, so tests and the composition root choose the implementations. */
import type { AccountSettings } from '../config.js';
import type { UserStore, WebSessionStore } from '../domain/accounts.js';
import type { AuditLog, CatalogStore, TokenStore } from '../domain/catalog.js';
import type { DeviceRegistry, FactorBudget, SessionDirectory } from '../domain/ports.js';
import type { ReadingQuery } from '../domain/readings.js';
import type { Metrics } from '../metrics.js';
import type { LedgerApiDeps } from './ledger-deps.js';
import type { FrameLog } from '../domain/ports.js';
import type { ReverseControlDeps } from '../commands/reverse-control.js';

/** A dependency /ready checks, e.g. `{ name: 'influxdb', check: () => influx.ping() }`. */
export interface ReadinessProbe {
  name: string;
  /** Resolves true when reachable; a rejection counts as down. */
  check(): Promise<boolean>;
}

export interface ApiDeps {
  registry: DeviceRegistry;
  /** Online status; the API only reads it. */
  sessions: Pick<SessionDirectory, 'get' | 'list'>;
  catalog: CatalogStore;
  tokens: TokenStore;
  audit: AuditLog;
  readings: ReadingQuery;
  probes: readonly ReadinessProbe[];
  metrics: Metrics;
  /** Unknown factor codes per collector (shown as `unknownFactors` in a collector's status); absent = not shown. */
  factorBudget?: Pick<FactorBudget, 'unknown'>;
  /** The checks ledgers (gaps, anomalies, back-fills, registrations, monthly ledger); their routes exist only when given. */
  ledgers?: LedgerApiDeps;
  /** Reverse control (POST /collectors/:mn/commands, /commands); the routes exist only when given. */
  commands?: ReverseControlDeps;
  /** The frame log (GET /frames) and how many archive entries one request examines at most. */
  frames?: { log: FrameLog; scanMax: number };
  /** Operator accounts and browser sessions (/auth/*, /users, the session cookie); absent = bearer tokens only. */
  accounts?: AccountDeps;
}

/** Accounts, their sessions and the settings of both (HJ212_SESSION_*, HJ212_LOGIN_*, HJ212_COOKIE_SECURE). */
export interface AccountDeps {
  users: UserStore;
  sessions: WebSessionStore;
  settings: AccountSettings;
}

/** Options every route family can read. */
export interface RouteOptions {
  deps: ApiDeps;
  /** Zone readings are shown in when neither the request nor the collector says otherwise (HJ212_TIME_ZONE). */
  timeZone: string;
  /** Largest `limit` of a registry listing (HJ212_API_PAGE_MAX). */
  pageMax: number;
  /** Entries one bulk explain / review call changes at most (HJ212_API_BULK_MAX). */
  bulkMax: number;
  /** Clock of sessions and sign-in lockouts, ms. */
  now: () => number;
}
