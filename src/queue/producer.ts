/**
 * After a durable write the gateway hands ingest events here; they are collapsed per collector + kind + hour and
 * added with one addBulk per second (one round trip per second, not one per frame), with
 * deterministic ids so a burst of frames becomes one job. Jobs are delayed (`delayMs`): while one waits, adding the
 * same id again is a no-op in BullMQ, so every reading of that collector, kind and hour arriving meanwhile is
 * checked by the one job when it runs.
 *
 * Ids added are remembered here for the delay minus a margin: a job this producer created cannot start before its
 * delay has passed, so readings of that collector, kind and hour made durable meanwhile are checked by it and need
 * no add of their own (before, a collector uploading every second cost one addJob script per second per kind; the
 * ingest benchmark measured 0.93 adds per frame). When the add that opened the window joined an older job instead
 * (a backlogged queue), that job may run inside the window: every window in which readings were skipped therefore
 * ends with one more add, which then creates a job if the older one is done.
 */
import { Queue } from 'bullmq';
import type { IngestEvent, JobProducer } from '../domain/ports.js';
import type { Logger } from '../log.js';
import { HOUR_MS, JOB, JOB_OPTIONS, QUEUES, checkJobId, type CheckJob } from './jobs.js';

export interface ProducerOptions {
  connection: { url: string };
  prefix: string;
  logger: Logger;
  flushMs?: number;
  /** How long a check job waits before it runs (HJ212_CHECK_DELAY_S). Default 0. */
  delayMs?: number;
  /**
   * Jobs added per flush (one flush per `flushMs`, so HJ212_CHECK_ADDS_PER_S at the default second); the rest wait
   * for the next flush, oldest first. close() adds them all. Default unlimited.
   */
  addsPerFlush?: number;
}

/** Check jobs per addBulk call. */
const ADD_CHUNK = 250;

/** Collectors whose last job id is kept (jobOf). */
const MAX_LAST_JOBS = 100_000;

/** Kept off the delay when remembering an add: the flush interval, clock steps and the add's own latency fit in. */
const REMEMBER_MARGIN_MS = 5000;

/** A job id added recently: readings until `until` need no add; `skipped` ones get one add when it passes. */
interface Remembered {
  until: number;
  skipped: boolean;
  job: CheckJob;
}

export function bullPrefix(prefix: string): string {
  return `${prefix}bull`;
}

export function redisConnection(url: string): { host: string; port: number; password?: string; db?: number; maxRetriesPerRequest: null } {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    password: u.password || undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined,
    maxRetriesPerRequest: null,
  };
}

export function createJobProducer(opts: ProducerOptions): JobProducer & { flush(): Promise<void> } {
  const queue = new Queue<CheckJob>(QUEUES.checks, { connection: redisConnection(opts.connection.url), prefix: bullPrefix(opts.prefix) });
  queue.on('error', (err) => opts.logger.warn({ err }, 'check queue error'));
  let batch = new Map<string, CheckJob>();
  const windowMs = (opts.delayMs ?? 0) - REMEMBER_MARGIN_MS;
  const remembered = new Map<string, Remembered>();
  const timer = setInterval(() => void flush(), opts.flushMs ?? 1000);
  timer.unref();

  /** Ends the windows that have passed: one add for each that skipped readings. */
  function expire(now: number): void {
    for (const [id, r] of remembered) {
      if (now < r.until) continue;
      remembered.delete(id);
      if (r.skipped) batch.set(id, r.job);
    }
  }

  /** Flushes run one after another (a chunked add can outlast the interval); close() waits for all of them. */
  let flushing: Promise<void> = Promise.resolve();
  function flush(limit = opts.addsPerFlush ?? Number.POSITIVE_INFINITY): Promise<void> {
    flushing = flushing.then(() => flushOnce(limit));
    return flushing;
  }

  /** The oldest `limit` jobs of the batch, taken out of it. */
  function take(limit: number): Array<[string, CheckJob]> {
    if (batch.size <= limit) {
      const all = [...batch];
      batch = new Map();
      return all;
    }
    const some: Array<[string, CheckJob]> = [];
    for (const entry of batch) {
      if (some.length >= limit) break;
      some.push(entry);
    }
    for (const [id] of some) batch.delete(id);
    return some;
  }

  async function flushOnce(limit: number): Promise<void> {
    const startedAt = Date.now();
    if (windowMs > 0) expire(startedAt);
    if (batch.size === 0) return;
    const jobs = take(limit);
    // Remembered from the start of the add (its jobs cannot start before startedAt + delay): readings of these ids
    // made durable while the add is in flight need no add of their own either.
    if (windowMs > 0) for (const [id, job] of jobs) remembered.set(id, { until: startedAt + windowMs, skipped: false, job });
    // In chunks, each its own addBulk: a restarted gateway's first second hands over a job per collector and kind, and
    // one addBulk of thousands builds its commands in one go, stalling every connection's frames meanwhile.
    for (let start = 0; start < jobs.length; start += ADD_CHUNK) {
      const chunk = jobs.slice(start, start + ADD_CHUNK);
      try {
        await queue.addBulk(chunk.map(([id, data]) => ({ name: JOB.check, data, opts: { ...JOB_OPTIONS.check, jobId: id, delay: opts.delayMs ?? 0 } })));
      } catch (err) {
        // Keep this chunk and the rest for the next tick: the readings are durable, only the check is late.
        opts.logger.warn({ err, jobs: jobs.length - start }, 'enqueueing check jobs failed; will retry');
        for (const [id, data] of jobs.slice(start)) {
          remembered.delete(id);
          batch.set(id, data);
        }
        return;
      }
    }
  }


  /**
   * Per collector and kind the job of the hour it last uploaded in: every frame of that hour reuses its id and data
   * instead of building them again (the gateway calls this once per stored frame). Bounded: dropped whole at
   * {@link MAX_LAST_JOBS} collectors.
   */
  const lastJobs = new Map<string, Map<string, { id: string; job: CheckJob }>>();
  function jobOf(mn: string, kind: string, hourMs: number): { id: string; job: CheckJob } {
    let byKind = lastJobs.get(mn);
    if (!byKind) {
      if (lastJobs.size >= MAX_LAST_JOBS) lastJobs.clear();
      lastJobs.set(mn, (byKind = new Map()));
    }
    const last = byKind.get(kind);
    if (last !== undefined && last.job.hourMs === hourMs) return last;
    const job: CheckJob = { mn, kind, hourMs };
    const made = { id: checkJobId(job), job };
    byKind.set(kind, made);
    return made;
  }

  return {
    ingested(events: readonly IngestEvent[]) {
      const now = Date.now();
      for (const e of events) {
        const hourMs = Math.floor(e.timeMs / HOUR_MS) * HOUR_MS;
        const { id, job } = jobOf(e.mn, e.kind, hourMs);
        const r = remembered.get(id);
        if (r !== undefined && now < r.until) r.skipped = true;
        else batch.set(id, job);
      }
    },
    flush: () => flush(),
    async close() {
      clearInterval(timer);
      await flush(Number.POSITIVE_INFINITY);
      await queue.close();
    },
  };
}
