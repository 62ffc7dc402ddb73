/**
 * The bound on what an enterprise main account can make the platform store: accounts and API tokens it creates for
 * its enterprise (HJ212_ENTERPRISE_ACCOUNTS_MAX each; SECURITY.md "API"). Records are never deleted (disabled and
 * revoked ones stay for the audit trail), so every stored one counts; an admin is not bound by it.
 */
import type { TokenRecord } from '../domain/catalog.js';
import { AppError } from '../errors.js';

/** Throw 409 when an enterprise creator's enterprise already holds `max` records of this kind. */
export function assertEnterpriseCap(creator: TokenRecord, held: number, max: number, what: 'accounts' | 'tokens'): void {
  if (creator.role !== 'enterprise' || held < max) return;
  throw new AppError('APP_ERR_CONFLICT', `enterprise ${creator.enterpriseId ?? ''} already has ${held} ${what}, the most an enterprise account may create (HJ212_ENTERPRISE_ACCOUNTS_MAX=${max})`);
}
