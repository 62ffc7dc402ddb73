/**
 * The worker role killed with -9 while BullMQ shows check jobs active, under load, then restarted. The jobs it held
 * stay locked until their lock expires, then the new worker's stalled-job check runs them again (BullMQ default
 * lock 30 s). Ledgers must come out with no duplicate or half-written entry: exactly one over-standard anomaly per
 * stored hour above the standard, one history event each, indexes matching entries, and a full re-run of every
 * check job changes nothing. Hour DataTimes lie in the future, so the due-period scans find no gaps to chase.
 */
import { Queue } from 'bullmq';
import t from 'tap';
import type { AnomalyEntry } from '../../src/domain/ledgers.js';
import { newDevice } from '../../src/domain/device-defaults.js';
import { HOUR_MS, JOB, QUEUES, checkJobId } from '../../src/queue/jobs.js';
import { bullPrefix, redisConnection } from '../../src/queue/producer.js';
import { createRedisCatalog } from '../../src/storage/redis/catalog.js';
import { createRedisLedgerStore } from '../../src/storage/redis/ledgers.js';
import { createRedisRegistry } from '../../src/storage/redis/registry.js';
import { waitFor } from '../helpers/wait.js';
import { DATABASE, PREFIX, startFaultStack } from './lib/fault-stack.js';
import { reportFault } from './lib/fault-report.js';
import { PASSWORD } from './lib/readings-load.js';
import { assertNothingLost, runUnderLoad } from './lib/under-load.js';

const FACTOR = 'w01018';
/** Standard upper limit of the items: the simulated COD walks 20–90, so about half the hours are above it. */
const UPPER = 60;
const FUTURE_BASE_MS = Math.floor(Date.now() / HOUR_MS) * HOUR_MS + 24 * HOUR_MS;

t.setTimeout(300_000);

