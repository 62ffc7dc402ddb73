/** Small ioredis helpers: Lua scripts by SHA without mutating the caller's connection, and checked transactions. */
import { createHash } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';

/** A Lua script and its SHA-1, computed once. */
export interface Script {
  source: string;
  sha: string;
}

/** Wrap Lua source for {@link runScript}. */
export function defineScript(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * EVALSHA, or EVAL when the server does not have the script cached yet (first call, restart, SCRIPT FLUSH).
 */
export async function runScript(redis: Redis, script: Script, keys: readonly string[], args: ReadonlyArray<string | number | Buffer>): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return redis.eval(script.source, keys.length, ...keys, ...args);
  }
}

/**
 * Execute a pipeline or MULTI and return the replies; ioredis reports per-command errors inside the result array,
 * which is easy to ignore by accident, so the first one is thrown here.
 */
export async function execAll(commands: ChainableCommander): Promise<unknown[]> {
  const results = await commands.exec();
  if (results === null) throw new Error('redis transaction aborted');
  return results.map(([err, reply]) => {
    if (err) throw err;
    return reply;
  });
}
