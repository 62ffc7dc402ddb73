/**
 * Collector online status and which gateway instance holds each collector, in Redis hashes
 * `${prefix}status:${mn}` (kept after disconnect, so "last frame" survives) plus the set `${prefix}status`.
 * touch() is batched: one script call per second instead of one round trip per frame; claims of one I/O phase go in
 * one script call.
 */
import type { Redis } from 'ioredis';
import type { SessionDirectory, SessionInfo } from '../../domain/ports.js';
import { defineScript, runScript } from './util.js';


// Delete the holder fields only if the connection that releases is still the one recorded.
const RELEASE = `if redis.call('HGET', KEYS[1], 'connectionId') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'connected', '0')
  redis.call('HDEL', KEYS[1], 'instanceId', 'connectionId')
end
return 0`;

// KEYS[1] the set of known MNs. ARGV: the day, the status key prefix, the flush time, then per MN the MN and its
// patch `<frames>,<rejections>,<replaced>,<last frame>,<last ack>` (counts added; times as ms before the flush time,
// empty = unchanged). One command per flush rather than three per MN, each MN sent once (its hash is named from the
// prefix): with thousands of collectors per-MN commands and key names would cost the gateway and Redis measurable CPU.
const APPLY_TOUCHES = defineScript(`
local day, prefix, base = ARGV[1], ARGV[2], tonumber(ARGV[3])
for a = 4, #ARGV - 1, 2 do
  local mn = ARGV[a]
  local k = prefix .. mn
  local frames, rejections, replaced, frame, ack = string.match(ARGV[a + 1], '^(%d*),(%d*),(%d*),(%-?%d*),(%-?%d*)$')
  if frames and frames ~= '' and frames ~= '0' then redis.call('HINCRBY', k, 'framesToday:' .. day, frames) end
  if rejections and rejections ~= '' and rejections ~= '0' then redis.call('HINCRBY', k, 'rejectionsToday:' .. day, rejections) end
  if replaced and replaced ~= '' and replaced ~= '0' then redis.call('HINCRBY', k, 'replaced', replaced) end
  if frame and frame ~= '' then redis.call('HSET', k, 'lastFrameAt', string.format('%.0f', base - tonumber(frame))) end
  if ack and ack ~= '' then redis.call('HSET', k, 'lastAckAt', string.format('%.0f', base - tonumber(ack))) end
  redis.call('SADD', KEYS[1], mn)
end
return (#ARGV - 3) / 2
`);

// KEYS[1] the set of known MNs. ARGV[1] the status key prefix, then per claim its MN, instance id, connection id,
// remote address, connect time and replacement count: the claims of one I/O phase (a fleet reconnecting after a
// gateway restart brings thousands in a second) in one command, each hash named from the prefix.
const APPLY_CLAIMS = defineScript(`
local prefix = ARGV[1]
for a = 2, #ARGV - 5, 6 do
  local mn = ARGV[a]
  local k = prefix .. mn
  redis.call('HSET', k, 'instanceId', ARGV[a + 1], 'connectionId', ARGV[a + 2], 'remote', ARGV[a + 3], 'connectedAt', ARGV[a + 4], 'connected', '1')
  if ARGV[a + 5] ~= '0' then redis.call('HINCRBY', k, 'replaced', ARGV[a + 5]) end
  redis.call('SADD', KEYS[1], mn)
end
return (#ARGV - 1) / 6
`);

interface Claim {
  info: SessionInfo;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** MNs per script call, so one call never blocks Redis for long. */
const FLUSH_CHUNK = 1000;

export function dayOf(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

export function createRedisSessions(redis: Redis, opts: { prefix: string; timeZone: string; flushMs?: number; now?: () => number }): SessionDirectory & { flush(): Promise<void>; close(): void } {
  const now = opts.now ?? Date.now;
  const key = (mn: string): string => `${opts.prefix}status:${mn}`;
  const dirty = new Map<string, Partial<SessionInfo>>();
  let claims: Claim[] = [];
  let claimsScheduled = false;
  /** The last claims call: a release waits for it (its EVALSHA may be retried as EVAL after a script flush). */
  let claimsSent: Promise<unknown> = Promise.resolve();

  /** Sends the queued claims now, in one script call (ioredis keeps the order of commands on the connection). */
  function sendClaims(): void {
    claimsScheduled = false;
    if (claims.length === 0) return;
    const batch = claims;
    claims = [];
    const args: Array<string | number> = [key('')];
    for (const { info } of batch) args.push(info.mn, info.instanceId, info.connectionId, info.remote, info.connectedAt, info.replaced ?? 0);
    claimsSent = runScript(redis, APPLY_CLAIMS, [`${opts.prefix}status`], args).then(
      () => batch.forEach((c) => c.resolve()),
      (err: unknown) => batch.forEach((c) => c.reject(err)),
    );
  }
  const timer = setInterval(() => void flush().catch(() => undefined), opts.flushMs ?? 1000);
  timer.unref();

  async function flush(): Promise<void> {
    if (dirty.size === 0) return;
    const at = now();
    const today = dayOf(at, opts.timeZone);
    const patches = [...dirty];
    dirty.clear();
    const ago = (ms: number | undefined): string | number => (ms === undefined ? '' : Math.round(at - ms));
    for (let start = 0; start < patches.length; start += FLUSH_CHUNK) {
      const args: Array<string | number> = [today, key(''), at];
      for (const [mn, patch] of patches.slice(start, start + FLUSH_CHUNK)) {
        args.push(mn, `${patch.framesToday ?? ''},${patch.rejectionsToday ?? ''},${patch.replaced ?? ''},${ago(patch.lastFrameAt)},${ago(patch.lastAckAt)}`);
      }
      await runScript(redis, APPLY_TOUCHES, [`${opts.prefix}status`], args);
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
    claim(info) {
      return new Promise<void>((resolve, reject) => {
        claims.push({ info, resolve, reject });
        if (claims.length >= FLUSH_CHUNK) sendClaims();
        else if (!claimsScheduled) {
          claimsScheduled = true;
          setImmediate(sendClaims);
        }
      });
    },
    release(mn, connectionId) {
      // After the claims still queued: a connection that closes at once must not be marked connected afterwards.
      sendClaims();
      return claimsSent.then(() => redis.eval(RELEASE, 1, key(mn), connectionId)).then(() => undefined);
    },
    touch(mn, patch) {
      // Called up to three times per frame: named fields on one shape, not a loop of keyed reads per call.
      let cur = dirty.get(mn);
      if (!cur) dirty.set(mn, (cur = { framesToday: undefined, rejectionsToday: undefined, replaced: undefined, lastFrameAt: undefined, lastAckAt: undefined }));
      if (patch.framesToday) cur.framesToday = (cur.framesToday ?? 0) + patch.framesToday;
      if (patch.rejectionsToday) cur.rejectionsToday = (cur.rejectionsToday ?? 0) + patch.rejectionsToday;
      if (patch.replaced) cur.replaced = (cur.replaced ?? 0) + patch.replaced;
      if (patch.lastFrameAt !== undefined) cur.lastFrameAt = patch.lastFrameAt;
      if (patch.lastAckAt !== undefined) cur.lastAckAt = patch.lastAckAt;
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

