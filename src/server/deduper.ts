/**
 * Retransmit dedupe, in one place (aedes publish.js order kept: dedupe → store → ack). A collector that missed our
 * 9014 resends the frame after OverTime, up to ReCount times (HJ212-2017 6.4); the resend is re-acked without a
 * second write. Identity of a frame: frame-identity.ts.
 *
 * Three answers, cheapest first:
 * 1. Per collector in memory, the frames being stored (a retransmit waits for the same write) and the last
 *    {@link RECENT_FRAMES} frames stored (recent-frames.ts): a retransmit of a recent frame is answered without a
 *    round trip.
 * 2. Per collector and CN the newest DataTime stored (its mark). Collectors upload in time order, so a frame above the
 *    mark was never stored: new, without a store lookup. The marks are loaded from the store once per connection
 *    (and again after the collector's connection closed, since it may have uploaded through another gateway since).
 * 3. Otherwise the store (Redis: keys per collector for HJ212_DEDUPE_TTL_S, at most HJ212_DEDUPE_MAX_PER_DEVICE),
 *    looked up for every frame of one I/O phase at once. So a retransmit after a gateway restart is still recognised.
 * Keys of stored frames are handed to the store in one call per batch. A mark is stored ahead of itself (a ceiling
 * {@link CEILING_AHEAD_MS} above it), only when a frame passes the stored ceiling: a ceiling above every frame stored is
 * all the shortcut needs (frames below it are looked up), and most frames then send no mark at all.
 */
import type { Packet } from '../../protocol/index.js';
import type { DedupeMark, DedupeStore } from '../domain/ports.js';
import type { Logger } from '../log.js';
import { Batcher } from './batcher.js';
import { frameIdentity, identityKey, type Identity } from './frame-identity.js';
import { RecentFrames, type Joiners } from './recent-frames.js';

/** How far above a stored frame's DataTime its collector's mark is stored. */
const CEILING_AHEAD_MS = 15 * 60_000;
/** MNs whose prefetched marks are kept at most, and for how long (see Deduper.prefetch). */
const MAX_PREFETCHED = 10_000;
const PREFETCH_FRESH_MS = 5_000;
/** Collectors whose state is kept when their connections close without one (one connection per frame). */
const MAX_IDLE_OWNERS = 20_000;

/** What the deduper learns about a frame's fate from the caller. */
export type Fate = 'stored' | 'not-stored';

interface Owner {
  /** CN → newest DataTime stored; undefined until loaded from the store. */
  marks: Map<string, number> | undefined;
  /** CN → the ceiling in the store (as far as this gateway knows), undefined until loaded. */
  ceilings: Map<string, number> | undefined;
  /** Frames being stored (the retransmits waiting for them) and recently stored ones. */
  recent: RecentFrames;
  pending: number;
}

interface Lookup {
  key: string;
  resolve: (seen: boolean) => void;
}

export class Deduper {
  private readonly owners = new Map<string, Owner>();
  private lookups: Lookup[] = [];
  private loads = new Map<string, Array<() => void>>();
  /** Marks asked for ahead of a collector's first frame (see prefetch), and what came back; bounded, short-lived. */
  private prefetches = new Map<string, (marks: Map<string, number> | undefined) => void>();
  private readonly prefetched = new Map<string, { at: number; marks: Promise<Map<string, number> | undefined> }>();
  private scheduled = false;
  private readonly remembers: Batcher<{ key: string; mark?: DedupeMark }>;

  constructor(
    private readonly store: DedupeStore,
    private readonly logger: Logger,
    /** The clock prefetched marks are aged by (tests pass their own). */
    private readonly now: () => number = Date.now,
  ) {
    this.remembers = new Batcher(
      (items) => {
        const marks: DedupeMark[] = [];
        for (const item of items) if (item.mark) marks.push(item.mark);
        return this.store.remember(
          items.map((i) => i.key),
          marks,
        );
      },
      (err) => this.logger.warn({ err }, 'dedupe remember failed'),
      2000,
    );
  }

