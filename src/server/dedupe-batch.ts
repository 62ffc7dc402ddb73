/**
 * Retransmit checks for many frames in one store round trip (aedes publish.js order kept: dedupe → store → ack).
 * Every lookup made while one I/O phase is being handled goes out as one `seen()` (one MGET) on the next
 * setImmediate; keys of stored frames are remembered in one `remember()` per batch. Until a remember has
 * landed, its keys are answered from memory, so a retransmit racing the remember is still a duplicate.
 * Before: one MGET plus one SET pipeline per frame; the Redis client alone was ~14 % of the gateway's CPU
 * in the ingest benchmark (500 collectors, 2011 uploads), and each pipeline was its own socket write.
 */
import type { DedupeStore } from '../domain/ports.js';
import type { Logger } from '../log.js';
import { Batcher } from './batcher.js';

interface Lookup {
  keys: readonly string[];
  resolve: (seen: boolean) => void;
}

export class DedupeBatch {
  private lookups: Lookup[] = [];
  private scheduled = false;
  /** Keys of stored frames whose remember has not landed yet (value: how many batches hold the key). */
  private readonly unconfirmed = new Map<string, number>();
  private readonly remembers: Batcher<string>;

  constructor(
    private readonly store: DedupeStore,
    private readonly logger: Logger,
  ) {
    this.remembers = new Batcher(
      (keys) => this.store.remember(keys).finally(() => this.confirm(keys)),
      (err) => this.logger.warn({ err }, 'dedupe remember failed'),
      2000,
    );
  }

  /** True when any of the keys belongs to a frame stored before. A failed lookup answers false (store again). */
  seen(keys: readonly string[]): Promise<boolean> {
    for (const key of keys) if (this.unconfirmed.has(key)) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.lookups.push({ keys, resolve });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => void this.lookUp());
    });
  }

  /** Record the keys of a stored frame. */
  remember(keys: readonly string[]): void {
    for (const key of keys) {
      this.unconfirmed.set(key, (this.unconfirmed.get(key) ?? 0) + 1);
      this.remembers.push(key);
    }
  }

  flush(): Promise<void> {
    return this.remembers.flush();
  }

  private async lookUp(): Promise<void> {
    const lookups = this.lookups;
    this.lookups = [];
    this.scheduled = false;
    const keys: string[] = [];
    for (const lookup of lookups) keys.push(...lookup.keys);
    let seen: Set<string>;
    try {
      seen = await this.store.seen(keys);
    } catch (err) {
      // Redis unavailable: store again. InfluxDB overwrites a point with the same series and time, so a
      // second write of a retransmit cannot create a duplicate reading.
      this.logger.warn({ err, frames: lookups.length }, 'dedupe lookup failed; writing anyway');
      seen = new Set();
    }
    for (const lookup of lookups) lookup.resolve(lookup.keys.some((key) => seen.has(key) || this.unconfirmed.has(key)));
  }

  private confirm(keys: readonly string[]): void {
    for (const key of keys) {
      const left = (this.unconfirmed.get(key) ?? 1) - 1;
      if (left <= 0) this.unconfirmed.delete(key);
      else this.unconfirmed.set(key, left);
    }
  }
}
