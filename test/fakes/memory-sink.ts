/**
 * In-memory ReadingSink for unit tests of the gateway and workers: stores points in an array and lets the test
 * simulate an unreachable InfluxDB (writes stay pending, as the real writer keeps retrying) and permanent refusals.
 */
import { SinkError, type ReadingSink } from '../../src/domain/ports.js';
import type { SeriesPoint } from '../../src/domain/series-point.js';
import { LineProtocolError } from '../../src/storage/influx/line-protocol.js';
import { uploadLines } from '../../src/storage/influx/upload-lines.js';
import { parseLines } from './line-protocol-parse.js';

/** The fake's controls on top of the ReadingSink port. */
export interface MemorySink extends ReadingSink {
  /** Points whose write resolved, in order. */
  readonly points: readonly SeriesPoint[];
  /** Hold every write (existing and new) pending, like the real writer while InfluxDB is unreachable. */
  pause(): void;
  /** Make held writes durable and stop holding. */
  resume(): void;
  /** Reject writes for which `predicate` is true with SinkError(permanent = true); undefined accepts all again. */
  refuseWhen(predicate: ((points: readonly SeriesPoint[]) => boolean) | undefined): void;
}

interface Held {
  points: readonly SeriesPoint[];
  resolve: () => void;
}

/** Create the fake; `maxPending` (default 200 000) drives `saturated`, which ends at half of it as in the writer. */
export function createMemorySink(options: { maxPending?: number } = {}): MemorySink {
  const maxPending = options.maxPending ?? 200_000;
  const stored: SeriesPoint[] = [];
  const held: Held[] = [];
  const drainListeners: Array<() => void> = [];
  const idleWaiters: Array<() => void> = [];
  let paused = false;
  let closed = false;
  let pending = 0;
  let saturated = false;
  let refuse: ((points: readonly SeriesPoint[]) => boolean) | undefined;

  function updateSaturation(): void {
    if (!saturated && pending > maxPending) saturated = true;
    else if (saturated && pending <= maxPending / 2) {
      saturated = false;
      drainListeners.forEach((listener) => listener());
    }
  }

  function flush(): void {
    if (paused) return;
    for (const entry of held.splice(0)) {
      stored.push(...entry.points);
      pending -= entry.points.length;
      entry.resolve();
    }
    updateSaturation();
    idleWaiters.splice(0).forEach((wake) => wake());
  }

  return {
    get points() {
      return stored;
    },
    get pending() {
      return pending;
    },
    get saturated() {
      return saturated;
    },
    onDrain(listener) {
      drainListeners.push(listener);
    },
    writeUpload(upload, done) {
      // The writer's own mapping, read back into points: tests see what InfluxDB would store.
      let points: SeriesPoint[];
      try {
        points = parseLines(uploadLines(upload).text);
      } catch (err) {
        if (err instanceof LineProtocolError) return done(new SinkError(err.message, true));
        throw err;
      }
      this.write(points).then(
        () => done(),
        (err: Error) => done(err),
      );
    },
    write(points) {
      if (closed) return Promise.reject(new SinkError('sink is closed', false));
      if (refuse?.(points)) return Promise.reject(new SinkError('refused by test', true));
      const copy = points.map((p) => structuredClone(p));
      return new Promise<void>((resolve) => {
        held.push({ points: copy, resolve });
        pending += copy.length;
        updateSaturation();
        // Resolve on a later tick, like a real round trip, so callers cannot rely on synchronous durability.
        if (!paused) queueMicrotask(flush);
      });
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      flush();
    },
    refuseWhen(predicate) {
      refuse = predicate;
    },
    async close() {
      closed = true;
      if (held.length > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