t.test('worker killed with -9 mid-job under load and restarted: ledgers without duplicates', async (t) => {
  // The hours uploaded lie a day ahead (FUTURE_BASE_MS) and every reading is the next hour: the gateway's DataTime
  // window must admit all a collector uploads until a check job is caught active and 100 more are acked (acks take
  // ~30 ms with the 25 ms group commit; at 3 days the collectors ran out of admitted hours within seconds).
  const stack = await startFaultStack('worker-kill', { gatewayEnv: { HJ212_MAX_FUTURE_SKEW_S: String(400 * 24 * 3600) } });
  const queue = new Queue(QUEUES.checks, { connection: redisConnection(stack.services.redisUrl), prefix: bullPrefix(PREFIX) });
  const ledgers = createRedisLedgerStore({ redis: stack.redis, prefix: PREFIX });
  const catalog = createRedisCatalog({ redis: stack.redis, prefix: PREFIX });
  const registry = createRedisRegistry({ redis: stack.redis, prefix: PREFIX });
  // Redis clients first, while Redis still runs (a BullMQ connection waits for a stopped server forever).
  t.teardown(async () => {
    await queue.close();
    await registry.close();
    await stack.close();
  });
  const record = { enabled: true, createdAt: new Date(0).toISOString(), updatedAt: new Date(0).toISOString() };
  const register = async (mns: readonly string[]): Promise<void> => {
    for (const mn of mns) {
      const ids = { enterpriseId: `ent-${mn}`, siteId: `site-${mn}`, pointId: `point-${mn}` };
      await catalog.putEnterprise({ id: ids.enterpriseId, name: `Enterprise ${mn}`, ...record });
      await catalog.putSite({ id: ids.siteId, enterpriseId: ids.enterpriseId, name: 'Site', ...record });
      await catalog.putPoint({ id: ids.pointId, enterpriseId: ids.enterpriseId, siteId: ids.siteId, name: 'Outfall', st: '32', ...record });
      await catalog.putItem({ id: `item-${mn}`, ...ids, factor: FACTOR, mode: 'automatic', uploads: [{ kind: 'hour', periodSeconds: 3600 }], standardUpper: UPPER, ...record });
      await registry.put({ ...newDevice({ mn, password: PASSWORD }), ...ids });
    }
  };
  const drained = async (): Promise<boolean> => {
    const c = await queue.getJobCounts('waiting', 'active', 'prioritized');
    return Object.values(c).every((n) => n === 0);
  };

  let worker = await stack.startWorker();
  let activeAtKill: string[] = [];
  let restartedAt = 0;
  const r = await runUnderLoad(t, stack, { collectors: 10, mnPrefix: 'WORK', cn: '2061', baseMs: FUTURE_BASE_MS, register }, async () => {
    await waitFor(async () => (activeAtKill = (await queue.getActive()).map((j) => j.id ?? '')).length > 0, 'a check job is active', 60_000);
    const start = Date.now();
    await worker.kill9();
    worker = await stack.startWorker();
    restartedAt = Date.now();
    return { start, end: restartedAt };
  });
  assertNothingLost(t, r);
  // Readings still arriving produce check jobs for about a second after the last ack (producer batching).
  await waitFor(drained, 'check queue drained after the restart (stalled jobs recovered)', 150_000);
  const recoveryS = Math.round((Date.now() - restartedAt) / 100) / 10;
  t.ok(activeAtKill.length > 0, `jobs were active at the kill: ${activeAtKill.join(', ')}`);
  t.equal(await queue.getFailedCount(), 0, 'no check job failed');

  // Expected anomalies: the stored hours above the standard, from InfluxDB itself.
  const q = `SELECT "avg" FROM "hour" WHERE "factor" = '${FACTOR}' AND "avg" > ${UPPER} GROUP BY "mn"`;
  const body = (await (await fetch(`${stack.services.influxUrl}/query?db=${DATABASE}&epoch=ms&q=${encodeURIComponent(q)}`)).json()) as {
    results: Array<{ series?: Array<{ tags: { mn: string }; values: Array<[number, number]> }> }>;
  };
  const expected = new Set((body.results[0]?.series ?? []).flatMap((s) => s.values.map(([time]) => `${s.tags.mn}|${time}`)));
  const snapshot = async (): Promise<AnomalyEntry[]> => {
    const out: AnomalyEntry[] = [];
    for (const mn of r.load.mns) out.push(...((await ledgers.list({ type: 'anomaly', mn, limit: 100_000 })).items as AnomalyEntry[]));
    return out;
  };
  const anomalies = await snapshot();
  const overStandard = anomalies.filter((a) => a.rule === 'over-standard');
  const found = overStandard.map((a) => `${a.mn}|${a.periodStart}`);
  t.ok(expected.size > 0, `hours above the standard were stored (${expected.size})`);
  t.equal(new Set(found).size, found.length, 'no two over-standard entries for one collector and hour');
  t.same([...found].sort(), [...expected].sort(), 'exactly one over-standard anomaly per stored hour above the standard');
  t.ok(anomalies.every((a) => a.history.length === 1), 'every entry was created once (one history event each)');
  const indexed = await stack.redis.zrange(`${PREFIX}ledger:idx:anomaly`, 0, -1);
  const stored = await stack.redis.keys(`${PREFIX}ledger:e:anomaly:*`);
  t.equal(indexed.length, stored.length, 'the anomaly index lists every entry once');

  // Every check job again, as retries or another gateway would trigger them: nothing changes.
  const before = JSON.stringify(await snapshot());
  const hours = new Set(r.load.records.map((x) => `${x.mn}|${x.dataTimeMs}`));
  await queue.addBulk(
    [...hours].map((key) => {
      const [mn = '', ms = '0'] = key.split('|');
      const data = { mn, kind: 'hour', hourMs: Number(ms) };
      return { name: JOB.check, data, opts: { jobId: `again-${checkJobId(data)}`, removeOnComplete: true } };
    }),
  );
  await waitFor(drained, 'repeated check jobs done', 150_000);
  t.equal(JSON.stringify(await snapshot()), before, 'repeating every check job adds and changes nothing');

  await reportFault({
    scenario: 'worker kill -9',
    readings: r.rec.readings,
    acked: r.rec.acked,
    stored: r.rec.stored,
    duplicated: found.length - new Set(found).size,
    lost: r.rec.lost,
    retransmits: r.load.stats.counters.retransmits,
    'fault s': Math.round((r.window.end - r.window.start) / 100) / 10,
    'recovery s': recoveryS,
    note: `${activeAtKill.length} jobs active at the kill; ${overStandard.length} anomalies = ${expected.size} hours above the standard; duplicated = ledger entries`,
  });
});
