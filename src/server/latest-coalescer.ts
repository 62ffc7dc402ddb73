/**
 * The gateway's one holder of latest values: per collector (MN) and kind the newest reading of each factor, handed to
 * the LatestStore once per interval (HJ212_LATEST_FLUSH_MS). A collector uploading every second, a burst or a backlog
 * being retransmitted costs one entry per factor per flush instead of one per frame.
 *
 * Nothing is built per frame: the holder keeps references to the parsed readings of the stored frame (readCp's
 * objects, never changed after the write) and their time; the entries with their `values` are built only when
 * flushing. Per key the newest time wins and equal times replace (a corrected resend of the same DataTime); the
 * store compares times again, so a value never moves backwards whatever order flushes land in. A frame carrying a
 * subset of the factors leaves the others as they were. Flushed on graceful close (UploadStore.flush).
 */
import type { FactorReading } from '../../protocol/index.js';
import type { LatestEntry, LatestStore } from '../domain/ports.js';
import { NUMERIC_FIELD_OF_CP, STRING_FIELD_OF_CP } from '../domain/reading-schema.js';

/** Every CP suffix a latest entry keeps, numeric then text: [reading key, stored name]. */
const LATEST_FIELDS = [...NUMERIC_FIELD_OF_CP, ...STRING_FIELD_OF_CP];

/**
 * Readings held at most before a flush is forced, whatever the interval (bounds memory: each is a reference to a
 * reading of a few short strings, ~20 MB at the cap). 5,000 collectors uploading 6 factors of 3 kinds fit, so their
 * writes still come once per interval. Distinct MNs are bounded by the registry, factor codes per collector by the
 * factor gate (upload-limits.ts).
 */
export const MAX_HELD = 100_000;

/** One collector's newest readings of one kind: factor code → slot of two parallel arrays (no object per reading). */
class Held {
  readonly slot = new Map<string, number>();
  readonly readings: FactorReading[] = [];
  readonly times: number[] = [];
}

export interface LatestCoalescerOptions {
  /** Write interval, ms (HJ212_LATEST_FLUSH_MS); 0 writes each frame's readings at once. */
  intervalMs: number;
  /** Readings held before a flush is forced. */
  maxHeld?: number;
}

function entriesOf(mn: string, kind: string, held: Held, out: LatestEntry[]): void {
  for (const [factor, i] of held.slot) {
    const reading = held.readings[i] as FactorReading;
    const values: Record<string, string> = {};
    for (const [key, name] of LATEST_FIELDS) {
      const v = reading[key];
      if (typeof v === 'string') values[name] = v;
    }
    out.push({ mn, factor, kind, timeMs: held.times[i] as number, values });
  }
}

export class LatestCoalescer {
  /** MN → kind → held readings: nested maps, no key string built per frame. */
  private pending = new Map<string, Map<string, Held>>();
  private size = 0;
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
    let byKind = this.pending.get(mn);
    if (!byKind) this.pending.set(mn, (byKind = new Map()));
    let held = byKind.get(kind);
    if (!held) byKind.set(kind, (held = new Held()));
    const { slot, readings: kept, times } = held;
    for (const reading of readings) {
      const i = slot.get(reading.code);
      if (i === undefined) {
        slot.set(reading.code, kept.push(reading) - 1);
        times.push(timeMs);
        this.size++;
      } else if ((times[i] as number) <= timeMs) {
        kept[i] = reading;
        times[i] = timeMs;
      }
    }
    if (this.size >= this.maxHeld || this.intervalMs <= 0) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Hand everything held to the store; resolves once this and every earlier flush is done (failures go to onError). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.size > 0) {
      const table = this.pending;
      this.pending = new Map();
      this.size = 0;
      this.flushing = this.flushing.then(() => this.write(table)).catch((err: unknown) => this.onError(err));
    }
    return this.flushing;
  }

  /** The entries are built here, once per key per interval (after the previous write, so they never queue up). */
  private write(table: Map<string, Map<string, Held>>): Promise<void> {
    const entries: LatestEntry[] = [];
    for (const [mn, byKind] of table) for (const [kind, held] of byKind) entriesOf(mn, kind, held, entries);
    return this.store.update(entries);
  }
}