  /**
   * Run `store` once per frame and hand its outcome to `done`: a retransmit of a frame being stored waits for the
   * same run (and gets `duplicate` when it stored, the same outcome otherwise); a retransmit of a stored frame gets
   * `duplicate` at once. `fate` tells whether an outcome stored the frame (only stored frames are remembered).
   * Callbacks, not promises: a frame above its collector's mark goes from here to the sink without one. `store`
   * must not throw and must call its callback once.
   */
  run<T>(mn: string, packet: Packet, raw: Uint8Array, store: (done: (outcome: T) => void) => void, fate: (outcome: T) => Fate, duplicate: T, done: (outcome: T) => void): void {
    const id = frameIdentity(packet, raw);
    const owner = this.owner(mn);
    const seenAt = owner.recent.find(id);
    const known = seenAt < 0 ? undefined : owner.recent.state(seenAt);
    if (known === true) return done(duplicate);
    if (known) {
      known.push((o) => done(fate(o as T) === 'stored' ? duplicate : (o as T)));
      return;
    }
    const joiners: Joiners = [];
    const slot = owner.recent.add(id, joiners);
    owner.pending++;
    const finish = (o: T): void => {
      const stored = o !== duplicate && fate(o) === 'stored';
      this.settle(owner, mn, id, slot, joiners, stored || o === duplicate, stored);
      done(o);
      for (const join of joiners) join(o);
    };
    // Above the collector's mark the frame is new without a lookup: stored at once.
    if (this.newByMark(owner, id)) return store(finish);
    this.seen(owner, mn, id).then(
      (seen) => (seen ? finish(duplicate) : store(finish)),
      // seen() answers false when the store fails; anything else thrown there is a bug: store again, like a miss.
      () => store(finish),
    );
  }

  /** Bookkeeping once a frame's run ended: the recent window, the collector's mark and the keys for the store. */
  private settle(owner: Owner, mn: string, id: Identity, slot: number, entry: Joiners, known: boolean, stored: boolean): void {
    owner.pending--;
    owner.recent.settle(slot, entry, known);
    if (!stored) return;
    // Raised only by stored frames: a refused frame (a DataTime in 2099) must not hide later ones from the check.
    if (id.mark !== undefined && owner.marks && id.mark > (owner.marks.get(id.stream) ?? -Infinity)) owner.marks.set(id.stream, id.mark);
    let mark: DedupeMark | undefined;
    if (id.mark !== undefined && !(id.mark <= (owner.ceilings?.get(id.stream) ?? -Infinity))) {
      mark = { owner: mn, stream: id.stream, mark: id.mark + CEILING_AHEAD_MS };
      owner.ceilings?.set(id.stream, mark.mark);
    }
    this.remembers.push({ key: `${mn}|${identityKey(id)}`, mark });
  }

  /** The collector's connection closed: its marks are loaded again on its next frame (it may upload elsewhere meanwhile). */
  release(mn: string): void {
    const owner = this.owners.get(mn);
    if (!owner) return;
    owner.marks = undefined;
    owner.ceilings = undefined;
    if (owner.pending === 0) this.owners.delete(mn);
  }

  flush(): Promise<void> {
    return this.remembers.flush();
  }

  private owner(mn: string): Owner {
    let owner = this.owners.get(mn);
    if (!owner) {
      // Collectors that open a connection per frame are never released: the oldest idle states go first.
      if (this.owners.size >= MAX_IDLE_OWNERS) {
        for (const [key, o] of this.owners) {
          if (this.owners.size < MAX_IDLE_OWNERS) break;
          if (o.pending === 0) this.owners.delete(key);
        }
      }
      this.owners.set(mn, (owner = { marks: undefined, ceilings: undefined, recent: new RecentFrames(), pending: 0 }));
    }
    return owner;
  }

  /** The marks are loaded and the frame's DataTime is above its CN's mark (or the CN has none): never stored. */
  private newByMark(owner: Owner, id: Identity): boolean {
    if (!owner.marks || id.mark === undefined) return false;
    const mark = owner.marks.get(id.stream);
    return mark === undefined || id.mark > mark;
  }

