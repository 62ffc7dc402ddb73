/** The gateway's check-job producer against real Redis/BullMQ: collapsing, deterministic ids, the check delay. */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import t from 'tap';
import { createLogger } from '../../src/log.js';
import { HOUR_MS, QUEUES, checkJobId } from '../../src/queue/jobs.js';
import { bullPrefix, createJobProducer, redisConnection } from '../../src/queue/producer.js';
import { freshPrefix, redisUrl } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';

const MN = '88888880000001';
const hour = Date.UTC(2024, 4, 1, 2);

async function setup(t: Tap, delayMs: number, addsPerFlush?: number) {
  const prefix = freshPrefix();
  const producer = createJobProducer({ connection: { url: redisUrl() }, prefix, logger: createLogger('silent'), delayMs, flushMs: 3_600_000, addsPerFlush });
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

/** Adds BullMQ saw for the queue: `added` created a job, `duplicated` joined one already there. */
async function addEvents(queue: Queue): Promise<{ added: number; duplicated: number }> {
  const client = new Redis(redisUrl());
  const entries = await client.xrange(`${queue.qualifiedName}:events`, '-', '+').finally(() => client.disconnect());
  const events = entries.map(([, fields]) => fields[fields.indexOf('event') + 1]);
  return { added: events.filter((e) => e === 'added').length, duplicated: events.filter((e) => e === 'duplicated').length };
}

t.test('a job added recently is not added again for readings within its delay', async (t) => {
  const { producer, queue } = await setup(t, 60_000);
  producer.ingested([{ mn: MN, kind: 'realtime', timeMs: hour + 1_000 }]);
  await producer.flush();
  for (let s = 2; s < 10; s++) {
    producer.ingested([{ mn: MN, kind: 'realtime', timeMs: hour + s * 1_000 }]);
    await producer.flush();
  }
  t.same(await addEvents(queue), { added: 1, duplicated: 0 }, 'one add for nine flushes of readings');
  t.same(await queue.getJobCounts('delayed'), { delayed: 1 });
});

t.test('a window that skipped readings ends with one more add; one that skipped none does not', async (t) => {
  // Delay 5.3 s: the remembered window (delay minus the 5 s margin) is 300 ms.
  const { producer, queue } = await setup(t, 5_300);
  const other = 'realtime2';
  producer.ingested([{ mn: MN, kind: 'realtime', timeMs: hour }, { mn: MN, kind: other, timeMs: hour }]);
  const openedAt = Date.now();
  await producer.flush();
  producer.ingested([{ mn: MN, kind: 'realtime', timeMs: hour + 1_000 }]);
  await producer.flush();
  t.same(await addEvents(queue), { added: 2, duplicated: 0 }, 'skipped within the window');
  await waitFor(() => Date.now() > openedAt + 400, 'the window passed');
  await producer.flush();
  t.same(await addEvents(queue), { added: 2, duplicated: 1 }, 'one closing add, for the window that skipped a reading');
});

t.test('readings arriving while the add is in flight join it', async (t) => {
  const { producer, queue } = await setup(t, 60_000);
  producer.ingested([{ mn: MN, kind: 'realtime', timeMs: hour }]);
  const adding = producer.flush();
  producer.ingested([{ mn: MN, kind: 'realtime', timeMs: hour + 1_000 }]);
  await adding;
  await producer.flush();
  t.same(await addEvents(queue), { added: 1, duplicated: 0 });
});

t.test('the first jobs of a fleet are added in chunks of 250 and all arrive; the same frames again add nothing new', async (t) => {
  const { producer, queue } = await setup(t, 60_000);
  const calls: number[] = [];
  const addBulk = Queue.prototype.addBulk;
  Queue.prototype.addBulk = function (this: Queue, jobs: Parameters<Queue['addBulk']>[0]) {
    calls.push(jobs.length);
    return addBulk.call(this, jobs);
  } as Queue['addBulk'];
  t.teardown(() => {
    Queue.prototype.addBulk = addBulk;
  });
  const fleet = Array.from({ length: 600 }, (_, i) => `8888888${String(i).padStart(7, '0')}`);
  producer.ingested(fleet.map((mn) => ({ mn, kind: 'realtime', timeMs: hour + 1_000 })));
  await producer.flush();
  t.same(calls, [250, 250, 100], 'three calls');
  t.equal((await queue.getJobCounts('delayed')).delayed, 600, 'every job added');
  producer.ingested(fleet.map((mn) => ({ mn, kind: 'realtime', timeMs: hour + 2_000 })));
  await producer.flush();
  t.same(calls, [250, 250, 100], 'the same hour again within the delay: nothing to add');
});

t.test('adds are paced: at most addsPerFlush per flush, oldest first; close() adds the rest', async (t) => {
  const prefix = freshPrefix();
  const producer = createJobProducer({ connection: { url: redisUrl() }, prefix, logger: createLogger('silent'), delayMs: 60_000, flushMs: 3_600_000, addsPerFlush: 400 });
  const queue = new Queue(QUEUES.checks, { connection: redisConnection(redisUrl()), prefix: bullPrefix(prefix) });
  t.teardown(() => queue.close());
  const fleet = Array.from({ length: 1000 }, (_, i) => `8888888${String(i).padStart(7, '0')}`);
  producer.ingested(fleet.map((mn) => ({ mn, kind: 'realtime', timeMs: hour })));
  await producer.flush();
  const first = await queue.getJobs(['delayed']);
  t.equal(first.length, 400, 'one flush adds 400');
  t.same(first.map((j) => j.data.mn).sort(), fleet.slice(0, 400), 'the oldest first');
  await producer.flush();
  t.equal((await queue.getJobCounts('delayed')).delayed, 800, 'the next flush 400 more');
  await producer.close();
  t.equal((await queue.getJobCounts('delayed')).delayed, 1000, 'close adds the rest');
});
