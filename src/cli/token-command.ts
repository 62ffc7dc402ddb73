/**
 * `hj212 token create --role R [--enterprise E] [--name N] | list | revoke <id>`: manages API tokens in Redis
 * directly, which is how the first admin token comes to exist. `create` prints the secret once (it is not stored);
 * nothing ever prints a hash. Output is JSON on stdout, diagnostics on stderr. Every change is audited with the
 * operating-system user as actor. Exit codes: 0 done, 1 failed (not found, Redis unreachable), 2 usage error.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadConfig } from '../config.js';
import { ROLES, type Actor, type AuditLog, type CatalogStore, type Role, type TokenStore } from '../domain/catalog.js';
import { createRedisAudit } from '../storage/redis/audit.js';
import { createRedisCatalog } from '../storage/redis/catalog.js';
import { createRedisTokens } from '../storage/redis/tokens.js';
import { defaultIo, EXIT, type CommandIo } from './command-io.js';

export const USAGE = `usage:
  hj212 token create --role admin|ops|enterprise|regulator|reader [--enterprise ID] [--name NAME]
  hj212 token list
  hj212 token revoke ID
`;

interface Stores {
  tokens: TokenStore;
  catalog: CatalogStore;
  audit: AuditLog;
  actor: Actor;
}

class UsageError extends Error {}

function print(io: CommandIo, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

function cliActor(): Actor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // no passwd entry (some containers): keep 'unknown'
  }
  return { tokenId: 'cli', name, role: 'cli' };
}

async function create(stores: Stores, io: CommandIo, values: { role?: string; enterprise?: string; name?: string }): Promise<number> {
  const role = values.role as Role | undefined;
  if (role === undefined || !ROLES.includes(role)) throw new UsageError(`create: --role must be one of ${ROLES.join(', ')}`);
  if ((role === 'enterprise') !== (values.enterprise !== undefined)) throw new UsageError('create: --enterprise is required for, and only for, --role enterprise');
  if (values.enterprise !== undefined && !(await stores.catalog.getEnterprise(values.enterprise))) {
    io.err(`create: no enterprise ${values.enterprise}\n`);
    return EXIT.failed;
  }
  const { record, secret } = await stores.tokens.create({
    name: values.name ?? `${role} token`,
    role,
    enterpriseId: values.enterprise,
    main: role === 'enterprise',
    createdBy: 'cli',
  });
  await stores.audit.append({ at: record.createdAt, actor: stores.actor, action: 'create', entity: { type: 'token', id: record.id }, after: record });
  print(io, { token: secret, record });
  io.err('the token is shown once: store it now\n');
  return EXIT.ok;
}

async function revoke(stores: Stores, io: CommandIo, id: string | undefined): Promise<number> {
  if (id === undefined) throw new UsageError('revoke: missing token id');
  const before = await stores.tokens.get(id);
  if (!before) {
    io.err(`revoke: no token ${id}\n`);
    return EXIT.failed;
  }
  const after = await stores.tokens.revoke(id);
  if (before.revokedAt === undefined) {
    await stores.audit.append({ at: new Date().toISOString(), actor: stores.actor, action: 'revoke', entity: { type: 'token', id }, before, after });
  }
  print(io, after);
  return EXIT.ok;
}

interface Parsed {
  command: 'create' | 'list' | 'revoke';
  id?: string;
  values: { role?: string; enterprise?: string; name?: string };
}

/** @throws UsageError, or TypeError ERR_PARSE_ARGS_* from parseArgs for unknown options */
function parse(args: string[]): Parsed {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { role: { type: 'string' }, enterprise: { type: 'string' }, name: { type: 'string' } },
  });
  const [command, id] = positionals;
  if (command === 'create' || command === 'list' || command === 'revoke') return { command, id, values };
  throw new UsageError(command === undefined ? 'missing command' : `unknown command ${command}`);
}

async function dispatch(stores: Stores, io: CommandIo, parsed: Parsed): Promise<number> {
  if (parsed.command === 'create') return create(stores, io, parsed.values);
  if (parsed.command === 'revoke') return revoke(stores, io, parsed.id);
  print(io, await stores.tokens.list());
  return EXIT.ok;
}

function isUsageError(err: unknown): boolean {
  return err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'));
}

/** Run `hj212 token ...` with the arguments after `token`; resolves to the exit code. */
export async function run(args: string[], io: CommandIo = defaultIo): Promise<number> {
  if (args[0] === 'help' || args.includes('--help') || args.includes('-h')) {
    io.out(USAGE);
    return EXIT.ok;
  }
  let redis: Redis | undefined;
  try {
    const parsed = parse(args);
    const config = loadConfig(io.env);
    // Fail fast instead of retrying forever while Redis is unreachable.
    redis = new Redis(config.redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
    await redis.connect();
    const { prefix } = config.redis;
    const stores: Stores = { tokens: createRedisTokens({ redis, prefix }), catalog: createRedisCatalog({ redis, prefix }), audit: createRedisAudit({ redis, prefix }), actor: cliActor() };
    return await dispatch(stores, io, parsed);
  } catch (err) {
    const usage = isUsageError(err);
    io.err(`token: ${(err as Error).message}\n${usage ? USAGE : ''}`);
    return usage ? EXIT.usage : EXIT.failed;
  } finally {
    redis?.disconnect();
  }
}