  /**
   * Start loading the marks of `mn` now: its first upload is waiting for its device record, and would otherwise ask
   * for the marks only once that has arrived, a second round trip while a reconnecting fleet keeps the event loop
   * busy. Nothing is kept per collector until one of its frames runs: what comes back waits at most
   * {@link PREFETCH_FRESH_MS} in a map of at most {@link MAX_PREFETCHED} MNs (senders of unknown MNs included).
   */
  prefetch(mn: string): void {
    if (this.owners.get(mn)?.marks !== undefined || this.prefetched.has(mn)) return;
    if (this.prefetched.size >= MAX_PREFETCHED) this.prefetched.clear();
    const marks = new Promise<Map<string, number> | undefined>((resolve) => {
      this.prefetches.set(mn, resolve);
      this.schedule();
    });
    this.prefetched.set(mn, { at: this.now(), marks });
  }

  /** True when the frame was stored before (by any gateway, within the store's TTL). */
  private async seen(owner: Owner, mn: string, id: Identity): Promise<boolean> {
    if (!owner.marks) await this.loadOrTakePrefetched(mn);
    const marks = owner.marks;
    if (marks && id.mark !== undefined) {
      const mark = marks.get(id.stream);
      if (mark === undefined || id.mark > mark) return false;
    }
    return this.lookUp(`${mn}|${identityKey(id)}`);
  }

  private async loadOrTakePrefetched(mn: string): Promise<void> {
    const ahead = this.prefetched.get(mn);
    if (ahead !== undefined) {
      this.prefetched.delete(mn);
      const marks = this.now() - ahead.at <= PREFETCH_FRESH_MS ? await ahead.marks : undefined;
      if (marks !== undefined) return this.applyMarks(mn, marks);
    }
    return this.load(mn);
  }

  private load(mn: string): Promise<void> {
    return new Promise((resolve) => {
      const waiting = this.loads.get(mn);
      if (waiting) waiting.push(resolve);
      else this.loads.set(mn, [resolve]);
      this.schedule();
    });
  }

  private lookUp(key: string): Promise<boolean> {
    return new Promise((resolve) => {
      this.lookups.push({ key, resolve });
      this.schedule();
    });
  }

  /** Everything asked while one I/O phase is handled goes out on the next setImmediate: one call each. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const lookups = this.lookups;
      const loads = this.loads;
      const prefetches = this.prefetches;
      this.lookups = [];
      this.loads = new Map();
      this.prefetches = new Map();
      if (loads.size > 0 || prefetches.size > 0) void this.loadMarks(loads, prefetches);
      if (lookups.length > 0) void this.answer(lookups);
    });
  }

  /** The marks of the collectors loading (their owners take them) and of those prefetched, in one store call. */
  private async loadMarks(loads: Map<string, Array<() => void>>, prefetches: Map<string, (marks: Map<string, number> | undefined) => void>): Promise<void> {
    const mns = [...loads.keys()];
    for (const mn of prefetches.keys()) if (!loads.has(mn)) mns.push(mn);
    try {
      const found = await this.store.marks(mns);
      for (const mn of loads.keys()) this.applyMarks(mn, found.get(mn) ?? new Map());
      for (const [mn, resolve] of prefetches) resolve(found.get(mn) ?? new Map());
    } catch (err) {
      // Redis unavailable: no marks, so every frame is looked up (and written again when that fails too).
      this.logger.warn({ err, collectors: mns.length }, 'dedupe marks lookup failed');
      for (const resolve of prefetches.values()) resolve(undefined);
    }
    for (const waiters of loads.values()) for (const wake of waiters) wake();
  }

  /** The collector's marks as the store has them; marks raised meanwhile (frames of this gateway) are kept when higher. */
  private applyMarks(mn: string, found: ReadonlyMap<string, number>): void {
    const owner = this.owner(mn);
    const marks = new Map(found);
    if (owner.marks) for (const [stream, mark] of owner.marks) if (mark > (marks.get(stream) ?? -Infinity)) marks.set(stream, mark);
    owner.marks = marks;
    owner.ceilings = new Map(found);
  }

  private async answer(lookups: Lookup[]): Promise<void> {
    let seen: Set<string>;
    try {
      seen = await this.store.seen(lookups.map((l) => l.key));
    } catch (err) {
      // Redis unavailable: store again. InfluxDB overwrites a point with the same series and time, so a
      // second write of a retransmit cannot create a duplicate reading.
      this.logger.warn({ err, frames: lookups.length }, 'dedupe lookup failed; writing anyway');
      seen = new Set();
    }
    for (const lookup of lookups) lookup.resolve(seen.has(lookup.key));
  }
}
