/**
 * Series-cardinality bomb (issue 11 finding 3), against the real gateway over TCP, Redis, InfluxDB and the API on
 * the same keys: a collector inventing factor codes gets at most HJ212_MAX_UNKNOWN_FACTORS of them stored, the rest
 * is dropped, counted and shown in its status; frames are cut at HJ212_MAX_FACTORS_PER_FRAME readings; the
 * latest-values hash stays under HJ212_MAX_LATEST_FIELDS; a DataTime far in the future or before HJ212_MIN_DATA_YEAR
 * is answered 9011 QnRtn=2 and not stored. Another collector uploading meanwhile keeps every ack and reading.
 */
import t from 'tap';
import { FACTORS, encodeFrame, type Packet } from '../../protocol/index.js';
import { newDevice } from '../../src/domain/device-defaults.js';
import type { ArchivedFrame } from '../../src/domain/ports.js';
import { createRedisArchive } from '../../src/storage/redis/archive.js';
import { createRedisLatest } from '../../src/storage/redis/latest-store.js';
import { body, buildTestApi } from '../api/helper.js';
import { connectCollector } from '../helpers/collector.js';
import { startTestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

const A = '33010600000001W0000000FA';
const B = '33010600000001W0000000FB';
let seq = 0;
const qn = (): string => `20240315103${String(100000 + seq++)}`;
const now = new Date();
const pad = (n: number): string => String(n).padStart(2, '0');
// A DataTime one minute ago, in Asia/Shanghai (the default device zone), so it is inside the window.
const recent = (() => {
  const d = new Date(now.getTime() - 60_000 + 8 * 3600_000);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}00`;
})();

function frame(mn: string, cp: Record<string, string>, cn = '2011'): Packet {
  return { qn: qn(), st: '32', cn, pw: '123456', mn, flag: 5, cp };
}

async function tagValues(gw: { influx: { query(q: string): Promise<Array<{ values: unknown[][] }>> } }, mn: string): Promise<string[]> {
  const series = await gw.influx.query(`SHOW TAG VALUES FROM "realtime" WITH KEY = "factor" WHERE "mn" = '${mn}'`);
  return (series[0]?.values ?? []).map((v) => String(v[1])).sort();
}

t.test('unknown factor codes are capped per collector; others are unaffected', async (t) => {
  const api = await buildTestApi();
  const gw = await startTestGateway({
    HJ212_REDIS_PREFIX: api.prefix,
    HJ212_INFLUX_DATABASE: api.database,
    HJ212_MAX_UNKNOWN_FACTORS: '3',
    HJ212_MAX_FACTORS_PER_FRAME: '20',
    HJ212_MAX_LATEST_FIELDS: '3',
  });
  t.teardown(async () => (await gw.close(), await api.close()));
  await gw.registry.put({ ...newDevice({ mn: A, password: '123456' }), pointId: 'point-a' });
  await gw.addDevice({ mn: B, password: '123456' });
  // A monitoring item of A's point with a code outside the factor table: always admitted, outside the budget.
  const at = new Date().toISOString();
  await api.deps.catalog.putItem({ id: 'item-x', enterpriseId: 'e', siteId: 's', pointId: 'point-a', factor: 'x99999', mode: 'automatic', uploads: [{ kind: 'realtime', periodSeconds: 30 }], enabled: true, createdAt: at, updatedAt: at });
  const a = await connectCollector(gw.port);
  const b = await connectCollector(gw.port);
  t.teardown(() => (a.close(), b.close()));

  // The flood: 30 frames of A, each with 10 novel codes, one known factor and the item's code; B uploads in between.
  const FRAMES = 30;
  for (let i = 0; i < FRAMES; i++) {
    const cp: Record<string, string> = { DataTime: recent, 'w01018-Rtd': String(i), 'x99999-Rtd': '1' };
    for (let j = 0; j < 10; j++) cp[`y${String(i * 10 + j).padStart(5, '0')}-Rtd`] = '1';
    const p = frame(A, cp);
    a.send(encodeFrame(p));
    t.equal((await a.next((r) => r.qn === p.qn)).cn, '9014', `flood frame ${i} acked (stored partially)`);
    const legit = frame(B, { DataTime: recent, 'w01018-Rtd': String(i), [`${FACTORS[i]?.code2017}-Rtd`]: '2' });
    b.send(encodeFrame(legit));
    t.equal((await b.next((r) => r.qn === legit.qn)).cn, '9014', `B frame ${i} acked`);
  }

  const codesA = await tagValues(gw, A);
  t.equal(codesA.length, 5, `A has w01018, its item code and 3 unknown codes as series: ${codesA.join(',')}`);
  t.ok(codesA.includes('w01018') && codesA.includes('x99999'));
  t.same(await tagValues(gw, B), [...new Set(['w01018', ...FACTORS.slice(0, FRAMES).map((f) => f.code2017)])].sort(), 'every factor of B stored');
  t.equal(await gw.redis.scard(`${api.prefix}factors:unknown:${A}`), 3, 'the budget set is bounded by the cap');

  const limited = await gw.metrics.limited.get();
  const unknownDropped = limited.values.find((v) => v.labels.limit === 'unknown-factor')?.value;
  t.equal(unknownDropped, FRAMES * 10 - 3, 'every dropped reading counted');
  const frames = await gw.metrics.frames.get();
  t.equal(frames.values.find((v) => v.labels.verdict === 'stored-partial')?.value, FRAMES, 'frames with dropped readings have their own verdict');

  const status = await api.call(api.token.ops, { url: `/collectors/${A}/status` });
  t.equal(status.statusCode, 200);
  t.match(body(status), { mn: A, unknownFactors: { dropped: FRAMES * 10 - 3 } }, 'the operator sees the dropped count');
  t.equal(body<{ unknownFactors: { codes: string[] } }>(status).unknownFactors.codes.length, 3);

  // The latest values of A are capped at 3 kind + factor entries although 5 factors of A are stored.
  const latest = createRedisLatest(gw.redis, { prefix: api.prefix });
  await waitFor(async () => (await latest.get(A)).length > 0, 'latest values written');
  await gw.role.gateway.close();
  t.equal((await latest.get(A)).length, 3, 'latest values bounded');
});

t.test('factors per frame are capped', async (t) => {
  const gw = await startTestGateway({ HJ212_MAX_FACTORS_PER_FRAME: '20', HJ212_MAX_DATA_LENGTH: '4096' });
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: A, password: '123456', maxDataLength: 4096 });
  const a = await connectCollector(gw.port);
  t.teardown(() => a.close());
  const cp: Record<string, string> = { DataTime: recent };
  for (const f of FACTORS.slice(0, 30)) cp[`${f.code2017}-Rtd`] = '1';
  const p = frame(A, cp);
  a.send(encodeFrame(p));
  t.equal((await a.next((r) => r.qn === p.qn)).cn, '9014');
  t.equal((await tagValues(gw, A)).length, 20, 'the first 20 readings stored');
  const partial = async (): Promise<ArchivedFrame | undefined> =>
    (await createRedisArchive(gw.redis, { prefix: gw.config.redis.prefix, maxLength: 1000 }).recent(1000)).find((f) => f.verdict === 'stored-partial');
  await waitFor(async () => (await partial()) !== undefined, 'the frame archived');
  const entry = await partial();
  t.match(entry?.code, /dropped 10 readings over 20 per frame/, 'the archive says what was dropped');
});

t.test('a DataTime far in the future or before the minimum year is refused with 9011 QnRtn=2', async (t) => {
  const gw = await startTestGateway({ HJ212_MAX_FUTURE_SKEW_S: '3600' });
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: A, password: '123456' });
  const a = await connectCollector(gw.port);
  t.teardown(() => a.close());
  for (const dataTime of ['20990101000000', '19900101000000']) {
    const p = frame(A, { DataTime: dataTime, 'w01018-Rtd': '1' });
    a.send(encodeFrame(p));
    const reply = await a.next((r) => r.qn === p.qn);
    t.same([reply.cn, reply.cp.QnRtn], ['9011', '2'], `${dataTime} refused`);
  }
  const ok = frame(A, { DataTime: recent, 'w01018-Rtd': '1' });
  a.send(encodeFrame(ok));
  t.equal((await a.next((r) => r.qn === ok.qn)).cn, '9014', 'a current DataTime is stored');
  t.equal((await gw.rows('realtime', A)).length, 1, 'nothing of the refused frames stored');
  const limited = await gw.metrics.limited.get();
  t.same(limited.values.filter((v) => String(v.labels.limit).startsWith('datatime')).map((v) => [v.labels.limit, v.value]).sort(), [['datatime-future', 1], ['datatime-too-old', 1]]);
});

t.test('a collector cycling ST values does not multiply its series', async (t) => {
  const gw = await startTestGateway();
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: A, password: '123456' });
  const a = await connectCollector(gw.port);
  t.teardown(() => a.close());
  for (const [i, st] of ['21', '22', '23', '31', '32', '33', '34', '35', 'A-B', '9999'].entries()) {
    const p = { ...frame(A, { DataTime: recent, 'w01018-Rtd': String(i) }), st };
    a.send(encodeFrame(p));
    t.equal((await a.next((r) => r.qn === p.qn)).cn, '9014', `ST ${st} acked`);
  }
  const series = await gw.influx.query(`SHOW TAG VALUES FROM "realtime" WITH KEY = "st" WHERE "mn" = '${A}'`);
  t.same((series[0]?.values ?? []).map((v) => String(v[1])).sort(), ['21', '22', '23', '31'].sort(), 'the first four ST values are tags, the rest is stored with st empty');
  t.equal((await gw.rows('realtime', A)).length, 5, 'five series: four ST values and the empty one');
});
