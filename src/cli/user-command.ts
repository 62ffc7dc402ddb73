/**
 * `hj212 user create|list|disable|enable|reset-password`: operator accounts in Redis directly, which is how the first
 * admin account comes to exist. The password is prompted without echo on a terminal, read from stdin otherwise, and
 * never printed; output is JSON records on stdout, diagnostics on stderr. Every change is audited with the
 * operating-system user as actor; disabling an account or resetting its password ends its sessions. Exit codes:
 * 0 done, 1 failed (not found, exists, Redis unreachable), 2 usage error.
 */
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadConfig } from '../config.js';
import { passwordProblem, USERNAME_PATTERN, type UserStore, type WebSessionStore } from '../domain/accounts.js';
import { ROLES, type Actor, type AuditLog, type CatalogStore, type Role } from '../domain/catalog.js';
import { createRedisAudit } from '../storage/redis/audit.js';
import { createRedisCatalog } from '../storage/redis/catalog.js';
import { createRedisUsers } from '../storage/redis/users.js';
import { createRedisWebSessions } from '../storage/redis/web-sessions.js';
import { cliActor } from './cli-actor.js';
import { defaultIo, EXIT, type CommandIo } from './command-io.js';
import { readPassword, type PasswordSource } from './read-password.js';

export const USAGE = `usage:
  hj212 user create <username> --role admin|ops|enterprise|regulator|reader [--enterprise ID] [--main]
  hj212 user list
  hj212 user disable <username>
  hj212 user enable <username>
  hj212 user reset-password <username>

The password is prompted without echo on a terminal, or read as the first line of stdin:
  printf '%s\\n' "$PASSWORD" | npx hj212 user create admin --role admin
Passwords are 8 to 256 bytes. --enterprise is required for, and only for, --role enterprise; --main makes an
enterprise account its enterprise's main account (it manages the sub-accounts).
`;

const COMMANDS = ['create', 'list', 'disable', 'enable', 'reset-password'] as const;
type Command = (typeof COMMANDS)[number];

interface Stores {
  users: UserStore;
  sessions: WebSessionStore;
  catalog: CatalogStore;
  audit: AuditLog;
  actor: Actor;
  password: PasswordSource;
}

interface Parsed {
  command: Command;
  username?: string;
  values: { role?: string; enterprise?: string; main?: boolean };
}

class UsageError extends Error {}

