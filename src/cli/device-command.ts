/**
 * `hj212 device add|list|show|set|disable|enable|pending`: manages the registry in Redis directly, so a gateway is
 * usable before the HTTP API exists. Changes reach running gateways through the registry's pub/sub channel.
 * Prints JSON on stdout; diagnostics and the weak-password warning go to stderr. Exit codes: 0 done, 1 failed
 * (not found, already registered, Redis unreachable), 2 usage error.
 */
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../config.js';
import type { Device } from '../domain/device.js';
import { newDevice, publicDevice, validateMn } from '../domain/device-defaults.js';
import type { DeviceRegistry } from '../domain/ports.js';
import { createRedisRegistry } from '../storage/redis/registry.js';
import { applyOptions, parseDeviceArgs, USAGE, type DeviceArgs } from './device-options.js';
import { DEVICE_FLAGS, inFlagWords } from './cli-wording.js';
import { defaultIo, EXIT, type CommandIo } from './command-io.js';

interface Context {
  registry: DeviceRegistry;
  config: Config;
  io: CommandIo;
  args: DeviceArgs;
}

function print(io: CommandIo, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

function warnIfWeak(io: CommandIo, device: Device): void {
  if (device.weakPassword) io.err(`warning: the password of ${device.mn} is weak (a well-known default or guessable); set a stronger one\n`);
}

function needMn(ctx: Context): string | undefined {
  if (ctx.args.mn === undefined) ctx.io.err(`${ctx.args.command}: missing MN\n`);
  return ctx.args.mn;
}

async function addDevice(ctx: Context): Promise<number> {
  const { mn, options } = ctx.args;
  if (mn === undefined || options.password === undefined) {
    ctx.io.err('add: --mn and --password are required\n');
    return EXIT.usage;
  }
  const problem = validateMn(mn, options.allowMnLength ?? false, options.mnCharset);
  if (problem) {
    ctx.io.err(`add: ${problem}\n`);
    return EXIT.usage;
  }
  if (await ctx.registry.get(mn)) {
    ctx.io.err(`add: ${mn} is already registered (use set)\n`);
    return EXIT.failed;
  }
  // The deployment's defaults (HJ212_TIME_ZONE, HJ212_MAX_DATA_LENGTH) apply unless the command line says otherwise.
  const defaults = { timeZone: ctx.config.timeZone, maxDataLength: ctx.config.tcp.maxDataLength };
  const device = newDevice({ ...defaults, ...options, mn, password: options.password });
  await ctx.registry.put(device);
  warnIfWeak(ctx.io, device);
  print(ctx.io, publicDevice(device));
  return EXIT.ok;
}

async function loadDevice(ctx: Context): Promise<Device | undefined> {
  const mn = needMn(ctx);
  if (mn === undefined) return undefined;
  const device = await ctx.registry.get(mn);
  if (!device) ctx.io.err(`${ctx.args.command}: ${mn} is not registered\n`);
  return device;
}

async function showDevice(ctx: Context): Promise<number> {
  const device = await loadDevice(ctx);
  if (!device) return ctx.args.mn === undefined ? EXIT.usage : EXIT.failed;
  print(ctx.io, publicDevice(device));
  return EXIT.ok;
}

async function changeDevice(ctx: Context, change: (device: Device, now: Date) => Device | string): Promise<number> {
  const device = await loadDevice(ctx);
  if (!device) return ctx.args.mn === undefined ? EXIT.usage : EXIT.failed;
  const next = change(device, new Date());
  if (typeof next === 'string') {
    ctx.io.err(`${ctx.args.command}: ${next}\n`);
    return EXIT.usage;
  }
  await ctx.registry.put(next);
  if (ctx.args.options.password !== undefined) warnIfWeak(ctx.io, next);
  print(ctx.io, publicDevice(next));
  return EXIT.ok;
}

function setEnabled(enabled: boolean) {
  return (device: Device, now: Date): Device => ({ ...device, enabled, updatedAt: now.toISOString() });
}

const COMMANDS: Record<string, (ctx: Context) => Promise<number>> = {
  add: addDevice,
  show: showDevice,
  list: async (ctx) => {
    print(ctx.io, (await ctx.registry.list()).map(publicDevice));
    return EXIT.ok;
  },
  pending: async (ctx) => {
    print(ctx.io, await ctx.registry.listPending());
    return EXIT.ok;
  },
  set: (ctx) => changeDevice(ctx, (device, now) => applyOptions(device, ctx.args.options, now)),
  disable: (ctx) => changeDevice(ctx, setEnabled(false)),
  enable: (ctx) => changeDevice(ctx, setEnabled(true)),
};

/** Connect once, without reconnecting: a CLI should fail at once with the reason when Redis is down. */
async function connect(config: Config): Promise<Redis> {
  const redis = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  // connect() only says "Connection is closed"; the reason (ECONNREFUSED, auth ...) arrives as an 'error' event,
  // which also keeps ioredis from printing it raw.
  let reason: Error | undefined;
  redis.on('error', (err: Error) => (reason ??= err));
  try {
    await redis.connect();
    return redis;
  } catch (err) {
    redis.disconnect();
    // host:port only: the URL may carry a password.
    throw new Error(`cannot connect to Redis at ${new URL(config.redis.url).host}: ${(reason ?? (err as Error)).message}`);
  }
}

function loadConfigOrReport(io: CommandIo): Config | undefined {
  try {
    return loadConfig(io.env);
  } catch (err) {
    io.err(`${(err as Error).message}\n`);
    return undefined;
  }
}

/**
 * Run `hj212 device` with the arguments after `device`; resolves to the process exit code.
 */
export async function run(args: string[], given: CommandIo = defaultIo): Promise<number> {
  // Domain messages name fields as the API does (allowMnLength); here the user typed flags (--allow-mn-length).
  const io: CommandIo = { ...given, err: (text) => given.err(inFlagWords(text, DEVICE_FLAGS)) };
  const { parsed, help, problems } = parseDeviceArgs(args);
  if (help) {
    io.out(`${USAGE}\n`);
    return EXIT.ok;
  }
  const handler = parsed && COMMANDS[parsed.command];
  if (!parsed || !handler || problems.length > 0) {
    const all = parsed && !handler ? [`unknown command '${parsed.command}'`, ...problems] : problems;
    io.err(`${all.map((p) => `error: ${p}`).join('\n')}\n${USAGE}\n`);
    return EXIT.usage;
  }
  const config = loadConfigOrReport(io);
  if (!config) return EXIT.usage;
  let redis: Redis;
  try {
    redis = await connect(config);
  } catch (err) {
    io.err(`error: ${(err as Error).message}\n`);
    return EXIT.failed;
  }
  const registry = createRedisRegistry({ redis, prefix: config.redis.prefix, cache: false });
  try {
    return await handler({ registry, config, io, args: parsed });
  } catch (err) {
    io.err(`error: ${(err as Error).message}\n`);
    return EXIT.failed;
  } finally {
    await registry.close();
    await redis.quit();
  }
}
