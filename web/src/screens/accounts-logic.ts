/**
 * Logic of the accounts screens without the DOM: who manages accounts, the create bodies of tokens (POST /tokens)
 * and user accounts (POST /users) as the creator's role allows them, and the password rules checked before sending
 * (src/domain/accounts.ts: 8 to 256 UTF-8 bytes). Unit-tested in web/test/accounts-logic.test.ts.
 */
import { ROLES, type Role, type SessionUser } from '../api.js';

export const PASSWORD_MIN_BYTES = 8;
export const PASSWORD_MAX_BYTES = 256;

/** Admins, and enterprise main accounts for their own enterprise's sub-accounts (src/api/routes/tokens.ts, users.ts). */
export function managesAccounts(user: Pick<SessionUser, 'role' | 'main'>): boolean {
  return user.role === 'admin' || (user.role === 'enterprise' && user.main);
}

/** Roles the creator may give: an enterprise main account only enterprise sub-accounts. */
export function creatableRoles(creator: Role): readonly Role[] {
  return creator === 'admin' ? ROLES : ['enterprise'];
}

export interface AccountForm {
  /** Token name or user name. */
  name: string;
  role: string;
  enterpriseId: string;
  main: boolean;
  /** Users only. */
  password?: string;
}

/** The enterprise fields as the API takes them: only for enterprise accounts made by an admin. */
function enterpriseFields(f: AccountForm, creator: Role): Record<string, unknown> {
  if (creator !== 'admin' || f.role !== 'enterprise') return {};
  return { ...(f.enterpriseId ? { enterpriseId: f.enterpriseId } : {}), main: f.main };
}

export function tokenBodyOf(f: AccountForm, creator: Role): Record<string, unknown> {
  return { name: f.name.trim(), role: creator === 'admin' ? f.role : 'enterprise', ...enterpriseFields(f, creator) };
}

export function userBodyOf(f: AccountForm, creator: Role): Record<string, unknown> {
  return { username: f.name.trim(), password: f.password ?? '', role: creator === 'admin' ? f.role : 'enterprise', ...enterpriseFields(f, creator) };
}

/** A new password's problem as a message key of the accounts namespace, or undefined when it may be sent. */
export function passwordProblem(password: string, confirm?: string): 'password.short' | 'password.long' | 'password.mismatch' | undefined {
  const bytes = new TextEncoder().encode(password).length;
  if (bytes < PASSWORD_MIN_BYTES) return 'password.short';
  if (bytes > PASSWORD_MAX_BYTES) return 'password.long';
  if (confirm !== undefined && confirm !== password) return 'password.mismatch';
  return undefined;
}

/** An enterprise's name for a table cell (its id when unknown). */
export function enterpriseNameOf(enterprises: readonly { id: string; name: string }[], id: string | undefined): string {
  return id === undefined ? '' : (enterprises.find((e) => e.id === id)?.name ?? id);
}
