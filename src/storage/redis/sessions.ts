/**
 * Collector online status and which gateway instance holds each collector, in Redis hashes
 * `${prefix}status:${mn}` (kept after disconnect, so "last frame" survives) plus the set `${prefix}status`.
 * touch() is batched: one script call per second instead of one round trip per frame.
 */
import type { Redis } from 'ioredis';
import type { SessionDirectory, SessionInfo } from '../../domain/ports.js';
import { defineScript, runScript } from './util.js';

const COUNTERS = ['framesToday', 'rejectionsToday', 'replaced'] as const;


// Delete the holder fields only if the connection that releases is still the one recorded.
const RELEASE = `if redis.call('HGET', KEYS[1], 'connectionId') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'connected', '0')
  redis.call('HDEL', KEYS[1], 'instanceId', 'connectionId')
end
return 0`;

// KEYS[1] the set of known MNs, then one status hash per MN; ARGV[1] the day, then per MN its frame, rejection and
// replacement counts, last frame and last ack time ('' = unchanged) and the MN. One command per flush rather than three
// per MN: with thousands of collectors the per-MN commands would cost the gateway measurable CPU.
const APPLY_TOUCHES = defineScript(`
local day = ARGV[1]
local a = 2
for i = 2, #KEYS do
  local k = KEYS[i]
  if ARGV[a] ~= '0' then redis.call('HINCRBY', k, 'framesToday:' .. day, ARGV[a]) end
  if ARGV[a + 1] ~= '0' then redis.call('HINCRBY', k, 'rejectionsToday:' .. day, ARGV[a + 1]) end
  if ARGV[a + 2] ~= '0' then redis.call('HINCRBY', k, 'replaced', ARGV[a + 2]) end
  if ARGV[a + 3] ~= '' then redis.call('HSET', k, 'lastFrameAt', ARGV[a + 3]) end
  if ARGV[a + 4] ~= '' then redis.call('HSET', k, 'lastAckAt', ARGV[a + 4]) end
  redis.call('SADD', KEYS[1], ARGV[a + 5])
  a = a + 6
end
return #KEYS - 1
`);

/** MNs per script call, so one call never blocks Redis for long. */
const FLUSH_CHUNK = 1000;

export function dayOf(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

export function createRedisSessions(redis: Redis, opts: { prefix: string; timeZone: string; flushMs?: number; now?: () => number }): SessionDirectory & { flush(): Promise<void>; close(): void } {
  const now = opts.now ?? Date.now;
  const key = (mn: string): string => `${opts.prefix}status:${mn}`;
  const dirty = new Map<string, Partial<SessionInfo>>();
  const timer = setInterval(() => void flush().catch(() => undefined), opts.flushMs ?? 1000);
  timer.unref();

  async function flush(): Promise<void> {
    if (dirty.size === 0) return;
    const today = dayOf(now(), opts.timeZone);
    const patches = [...dirty];
    dirty.clear();
    for (let start = 0; start < patches.length; start += FLUSH_CHUNK) {
      const keys = [`${opts.prefix}status`];
      const args: Array<string | number> = [today];
      for (const [mn, patch] of patches.slice(start, start + FLUSH_CHUNK)) {
        keys.push(key(mn));
        args.push(patch.framesToday ?? 0, patch.rejectionsToday ?? 0, patch.replaced ?? 0, patch.lastFrameAt ?? '', patch.lastAckAt ?? '', mn);
      }
      await runScript(redis, APPLY_TOUCHES, keys, args);
    }
  }

  function parse(mn: string, h: Record<string, string>): SessionInfo | undefined {
    if (Object.keys(h).length === 0) return undefined;
    const today = dayOf(now(), opts.timeZone);
    const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
    return {
      mn,
      instanceId: h.connected === '1' ? (h.instanceId ?? '') : '',
      connectionId: h.connected === '1' ? (h.connectionId ?? '') : '',
      remote: h.remote ?? '',
      connectedAt: Number(h.connectedAt ?? 0),
      lastFrameAt: num(h.lastFrameAt),
      lastAckAt: num(h.lastAckAt),
      framesToday: Number(h[`framesToday:${today}`] ?? 0),
      rejectionsToday: Number(h[`rejectionsToday:${today}`] ?? 0),
      replaced: Number(h.replaced ?? 0),
    };
  }

  return {
    async claim(info) {
      const k = key(info.mn);
      const pipe = redis.pipeline();
      pipe.hset(k, { instanceId: info.instanceId, connectionId: info.connectionId, remote: info.remote, connectedAt: String(info.connectedAt), connected: '1' });
      if (info.replaced) pipe.hincrby(k, 'replaced', info.replaced);
      pipe.sadd(`${opts.prefix}status`, info.mn);
      await pipe.exec();
    },
    async release(mn, connectionId) {
      await redis.eval(RELEASE, 1, key(mn), connectionId);
    },
    touch(mn, patch) {
      const cur = dirty.get(mn) ?? {};
      for (const c of COUNTERS) if (patch[c]) cur[c] = ((cur[c] as number | undefined) ?? 0) + (patch[c] as number);
      if (patch.lastFrameAt !== undefined) cur.lastFrameAt = patch.lastFrameAt;
      if (patch.lastAckAt !== undefined) cur.lastAckAt = patch.lastAckAt;
      dirty.set(mn, cur);
    },
    async get(mn) {
      return parse(mn, await redis.hgetall(key(mn)));
    },
    async list() {
      const mns = await redis.smembers(`${opts.prefix}status`);
      const pipe = redis.pipeline();
      for (const mn of mns) pipe.hgetall(key(mn));
      const res = (await pipe.exec()) ?? [];
      return mns.flatMap((mn, i) => {
        const s = parse(mn, (res[i]?.[1] as Record<string, string>) ?? {});
        return s ? [s] : [];
      });
    },
    flush,
    close() {
      clearInterval(timer);
    },
  };
}

