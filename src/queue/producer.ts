/**
 * After a durable write the gateway hands ingest events here; they are collapsed per collector + kind + hour and
 * added with one addBulk per second (one round trip per second, not one per frame), with
 * deterministic ids so a burst of frames becomes one job. Jobs are delayed (`delayMs`): while one waits, adding the
 * same id again is a no-op in BullMQ, so every reading of that collector, kind and hour arriving meanwhile is
 * checked by the one job when it runs.
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
  const timer = setInterval(() => void flush(), opts.flushMs ?? 1000);
  timer.unref();

  async function flush(): Promise<void> {
    if (batch.size === 0) return;
    const jobs = batch;
    batch = new Map();
    try {
      await queue.addBulk(
        [...jobs].map(([id, data]) => ({ name: JOB.check, data, opts: { ...JOB_OPTIONS.check, jobId: id, delay: opts.delayMs ?? 0 } })),
      );
    } catch (err) {
      // Keep them for the next tick: the readings are durable, only the check is late.
      opts.logger.warn({ err, jobs: jobs.size }, 'enqueueing check jobs failed; will retry');
      for (const [id, data] of jobs) batch.set(id, data);
    }
  }

  return {
    ingested(events: readonly IngestEvent[]) {
      for (const e of events) {
        const job: CheckJob = { mn: e.mn, kind: e.kind, hourMs: Math.floor(e.timeMs / HOUR_MS) * HOUR_MS };
        batch.set(checkJobId(job), job);
      }
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
      await queue.close();
    },
  };
}
