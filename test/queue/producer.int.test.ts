/** The gateway's check-job producer against real Redis/BullMQ: collapsing, deterministic ids, the check delay. */
import { Queue } from 'bullmq';
import t from 'tap';
import { createLogger } from '../../src/log.js';
import { HOUR_MS, QUEUES, checkJobId } from '../../src/queue/jobs.js';
import { bullPrefix, createJobProducer, redisConnection } from '../../src/queue/producer.js';
import { freshPrefix, redisUrl } from '../helpers/services.js';

const MN = '88888880000001';
const hour = Date.UTC(2024, 4, 1, 2);

async function setup(t: Tap, delayMs: number) {
  const prefix = freshPrefix();
  const producer = createJobProducer({ connection: { url: redisUrl() }, prefix, logger: createLogger('silent'), delayMs, flushMs: 3_600_000 });
  const queue = new Queue(QUEUES.checks, { connection: redisConnection(redisUrl()), prefix: bullPrefix(prefix) });
  t.teardown(async () => {
    await producer.close();
    await queue.close();
  });
  return { producer, queue };
}
type Tap = Parameters<Parameters<typeof t.test>[0]>[0];

t.test('readings of one collector, kind and hour join one delayed job across flushes', async (t) => {
  const { producer, queue } = await setup(t, 60_000);
  producer.ingested([{ mn: MN, kind: 'realtime', timeMs: hour + 1_000 }, { mn: MN, kind: 'realtime', timeMs: hour + 2_000 }]);
  await producer.flush();
  producer.ingested([{ mn: MN, kind: 'realtime', timeMs: hour + 3_000 }]);
  await producer.flush();
  producer.ingested([{ mn: MN, kind: 'realtime', timeMs: hour + HOUR_MS }, { mn: MN, kind: 'hour', timeMs: hour }]);
  await producer.flush();

  const jobs = await queue.getJobs(['delayed', 'waiting']);
  t.same(jobs.map((j) => j.id).sort(), [
    checkJobId({ mn: MN, kind: 'hour', hourMs: hour }),
    checkJobId({ mn: MN, kind: 'realtime', hourMs: hour }),
    checkJobId({ mn: MN, kind: 'realtime', hourMs: hour + HOUR_MS }),
  ].sort(), 'one job per collector, kind and hour');
  t.same(await queue.getJobCounts('delayed', 'waiting'), { delayed: 3, waiting: 0 }, 'all wait for the delay');
  t.ok(jobs.every((j) => j.opts.delay === 60_000), 'delay as configured');
});

t.test('delay 0 queues the job at once', async (t) => {
  const { producer, queue } = await setup(t, 0);
  producer.ingested([{ mn: MN, kind: 'minute', timeMs: hour }]);
  await producer.flush();
  t.same(await queue.getJobCounts('delayed', 'waiting'), { delayed: 0, waiting: 1 });
});
