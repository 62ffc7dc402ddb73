/**
 * ReadingSink over InfluxDB with group commit: the points of every `write()` call (from all connections) are merged
 * into one HTTP write of up to `batchSize` points, sent when that many are buffered or `flushMs` after the oldest
 * buffered call. Each call's promise settles with the batch that carried its points, so a collector is acked only
 * once InfluxDB has answered 2xx. One batch is in flight at a time; the next one fills up meanwhile.
 */
import type { InfluxConfig } from '../config.js';
import { SinkError, type ReadingSink } from '../domain/ports.js';
import type { Point } from '../domain/point.js';
import type { Logger } from '../log.js';
import { InfluxWriteError } from './influx-errors.js';
import { createInfluxV1Transport } from './influx-v1-transport.js';
import { createInfluxV2Transport } from './influx-v2-transport.js';
import type { WriteTransport } from './influx-write-transport.js';
import { LineProtocolError, toLines } from './line-protocol.js';

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

interface Call {
  body: string;
  points: number;
  at: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Saturation ends (and drain listeners fire) once pending falls to this fraction of maxPending. */
const LOW_WATER = 0.5;

function transportFor(config: InfluxConfig, timeoutMs: number): WriteTransport {
  return config.kind === 'v1' ? createInfluxV1Transport(config, timeoutMs) : createInfluxV2Transport(config, timeoutMs);
}

function asWriteError(err: unknown): InfluxWriteError {
  if (err instanceof InfluxWriteError) return err;
  return new InfluxWriteError(err instanceof Error ? err.message : String(err), 'transient', undefined, { cause: err });
}

/**
 * Create the InfluxDB sink for the configured family (v1: raw `/write`; v2: @influxdata/influxdb-client transport).
 * Transient failures are retried with exponential backoff for as long as it takes while the points stay buffered;
 * a 400-class refusal of a merged batch is narrowed down by bisection so only the write calls holding bad points
 * reject, with `SinkError(permanent = true)`; a missing 1.x database is created. `close()` waits for every accepted
 * point to be durable (or rejected), however long InfluxDB stays away.
 */
export function createInfluxWriter(config: InfluxConfig, options: InfluxWriterOptions = {}): ReadingSink {
  const transport = transportFor(config, options.timeoutMs ?? 10_000);
  const log = options.logger?.child({ component: 'influx-writer' });
  const minDelay = options.retry?.minMs ?? 100;
  const maxDelay = options.retry?.maxMs ?? 5_000;
  const queue: Call[] = [];
  const drainListeners: Array<() => void> = [];
  const idleWaiters: Array<() => void> = [];
  let queuedPoints = 0;
  let pending = 0;
  let saturated = false;
  let running = false;
  let closing = false;
  let timer: NodeJS.Timeout | undefined;

  function updateSaturation(): void {
    if (!saturated && pending > config.maxPending) {
      saturated = true;
      log?.warn({ pending, maxPending: config.maxPending }, 'influx writer saturated');
    } else if (saturated && pending <= config.maxPending * LOW_WATER) {
      saturated = false;
      for (const listener of drainListeners) {
        try {
          listener();
        } catch (err) {
          log?.error({ err }, 'drain listener threw');
        }
      }
    }
  }

  function settle(calls: readonly Call[], err?: Error): void {
    for (const call of calls) {
      pending -= call.points;
      if (err) call.reject(err);
      else call.resolve();
    }
    updateSaturation();
  }

  function backoff(attempt: number): Promise<void> {
    // Jitter keeps several gateways from hammering a recovering InfluxDB in lockstep.
    const delay = Math.min(maxDelay, minDelay * 2 ** Math.min(attempt, 20)) * (0.8 + Math.random() * 0.4);
    return new Promise((resolve) => setTimeout(resolve, delay));
  }

  function logFailure(err: InfluxWriteError, attempt: number, points: number): void {
    // First failure and every tenth after it: an outage of minutes should not flood the log.
    if (attempt % 10 !== 0) return;
    log?.warn({ err: err.message, status: err.status, attempt, points, target: transport.target }, 'influx write failed, retrying');
  }

  /** Write these calls' points until InfluxDB takes them or refuses the data. */
  async function commit(calls: readonly Call[]): Promise<void> {
    const points = calls.reduce((n, c) => n + c.points, 0);
    const body = calls.length === 1 ? (calls[0]?.body ?? '') : calls.map((c) => c.body).join('\n');
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      try {
        await transport.write(body);
        options.observer?.batch(points, performance.now() - started, true);
        if (attempt > 0) log?.info({ attempts: attempt + 1, points }, 'influx write succeeded after retries');
        settle(calls);
        return;
      } catch (caught) {
        options.observer?.batch(points, performance.now() - started, false);
        const err = asWriteError(caught);
        if (err.kind === 'data') return isolate(calls, err);
        if (err.kind === 'database-not-found' && transport.ensureDatabase) await createDatabase();
        else logFailure(err, attempt, points);
        await backoff(attempt);
      }
    }
  }

