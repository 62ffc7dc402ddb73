/**
 * Operator accounts (user name + password) and their browser sessions: types and ports. An account carries the same
 * role and enterprise scope as a token (catalog.ts TokenRecord); a signed-in request gets a principal of the token's
 * shape (`id: 'user:<username>'`), so routes, scope checks, the audit actor and the command ledger work unchanged.
 * Password hashes never leave the store: it hashes and verifies itself (scrypt, src/storage/redis/user-passwords.ts).
 */
import type { Role, TokenRecord } from './catalog.js';

/** User names: a letter or digit, then up to 63 letters, digits, `_`, `.`, `@` or `-` (safe in Redis keys and logs). */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;

/** Password length bounds, in UTF-8 bytes: short ones are guessable, long ones would make scrypt work for free. */
export const PASSWORD_MIN_BYTES = 8;
export const PASSWORD_MAX_BYTES = 256;

/** Why a password is refused, or undefined when its length is acceptable. */
export function passwordProblem(password: string): string | undefined {
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes < PASSWORD_MIN_BYTES) return `at least ${PASSWORD_MIN_BYTES} bytes`;
  if (bytes > PASSWORD_MAX_BYTES) return `at most ${PASSWORD_MAX_BYTES} bytes`;
  return undefined;
}

/** An account as stored and shown (the password hash is not part of it). */
export interface UserRecord {
  username: string;
  role: Role;
  /** Set for enterprise accounts: the only enterprise whose data the account sees. */
  enterpriseId?: string;
  /** Enterprise main account: creates, disables and resets its enterprise's sub-accounts. */
  main: boolean;
  /** Principal id of the creator (`user:<name>`, a token id) or 'cli'. */
  createdBy: string;
  /** ISO 8601 UTC. */
  createdAt: string;
  /** Set while the account is disabled. */
  disabledAt?: string;
  /** Last password change, ISO 8601 UTC. */
  passwordChangedAt?: string;
}

/** What a new account is made of. */
export type NewUser = Pick<UserRecord, 'username' | 'role' | 'enterpriseId' | 'main' | 'createdBy'> & { password: string };

/** Account persistence. Every password given is hashed by the store; nothing returns a hash. */
export interface UserStore {
  /** Create the account; undefined when the user name is taken. */
  create(input: NewUser, now?: Date): Promise<UserRecord | undefined>;
  get(username: string): Promise<UserRecord | undefined>;
  /** All accounts (disabled ones included), or those of one enterprise, oldest first. */
  list(filter?: { enterpriseId?: string }): Promise<UserRecord[]>;
  /**
   * The account when `password` is its password, else undefined. Takes the same work whether the user exists or not
   * (an unknown name is checked against a dummy hash). Disabled accounts are returned: the caller decides.
   */
  verify(username: string, password: string): Promise<UserRecord | undefined>;
  /** Replace the password; undefined when there is no such account. */
  setPassword(username: string, password: string, now?: Date): Promise<UserRecord | undefined>;
  /** Disable (true) or enable (false); undefined when there is no such account. Disabling twice keeps the first time. */
  setDisabled(username: string, disabled: boolean, now?: Date): Promise<UserRecord | undefined>;
}

/** A signed-in browser session. Times are epoch ms. */
export interface WebSession {
  username: string;
  /** Sent back by the browser in `X-CSRF-Token` on every unsafe request. */
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  /** When it ends unless used again: the earlier of idle expiry and absolute expiry. */
  expiresAt: number;
}

/**
 * Browser sessions. The secret (the cookie value) is stored only as its SHA-256. A session ends after `idleMs`
 * without use or `maxMs` after sign-in, whichever comes first; each account keeps at most `perUser` sessions (a new
 * one drops the oldest).
 */
export interface WebSessionStore {
  /** Start a session; `dropped` counts older sessions of the user ended by the per-user cap. */
  create(username: string, now: number): Promise<{ secret: string; session: WebSession; dropped: number }>;
  /** The live session with this secret, its idle expiry renewed; undefined when unknown or expired. */
  touch(secret: string, now: number): Promise<WebSession | undefined>;
  /** End one session (unknown secrets are ignored). */
  delete(secret: string): Promise<void>;
  /** End every session of the user but the one with `exceptSecret`; returns how many ended. */
  deleteAll(username: string, exceptSecret?: string): Promise<number>;
}

/** Principal id of an account, so audit entries and the command ledger tell accounts from tokens. */
export function userPrincipalId(username: string): string {
  return `user:${username}`;
}

/** The account as a request principal, in the token's shape. */
export function principalOfUser(user: UserRecord): TokenRecord {
  const principal: TokenRecord = { id: userPrincipalId(user.username), name: user.username, role: user.role, main: user.main, createdBy: user.createdBy, createdAt: user.createdAt };
  if (user.enterpriseId !== undefined) principal.enterpriseId = user.enterpriseId;
  return principal;
}
