/**
 * The gateway's one holder of latest values: per collector (MN) and kind the newest reading of each factor, handed to
 * the LatestStore once per interval (HJ212_LATEST_FLUSH_MS). A collector uploading every second, a burst or a backlog
 * being retransmitted costs one entry per factor per flush instead of one per frame.
 *
 * Nothing is built per frame: the holder keeps references to the parsed readings of the stored frame (readCp's
 * objects, never changed after the write) and their time, in slots that are reused from one interval to the next
 * while the collector keeps uploading the same factors; the entries with their `values` are built only when flushing.
 * Within an interval the newest time wins and equal times replace (a corrected resend of the same DataTime); the store
 * compares times again, so a value never moves backwards whatever order frames and flushes arrive in. A frame carrying
 * a subset of the factors leaves the others as they were. Flushed on graceful close (UploadStore.flush).
 */
import type { FactorReading } from '../../protocol/index.js';
import type { LatestEntry, LatestStore } from '../domain/ports.js';
import { NUMERIC_FIELD_OF_CP, STRING_FIELD_OF_CP } from '../domain/reading-schema.js';

/** Every CP suffix a latest entry keeps, numeric then text: reading keys and their stored names, by position. */
const KEYS = [...NUMERIC_FIELD_OF_CP, ...STRING_FIELD_OF_CP].map(([key]) => key);
const NAMES = [...NUMERIC_FIELD_OF_CP, ...STRING_FIELD_OF_CP].map(([, name]) => name);

/**
 * Readings held for the next write at most before it is forced, whatever the interval. Memory stays under twice this
 * many slots (a slot is a reference to a reading of a few short strings: ~20 MB at the cap), since the slots kept for
 * reuse are those of the previous write. 5,000 collectors uploading 6 factors of 3 kinds fit, so their writes still
 * come once per interval. Distinct MNs are bounded by the registry, factor codes per collector by the factor gate
 * (upload-limits.ts).
 */
export const MAX_HELD = 100_000;

/**
 * One collector's readings of one kind: factor code → slot of parallel arrays (no object per reading). A slot belongs
 * to the next write when its mark is the current generation; `next` chains the collector's other kinds.
 */
class Held {
  readonly slot = new Map<string, number>();
  readonly readings: FactorReading[] = [];
  readonly times: number[] = [];
  readonly marks: number[] = [];
  /** Generation this holder was last written to, and its slots marked in it. */
  generation: number;
  marked = 0;
  next: Held | undefined;

  constructor(
    readonly kind: string,
    generation: number,
  ) {
    this.generation = generation;
  }
}

export interface LatestCoalescerOptions {
  /** Write interval, ms (HJ212_LATEST_FLUSH_MS); 0 writes each frame's readings at once. */
  intervalMs: number;
  /** Readings held for the next write before it is forced. */
  maxHeld?: number;
}

export class LatestCoalescer {
  /** MN → its holders, one per kind (chained): no key string built per frame. */
  private readonly byMn = new Map<string, Held>();
  /** Slots of the next write; the generation tells them from slots kept for reuse. */
  private size = 0;
  private generation = 1;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly intervalMs: number;
  private readonly maxHeld: number;

  constructor(
    private readonly store: Pick<LatestStore, 'update'>,
    private readonly onError: (err: unknown) => void,
    options: LatestCoalescerOptions,
  ) {
    this.intervalMs = options.intervalMs;
    this.maxHeld = options.maxHeld ?? MAX_HELD;
  }

  /** Hold the readings of one stored frame of `mn` and `kind`, all at `timeMs`. */
  hold(mn: string, kind: string, timeMs: number, readings: readonly FactorReading[]): void {
    if (readings.length === 0) return;
    const gen = this.generation;
    const first = this.byMn.get(mn);
    let held = first;
    while (held !== undefined && held.kind !== kind) held = held.next;
    if (held === undefined) {
      held = new Held(kind, gen);
      held.next = first;
      this.byMn.set(mn, held);
    } else if (held.generation !== gen) {
      held.generation = gen;
      held.marked = 0;
    }
    const { slot, readings: kept, times, marks } = held;
    for (let j = 0; j < readings.length; j++) {
      const reading = readings[j] as FactorReading;
      const i = slot.get(reading.code);
      if (i === undefined) {
        slot.set(reading.code, kept.push(reading) - 1);
        times.push(timeMs);
        marks.push(gen);
        held.marked++;
        this.size++;
      } else if (marks[i] !== gen) {
        // A slot kept from the previous write: this interval starts afresh (the store compares with what it has).
        kept[i] = reading;
        times[i] = timeMs;
        marks[i] = gen;
        held.marked++;
        this.size++;
      } else if ((times[i] as number) <= timeMs) {
        kept[i] = reading;
        times[i] = timeMs;
      }
    }
    if (this.size >= this.maxHeld || this.intervalMs <= 0) void this.flush();
    else if (!this.timer) this.schedule();
  }

  /** Once per interval; kept out of hold() so that the per-frame code stays small and its inline caches stable. */
  private schedule(): void {
    this.timer = setTimeout(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** Hand everything held to the store; resolves once this and every earlier write is done (failures go to onError). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.size > 0) {
      const entries = this.take();
      this.flushing = this.flushing.then(() => this.store.update(entries)).catch((err: unknown) => this.onError(err));
    }
    return this.flushing;
  }

  /**
   * The entries of the current generation, which then ends. Holders written to whole are kept for the next interval
   * (their slots are reused); holders not written to, or only partly, are dropped, so what is kept is bounded by what
   * was written.
   */
  private take(): LatestEntry[] {
    const gen = this.generation++;
    this.size = 0;
    const entries: LatestEntry[] = [];
    for (const [mn, first] of this.byMn) {
      let kept: Held | undefined;
      for (let held: Held | undefined = first; held !== undefined; ) {
        const next: Held | undefined = held.next;
        held.next = undefined;
        if (held.generation === gen) {
          entriesOf(mn, held, gen, entries);
          if (held.marked === held.readings.length) {
            held.next = kept;
            kept = held;
          }
        }
        held = next;
      }
      if (kept === undefined) this.byMn.delete(mn);
      else if (kept !== first) this.byMn.set(mn, kept);
    }
    return entries;
  }
}

/** One entry per slot marked in `gen`, its values taken from the reading. */
function entriesOf(mn: string, held: Held, gen: number, out: LatestEntry[]): void {
  const { readings, times, marks, kind } = held;
  held.slot.forEach((i, factor) => {
    if (marks[i] !== gen) return;
    const reading = readings[i] as FactorReading;
    const values: Record<string, string> = {};
    for (let k = 0; k < KEYS.length; k++) {
      const v = reading[KEYS[k] as keyof FactorReading];
      if (typeof v === 'string') values[NAMES[k] as string] = v;
    }
    out.push({ mn, factor, kind, timeMs: times[i] as number, values });
  });
}