  async function createDatabase(): Promise<void> {
    try {
      await transport.ensureDatabase?.();
      log?.info({ target: transport.target }, 'created missing InfluxDB database');
    } catch (err) {
      log?.warn({ err: asWriteError(err).message, target: transport.target }, 'could not create InfluxDB database');
    }
  }

  /**
   * A merged batch was refused as bad data. Halve it until the refusing calls stand alone: a single bad call costs
   * about 2·log2(calls) extra writes. Re-sending points that a 1.x "partial write" already stored is harmless
   * (same series and timestamp overwrite).
   */
  async function isolate(calls: readonly Call[], err: InfluxWriteError): Promise<void> {
    const [only] = calls;
    if (only && calls.length === 1) {
      log?.warn({ err: err.message, status: err.status, points: only.points }, 'influx refused points permanently');
      return settle(calls, new SinkError(err.message, true));
    }
    const mid = calls.length >>> 1;
    await commit(calls.slice(0, mid));
    await commit(calls.slice(mid));
  }

  function takeBatch(): Call[] {
    let count = 0;
    let points = 0;
    for (const call of queue) {
      if (count > 0 && points + call.points > config.batchSize) break;
      count++;
      points += call.points;
    }
    queuedPoints -= points;
    return queue.splice(0, count);
  }

  async function run(): Promise<void> {
    running = true;
    for (let head = queue[0]; head; head = queue[0]) {
      const wait = head.at + config.flushMs - Date.now();
      if (!closing && queuedPoints < config.batchSize && wait > 0) {
        arm(wait);
        break;
      }
      await commit(takeBatch());
    }
    running = false;
    if (queue.length === 0) idleWaiters.splice(0).forEach((wake) => wake());
  }

  function arm(ms: number): void {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (!running) void run();
    }, ms);
  }

  function enqueue(body: string, points: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      queue.push({ body, points, at: Date.now(), resolve, reject });
      queuedPoints += points;
      pending += points;
      updateSaturation();
      if (running) return;
      if (queuedPoints >= config.batchSize) void run();
      else arm(config.flushMs);
    });
  }

  return {
    get pending() {
      return pending;
    },
    get saturated() {
      return saturated;
    },
    onDrain(listener) {
      drainListeners.push(listener);
    },
    write(points: readonly Point[]) {
      if (closing) return Promise.reject(new SinkError('influx writer is closed', false));
      let body: string;
      try {
        body = toLines(points);
      } catch (err) {
        if (err instanceof LineProtocolError) return Promise.reject(new SinkError(err.message, true));
        throw err;
      }
      return body === '' ? Promise.resolve() : enqueue(body, points.length);
    },
    async close() {
      closing = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (!running && queue.length > 0) void run();
      if (running) await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
