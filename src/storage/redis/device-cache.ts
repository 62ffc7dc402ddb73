/**
 * In-process cache of device records for the per-frame registry lookup, kept fresh by Redis pub/sub: every `put`
 * publishes the MN on the registry channel and every gateway drops its copy. The cache is only trusted while the
 * subscription is live; after a lost subscriber connection it starts empty again, since invalidations may have
 * been missed meanwhile.
 */
import type { Redis } from 'ioredis';
import type { Device } from '../../domain/device.js';
import type { Logger } from '../../log.js';

/** Cache of MN → device (or "known absent"), invalidated over pub/sub. */
export interface DeviceCache {
  /** Cached answer, or `fetch` (coalesced per MN) whose answer is cached unless an invalidation raced it. */
  load(mn: string, fetch: () => Promise<Device | undefined>): Promise<Device | undefined>;
  /**
   * Many MNs at once (listings): cached ones from memory, the others with one `fetchMany` call, whose answers are
   * cached unless an invalidation raced it. So a registry listing decodes only what changed since the last one.
   */
  loadMany(mns: readonly string[], fetchMany: (missing: string[]) => Promise<Array<Device | undefined>>): Promise<Array<Device | undefined>>;
  /**
   * The whole registry as `build` makes it (listing and index), kept until the next invalidation: every `put`
   * publishes, so while the subscription is live no device was added or changed since it was built.
   */
  whole<T>(build: () => Promise<T>): Promise<T>;
  /** The cached answer without a promise: a device, null when known absent, undefined when not cached (or not live). */
  peek(mn: string): Device | null | undefined;
  /** Drop one MN locally (the publisher also hears its own message; this covers the window before it arrives). */
  invalidate(mn: string): void;
  close(): Promise<void>;
}

/** Unknown MNs are cached too (a misconfigured collector resends every few seconds), but only this many. */
const MAX_ABSENT = 10_000;

/** Subscribe a duplicate of `redis` to `channel` and cache behind it; the connection is named `<channel>-cache`. */
export function createDeviceCache(redis: Redis, channel: string, log?: Logger): DeviceCache {
  // Named so operators (and tests) can tell it apart in CLIENT LIST; CLIENT SETNAME refuses spaces and the like.
  const subscriber = redis.duplicate({ connectionName: `${channel}-cache`.replace(/[^\w:.-]/g, '_') });
  const entries = new Map<string, Device | null>();
  const loading = new Map<string, Promise<Device | undefined>>();
  let absent = 0;
  let live = false;
  let lost = false;
  // Bumped on every invalidation: a fetch that started before one must not store what it read.
  let epoch = 0;
  let wholeAt = -1;
  let wholeValue: unknown;

  function clear(): void {
    entries.clear();
    loading.clear();
    absent = 0;
    epoch++;
  }

  function subscribe(): void {
    subscriber.subscribe(channel).then(
      () => {
        clear();
        live = true;
      },
      (err: unknown) => log?.warn({ err }, 'registry cache: subscribe failed, serving from Redis'),
    );
  }

  function invalidate(mn: string): void {
    epoch++;
    if (entries.get(mn) === null) absent--;
    entries.delete(mn);
    // Later callers must not join a read that may predate the change.
    loading.delete(mn);
  }

  function store(mn: string, device: Device | undefined): void {
    if (device) return void entries.set(mn, device);
    if (absent >= MAX_ABSENT) return;
    entries.set(mn, null);
    absent++;
  }

  subscriber.on('message', (ch: string, message: string) => {
    if (ch === channel) invalidate(message);
  });
  subscriber.on('close', () => {
    if (live) log?.warn('registry cache: subscriber connection lost, cache off until it is back');
    live = false;
    lost = true;
    clear();
  });
  subscriber.on('ready', () => {
    if (lost) subscribe();
  });
  // ioredis logs unhandled 'error' events; reconnection is automatic.
  subscriber.on('error', (err: unknown) => log?.debug({ err }, 'registry cache: subscriber error'));
  subscribe();

  async function fetchAndStore(mn: string, fetch: () => Promise<Device | undefined>): Promise<Device | undefined> {
    const startEpoch = epoch;
    const device = await fetch();
    if (live && epoch === startEpoch) store(mn, device);
    return device;
  }

  return {
    peek(mn) {
      return live ? entries.get(mn) : undefined;
    },
    load(mn, fetch) {
      if (live) {
        const cached = entries.get(mn);
        if (cached !== undefined) return Promise.resolve(cached ?? undefined);
      }
      const joined = loading.get(mn);
      if (joined) return joined;
      const inFlight = fetchAndStore(mn, fetch);
      loading.set(mn, inFlight);
      const forget = (): void => {
        if (loading.get(mn) === inFlight) loading.delete(mn);
      };
      inFlight.then(forget, forget);
      return inFlight;
    },
    async loadMany(mns, fetchMany) {
      const out: Array<Device | undefined> = new Array(mns.length);
      const missing: string[] = [];
      const at: number[] = [];
      mns.forEach((mn, i) => {
        const cached = live ? entries.get(mn) : undefined;
        if (cached !== undefined) out[i] = cached ?? undefined;
        else {
          missing.push(mn);
          at.push(i);
        }
      });
      if (missing.length === 0) return out;
      const startEpoch = epoch;
      const fetched = await fetchMany(missing);
      const keep = live && epoch === startEpoch;
      fetched.forEach((device, j) => {
        out[at[j] ?? 0] = device;
        if (keep) store(missing[j] ?? '', device);
      });
      return out;
    },
    async whole<T>(build: () => Promise<T>): Promise<T> {
      if (live && wholeAt === epoch) return wholeValue as T;
      const startEpoch = epoch;
      const value = await build();
      if (live && epoch === startEpoch) [wholeAt, wholeValue] = [epoch, value];
      return value;
    },
    invalidate,
    async close() {
      live = false;
      subscriber.removeAllListeners('close');
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