function print(io: CommandIo, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

async function newPassword(stores: Stores, command: string): Promise<string> {
  const password = await readPassword(stores.password, true);
  const problem = passwordProblem(password);
  if (problem !== undefined) throw new UsageError(`${command}: the password must be ${problem}`);
  return password;
}

async function create(stores: Stores, io: CommandIo, username: string, values: Parsed['values']): Promise<number> {
  const role = values.role as Role | undefined;
  if (role === undefined || !ROLES.includes(role)) throw new UsageError(`create: --role must be one of ${ROLES.join(', ')}`);
  if ((role === 'enterprise') !== (values.enterprise !== undefined)) throw new UsageError('create: --enterprise is required for, and only for, --role enterprise');
  if (values.main === true && role !== 'enterprise') throw new UsageError('create: --main applies to --role enterprise only');
  if (values.enterprise !== undefined && !(await stores.catalog.getEnterprise(values.enterprise))) {
    io.err(`create: no enterprise ${values.enterprise}\n`);
    return EXIT.failed;
  }
  if (await stores.users.get(username)) {
    io.err(`create: user ${username} exists\n`);
    return EXIT.failed;
  }
  const password = await newPassword(stores, 'create');
  const record = await stores.users.create({ username, password, role, enterpriseId: values.enterprise, main: values.main === true, createdBy: 'cli' });
  if (!record) {
    io.err(`create: user ${username} exists\n`);
    return EXIT.failed;
  }
  await stores.audit.append({ at: record.createdAt, actor: stores.actor, action: 'create', entity: { type: 'user', id: username }, after: record });
  print(io, record);
  return EXIT.ok;
}

async function change(stores: Stores, io: CommandIo, command: 'disable' | 'enable' | 'reset-password', username: string): Promise<number> {
  const before = await stores.users.get(username);
  if (!before) {
    io.err(`${command}: no user ${username}\n`);
    return EXIT.failed;
  }
  const at = new Date();
  if (command === 'reset-password') {
    const after = await stores.users.setPassword(username, await newPassword(stores, command), at);
    await stores.sessions.deleteAll(username);
    await stores.audit.append({ at: at.toISOString(), actor: stores.actor, action: 'password', entity: { type: 'user', id: username }, before, after });
    print(io, after);
    return EXIT.ok;
  }
  const after = await stores.users.setDisabled(username, command === 'disable', at);
  if (command === 'disable') await stores.sessions.deleteAll(username);
  if ((before.disabledAt === undefined) === (command === 'disable')) {
    await stores.audit.append({ at: at.toISOString(), actor: stores.actor, action: command, entity: { type: 'user', id: username }, before, after });
  }
  print(io, after);
  return EXIT.ok;
}

/** @throws UsageError, or TypeError ERR_PARSE_ARGS_* from parseArgs for unknown options */
function parse(args: string[]): Parsed {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { role: { type: 'string' }, enterprise: { type: 'string' }, main: { type: 'boolean' } },
  });
  const [command, username, extra] = positionals;
  if (command === undefined) throw new UsageError('missing command');
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command ${command}`);
  if (extra !== undefined) throw new UsageError(`${command}: unexpected argument ${extra}`);
  if (command === 'list') {
    if (username !== undefined) throw new UsageError(`list: unexpected argument ${username}`);
    return { command, values };
  }
  if (username === undefined) throw new UsageError(`${command}: missing <username>`);
  if (!USERNAME_PATTERN.test(username)) throw new UsageError(`${command}: <username> must be a letter or digit, then up to 63 letters, digits, _ . @ or -`);
  if (command !== 'create' && (values.role !== undefined || values.enterprise !== undefined || values.main !== undefined)) {
    throw new UsageError(`${command}: --role, --enterprise and --main apply to create only`);
  }
  return { command: command as Command, username, values };
}

async function dispatch(stores: Stores, io: CommandIo, parsed: Parsed): Promise<number> {
  if (parsed.command === 'list') {
    print(io, await stores.users.list());
    return EXIT.ok;
  }
  const username = parsed.username ?? '';
  if (parsed.command === 'create') return create(stores, io, username, parsed.values);
  return change(stores, io, parsed.command, username);
}

function isUsageError(err: unknown): boolean {
  return err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'));
}

/** Run `hj212 user ...` with the arguments after `user`; resolves to the exit code. */
export async function run(args: string[], io: CommandIo = defaultIo, password: PasswordSource = { stdin: process.stdin, prompt: (text) => io.err(text) }): Promise<number> {
  if (args[0] === 'help' || args.includes('--help') || args.includes('-h')) {
    io.out(USAGE);
    return EXIT.ok;
  }
  let redis: Redis | undefined;
  let connectionError: Error | undefined;
  try {
    const parsed = parse(args);
    const config = loadConfig(io.env);
    // Fail fast instead of retrying forever while Redis is unreachable.
    redis = new Redis(config.redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
    // Reported once below (not as ioredis' "unhandled error event"); the URL is not printed (it may hold a password).
    redis.on('error', (err: Error) => (connectionError ??= err));
    await redis.connect();
    const { prefix } = config.redis;
    const { sessionIdleMs: idleMs, sessionMaxMs: maxMs, sessionsPerUser: perUser } = config.accounts;
    const stores: Stores = {
      users: createRedisUsers({ redis, prefix }),
      sessions: createRedisWebSessions({ redis, prefix, idleMs, maxMs, perUser }),
      catalog: createRedisCatalog({ redis, prefix }),
      audit: createRedisAudit({ redis, prefix }),
      actor: cliActor(),
      password,
    };
    return await dispatch(stores, io, parsed);
  } catch (err) {
    const usage = isUsageError(err);
    const message = connectionError ? `Redis unreachable: ${connectionError.message}` : (err as Error).message;
    io.err(`user: ${message}\n${usage ? USAGE : ''}`);
    return usage ? EXIT.usage : EXIT.failed;
  } finally {
    redis?.disconnect();
  }
}
