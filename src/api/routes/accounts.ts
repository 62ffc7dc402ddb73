/**
 * Account routes (docs/api.md "Accounts and sessions"): sign-in and sessions (session.ts), account management
 * (users.ts). Both share one sign-in lockout and one password-hash limiter per process; nothing is registered when
 * the API has no account stores.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AccountDeps, RouteOptions } from '../deps.js';
import { createHashLimiter, type HashLimiter } from '../hash-limiter.js';
import { LoginLockout } from '../login-lockout.js';
import { sessionRoutes } from './session.js';
import { userRoutes } from './users.js';

/** What the account route families share. */
export interface AccountRuntime {
  accounts: AccountDeps;
  lockout: LoginLockout;
  hashes: HashLimiter;
  failures: FailureLog;
}

/** Route options of the account route families. */
export type AccountRouteOptions = RouteOptions & { runtime: AccountRuntime };

/** Failed sign-ins, logged as one summary line per interval (never a password; user names only when they lock). */
export interface FailureLog {
  failed(address: string): void;
  /** Log what is pending now (on close). */
  flush(): void;
}

const SUMMARY_MS = 10_000;

function createFailureLog(log: FastifyBaseLogger): FailureLog {
  let failures = 0;
  const addresses = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (failures === 0) return;
    const top = [...addresses].sort((a, b) => b[1] - a[1]).slice(0, 10);
    log.warn({ failures, addresses: addresses.size, top: Object.fromEntries(top) }, 'failed sign-ins');
    failures = 0;
    addresses.clear();
  };
  return {
    failed(address) {
      failures++;
      if (addresses.has(address) || addresses.size < 1000) addresses.set(address, (addresses.get(address) ?? 0) + 1);
      timer ??= setTimeout(flush, SUMMARY_MS).unref();
    },
    flush,
  };
}

export const accountRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, options) => {
  const accounts = options.deps.accounts;
  if (!accounts) return;
  const { login } = accounts.settings;
  const runtime: AccountRuntime = {
    accounts,
    lockout: new LoginLockout(login),
    hashes: createHashLimiter({ concurrency: login.hashConcurrency, queue: login.hashQueue }),
    failures: createFailureLog(app.log),
  };
  app.addHook('onClose', async () => runtime.failures.flush());
  await app.register(sessionRoutes, { ...options, runtime });
  await app.register(userRoutes, { ...options, runtime });
};
