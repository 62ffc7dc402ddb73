/**
 * ReadingSink over InfluxDB with group commit: the points of every `write()` call (from all connections) are merged
 * into one HTTP write of up to `batchSize` points, sent when that many are buffered or `flushMs` after the oldest
 * buffered call. Each call settles (its promise, or for `writeUpload` its callback) with the batch that carried its
 * points, so a collector is acked only once InfluxDB has answered 2xx. One batch is in flight at a time; the next one
 * fills up meanwhile. An upload takes no promise of its own: the batch's HTTP write is the one promise for all of it.
 */
import type { InfluxConfig } from '../../config.js';
import { SinkError, type ReadingSink, type UploadRecord } from '../../domain/ports.js';
import type { SeriesPoint } from '../../domain/series-point.js';
import type { Logger } from '../../log.js';
import { InfluxWriteError } from './errors.js';
import { createWriteTransport, type WriteTransport } from './write-transport.js';
import { LineProtocolError, toLines } from './line-protocol.js';
import { uploadLineBytes } from './upload-lines.js';

/** Told about every HTTP write attempt (for metrics: batch size and latency). */
export interface WriterObserver {
  batch(points: number, ms: number, ok: boolean): void;
}

/** Tuning of {@link createInfluxWriter}; batch size, flush interval and max pending come from InfluxConfig. */
export interface InfluxWriterOptions {
  logger?: Logger;
  observer?: WriterObserver;
  /** Retry backoff of a failed batch: starts at `minMs` (default 100), doubles, capped at `maxMs` (default 5000). */
  retry?: { minMs?: number; maxMs?: number };
  /** Deadline of one HTTP write; a timeout is retried like any transient failure. Default 10 000 ms. */
  timeoutMs?: number;
}

/** Batching limits of the writer (the InfluxConfig fields it uses). */
export type BatchLimits = Pick<InfluxConfig, 'batchSize' | 'flushMs' | 'maxPending'>;

interface Call {
  /** UTF-8 line protocol of the call's points. */
  body: Buffer;
  points: number;
  at: number;
  /** Called once: without an error when the points are durable, with the SinkError that refused them otherwise. */
  done: (err?: Error) => void;
}

/** Saturation ends (and drain listeners fire) once pending falls to this fraction of maxPending. */
const LOW_WATER = 0.5;
const NEWLINE = Buffer.from('\n');

function joinBodies(calls: readonly Call[]): Buffer {
  const parts: Buffer[] = [];
  for (const call of calls) {
    if (parts.length > 0) parts.push(NEWLINE);
    parts.push(call.body);
  }
  return Buffer.concat(parts);
}

function asWriteError(err: unknown): InfluxWriteError {
  if (err instanceof InfluxWriteError) return err;
  return new InfluxWriteError(err instanceof Error ? err.message : String(err), 'transient', undefined, { cause: err });
}

/**
 * Group commit over any {@link WriteTransport}. Transient failures are retried with exponential backoff for as long
 * as it takes while the points stay buffered; a 400-class refusal of a merged batch is narrowed down by bisection so
 * only the write calls holding bad points reject, with `SinkError(permanent = true)`; a missing 1.x database is
 * created. `close()` waits for every accepted point to be durable (or rejected), however long InfluxDB stays away.
 */
