/**
 * History re-pulls reach the collector through whichever gateway instance holds its connection: the worker looks
 * the instance up in Redis and publishes there (src/storage/redis/command-bus.ts); no in-process call is involved.
 * Two gateway instances share Redis and InfluxDB; the collector is connected to the second one.
 */
import t from 'tap';
import type { GapEntry } from '../../src/domain/ledgers.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { startGatewayRole } from '../../src/roles/gateway-role.js';
import { connectCollector } from '../helpers/collector.js';
import { waitFor } from '../helpers/wait.js';
import { HOUR, answerHistory, entriesOf, hoursOf, startHarness, uploadHours } from './worker-harness.js';

const D = Date.parse('2024-05-10T00:00:00+08:00');
const MN = 'W0000000000000000000RTE1';

t.test('the re-pull goes to the gateway instance holding the connection', async (t) => {
  const h = await startHarness(D + 4 * HOUR + 30 * 60_000);
  t.teardown(() => h.close());
  const second = await startGatewayRole({ ...h.gw.config, instanceId: 'gw-second', tcp: { ...h.gw.config.tcp, port: 0 } }, createLogger('silent'), createMetrics({ defaults: false }));
  t.teardown(() => second.close());
  await h.addCollector(MN, { startAt: new Date(D).toISOString() });
  const c = await connectCollector(second.port);
  t.teardown(() => c.close());
  await uploadHours(c, MN, [{ ms: D }, { ms: D + 3 * HOUR }]);
  t.equal(await h.gw.redis.hget(`${h.gw.config.redis.prefix}status:${MN}`, 'instanceId'), 'gw-second', 'Redis knows which instance holds the collector');

  await h.startWorker();
  const request = await answerHistory(c, MN, () => [{ ms: D + 2 * HOUR }, { ms: D + HOUR }]);
  t.same([request.cn, request.cp], ['2061', { BeginTime: '20240510010000', EndTime: '20240510020000' }], 'the request arrived over the second instance');
  await waitFor(async () => ((await entriesOf(h.ledgers, 'gap', MN)) as GapEntry[]).every((g) => g.state === 'filled-by-collector'), 'gaps filled from the answer');
  const gaps = (await entriesOf(h.ledgers, 'gap', MN)) as GapEntry[];
  t.same(hoursOf(gaps, D), [1, 2]);
  t.same(gaps.map((g) => g.attempts.map((a) => [a.qn, a.outcome])), [[[request.qn, 'done']], [[request.qn, 'done']]], 'the attempt and its 9011/9012 outcome on each gap');
});
