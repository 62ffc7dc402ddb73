/**
 * Collector online status and which gateway instance holds each collector, in Redis hashes
 * `${prefix}status:${mn}` (kept after disconnect, so "last frame" survives) plus the set `${prefix}status`.
 * touch() is batched: one pipeline per second instead of one round trip per frame.
 */
import type { Redis } from 'ioredis';
import type { SessionDirectory, SessionInfo } from '../domain/ports.js';

const COUNTERS = ['framesToday', 'rejectionsToday', 'replaced'] as const;


// Delete the holder fields only if the connection that releases is still the one recorded.
const RELEASE = `if redis.call('HGET', KEYS[1], 'connectionId') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'connected', '0')
  redis.call('HDEL', KEYS[1], 'instanceId', 'connectionId')
end
return 0`;

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
    const pipe = redis.pipeline();
    for (const [mn, patch] of dirty) {
      const k = key(mn);
      for (const c of COUNTERS) if (patch[c]) pipe.hincrby(k, c === 'replaced' ? c : `${c}:${today}`, patch[c] as number);
      const stamps: Record<string, string> = {};
      if (patch.lastFrameAt !== undefined) stamps.lastFrameAt = String(patch.lastFrameAt);
      if (patch.lastAckAt !== undefined) stamps.lastAckAt = String(patch.lastAckAt);
      if (Object.keys(stamps).length) pipe.hset(k, stamps);
      pipe.sadd(`${opts.prefix}status`, mn);
    }
    dirty.clear();
    await pipe.exec();
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