export class GroupCommitWriter implements ReadingSink {
  private readonly log: Logger | undefined;
  private readonly minDelay: number;
  private readonly maxDelay: number;
  private readonly queue: Call[] = [];
  private readonly drainListeners: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private queuedPoints = 0;
  private pendingPoints = 0;
  private isSaturated = false;
  private running = false;
  private closing = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly transport: WriteTransport,
    private readonly limits: BatchLimits,
    private readonly options: InfluxWriterOptions = {},
  ) {
    this.log = options.logger?.child({ component: 'influx-writer' });
    this.minDelay = options.retry?.minMs ?? 100;
    this.maxDelay = options.retry?.maxMs ?? 5_000;
  }

  get pending(): number {
    return this.pendingPoints;
  }

  get saturated(): boolean {
    return this.isSaturated;
  }

  onDrain(listener: () => void): void {
    this.drainListeners.push(listener);
  }

  write(points: readonly SeriesPoint[]): Promise<void> {
    if (this.closing) return Promise.reject(new SinkError('influx writer is closed', false));
    let body: string;
    try {
      body = toLines(points);
    } catch (err) {
      if (err instanceof LineProtocolError) return Promise.reject(new SinkError(err.message, true));
      throw err;
    }
    // Encoded at once: a buffered line-protocol string is a rope of hundreds of small V8 strings that survives into
    // the old generation and keeps the garbage collector busy; one Buffer per call does not.
    if (body === '') return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.enqueue(Buffer.from(body), points.length, (err) => (err ? reject(err) : resolve())));
  }

  writeUpload(upload: UploadRecord, done: (err?: Error) => void): void {
    if (this.closing) return done(new SinkError('influx writer is closed', false));
    let lines: { body: Buffer; lines: number };
    try {
      lines = uploadLineBytes(upload);
    } catch (err) {
      if (err instanceof LineProtocolError) return done(new SinkError(err.message, true));
      throw err;
    }
    this.enqueue(lines.body, lines.lines, done);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.running && this.queue.length > 0) void this.run();
    if (this.running) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(body: Buffer, points: number, done: (err?: Error) => void): void {
    this.queue.push({ body, points, at: Date.now(), done });
    this.queuedPoints += points;
    this.pendingPoints += points;
    this.updateSaturation();
    if (this.running) return;
    if (this.queuedPoints >= this.limits.batchSize) void this.run();
    else this.arm(this.limits.flushMs);
  }

  private arm(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.running) void this.run();
    }, ms);
  }

  /** Send batches one at a time while one is due: full, old enough, or closing. */
  private async run(): Promise<void> {
    this.running = true;
    for (let head = this.queue[0]; head; head = this.queue[0]) {
      const wait = head.at + this.limits.flushMs - Date.now();
      if (!this.closing && this.queuedPoints < this.limits.batchSize && wait > 0) {
        this.arm(wait);
        break;
      }
      await this.commit(this.takeBatch());
    }
    this.running = false;
    if (this.queue.length === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
  }

  private takeBatch(): Call[] {
    let count = 0;
    let points = 0;
    for (const call of this.queue) {
      if (count > 0 && points + call.points > this.limits.batchSize) break;
      count++;
      points += call.points;
    }
    this.queuedPoints -= points;
    return this.queue.splice(0, count);
  }

  /** Write these calls' points until InfluxDB takes them or refuses the data. */
  private async commit(calls: readonly Call[]): Promise<void> {
    const points = calls.reduce((n, c) => n + c.points, 0);
    const [first] = calls;
    const body = first && calls.length === 1 ? first.body : joinBodies(calls);
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      try {
        await this.transport.write(body);
        this.options.observer?.batch(points, performance.now() - started, true);
        if (attempt > 0) this.log?.info({ attempts: attempt + 1, points }, 'influx write succeeded after retries');
        this.settle(calls);
        return;
      } catch (caught) {
        this.options.observer?.batch(points, performance.now() - started, false);
        const err = asWriteError(caught);
        if (err.kind === 'data') return this.isolate(calls, err);
        if (err.kind === 'database-not-found' && this.transport.ensureDatabase) await this.createDatabase();
        else this.logFailure(err, attempt, points);
        await this.backoff(attempt);
      }
    }
  }

  /**
   * A merged batch was refused as bad data. Halve it until the refusing calls stand alone: a single bad call costs
   * about 2·log2(calls) extra writes. Re-sending points that a 1.x "partial write" already stored is harmless
   * (same series and timestamp overwrite).
   */
  private async isolate(calls: readonly Call[], err: InfluxWriteError): Promise<void> {
    const [only] = calls;
    if (only && calls.length === 1) {
      this.log?.warn({ err: err.message, status: err.status, points: only.points }, 'influx refused points permanently');
      return this.settle(calls, new SinkError(err.message, true));
    }
    const mid = calls.length >>> 1;
    await this.commit(calls.slice(0, mid));
    await this.commit(calls.slice(mid));
  }

  private async createDatabase(): Promise<void> {
    try {
      await this.transport.ensureDatabase?.();
      this.log?.info({ target: this.transport.target }, 'created missing InfluxDB database');
    } catch (err) {
      this.log?.warn({ err: asWriteError(err).message, target: this.transport.target }, 'could not create InfluxDB database');
    }
  }

  private settle(calls: readonly Call[], err?: Error): void {
    for (const call of calls) {
      this.pendingPoints -= call.points;
      try {
        call.done(err);
      } catch (thrown) {
        // A caller's bug must not stop the other calls of the batch from settling.
        this.log?.error({ err: thrown }, 'write callback threw');
      }
    }
    this.updateSaturation();
  }

  private updateSaturation(): void {
    const { maxPending } = this.limits;
    if (!this.isSaturated && this.pendingPoints > maxPending) {
      this.isSaturated = true;
      this.log?.warn({ pending: this.pendingPoints, maxPending }, 'influx writer saturated');
    } else if (this.isSaturated && this.pendingPoints <= maxPending * LOW_WATER) {
      this.isSaturated = false;
      for (const listener of this.drainListeners) {
        try {
          listener();
        } catch (err) {
          this.log?.error({ err }, 'drain listener threw');
        }
      }
    }
  }

  private backoff(attempt: number): Promise<void> {
    // Jitter keeps several gateways from hammering a recovering InfluxDB in lockstep.
    const delay = Math.min(this.maxDelay, this.minDelay * 2 ** Math.min(attempt, 20)) * (0.8 + Math.random() * 0.4);
    return new Promise((resolve) => setTimeout(resolve, delay));
  }

  private logFailure(err: InfluxWriteError, attempt: number, points: number): void {
    // First failure and every tenth after it: an outage of minutes should not flood the log.
    if (attempt % 10 !== 0) return;
    this.log?.warn({ err: err.message, status: err.status, attempt, points, target: this.transport.target }, 'influx write failed, retrying');
  }
}

/**
 * The InfluxDB sink for the configured family (v1: `/write`; v2: `/api/v2/write`, both through the one HTTP client in http.ts),
 * batching by `batchSize` / `flushMs` and saturating above `maxPending`; see {@link GroupCommitWriter}.
 */
export function createInfluxWriter(config: InfluxConfig, options: InfluxWriterOptions = {}): ReadingSink {
  return new GroupCommitWriter(createWriteTransport(config, options.timeoutMs ?? 10_000), config, options);
}
