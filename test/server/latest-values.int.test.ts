/**
 * Latest values end to end: a started gateway (real Redis, InfluxDB), frames over TCP, the Redis latest-values hash
 * read back. Newest wins across frames, an older frame acked later does not move a value back, an equal DataTime
 * replaces, a frame with a subset of the factors leaves the others; the values held when the gateway closes are written.
 */
import t from 'tap';
import { encodeFrame, type Packet } from '../../protocol/index.js';
import type { LatestEntry } from '../../src/domain/ports.js';
import { createRedisLatest } from '../../src/storage/redis/latest-store.js';
import { connectCollector, type TestCollector } from '../helpers/collector.js';
import { startTestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

const MN = '33010600000001W0000000LV';
let seq = 0;
const pad = (n: number): string => String(n).padStart(2, '0');
/** DataTime (HJ212-2017 6.3.2: the collector's local time; Asia/Shanghai, the default device zone) of epoch ms. */
function dataTime(ms: number): string {
  const d = new Date(ms + 8 * 3600_000);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}
// Whole minutes, ten minutes ago: inside the DataTime window.
const t1 = Math.floor((Date.now() - 10 * 60_000) / 60_000) * 60_000;
const t0 = t1 - 60_000;
const t2 = t1 + 60_000;

async function upload(c: TestCollector, cn: string, timeMs: number, cp: Record<string, string>): Promise<void> {
  const p: Packet = { qn: `20240315103${String(100000 + seq++)}`, st: '32', cn, pw: '123456', mn: MN, flag: 5, cp: { DataTime: dataTime(timeMs), ...cp } };
  c.send(encodeFrame(p));
  const reply = await c.next((r) => r.qn === p.qn);
  if (reply.cn !== '9014') throw new Error(`frame ${p.qn} answered ${reply.cn}`);
}

const show = (entries: readonly LatestEntry[]): string[] => entries.map((e) => `${e.kind} ${e.factor} ${e.timeMs} ${JSON.stringify(e.values)}`);

t.test('the Redis hash holds the newest reading per kind and factor, whatever order frames arrive in', async (t) => {
  const gw = await startTestGateway({ HJ212_LATEST_FLUSH_MS: '50' });
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: '123456' });
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());

  await upload(c, '2011', t1, { 'w01018-Rtd': '1', 'w01018-Flag': 'N', 'w21003-Rtd': '1', 'w21011-Rtd': '1' });
  await upload(c, '2011', t0, { 'w01018-Rtd': 'old', 'w21003-Rtd': 'old', 'w21011-Rtd': 'old' });
  await upload(c, '2011', t2, { 'w01018-Rtd': '2' });
  // The same DataTime resent with a corrected value (other CP bytes: a new frame, not a retransmit).
  await upload(c, '2011', t2, { 'w01018-Rtd': '2.5', 'w01018-Flag': 'C' });
  await upload(c, '2051', t1, { 'w01018-Avg': '1.1', 'w01018-Min': '0.9', 'w01018-Max': '1.3' });

  const latest = createRedisLatest(gw.redis, { prefix: gw.config.redis.prefix });
  const expected = [
    `minute w01018 ${t1} {"min":"0.9","avg":"1.1","max":"1.3"}`,
    `realtime w01018 ${t2} {"rtd":"2.5","flag":"C"}`,
    `realtime w21003 ${t1} {"rtd":"1"}`,
    `realtime w21011 ${t1} {"rtd":"1"}`,
  ];
  let got: string[] = [];
  await waitFor(async () => (got = show(await latest.get(MN))).length === expected.length && got[1]!.includes('2.5'), 'latest values written');
  t.same(got, expected);
  t.equal(await gw.redis.hlen(`${gw.config.redis.prefix}latest:${MN}`), 2, 'one hash field per kind');
});

t.test('graceful close writes the latest values of acked frames still held', async (t) => {
  const gw = await startTestGateway({ HJ212_LATEST_FLUSH_MS: '60000' });
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: '123456' });
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());
  await upload(c, '2011', t1, { 'w01018-Rtd': '7', 'w21003-Rtd': '8' });
  await upload(c, '2011', t2, { 'w01018-Rtd': '9' });
  const key = `${gw.config.redis.prefix}latest:${MN}`;
  t.equal(await gw.redis.exists(key), 0, 'held, not yet written (interval 60 s)');
  await gw.role.gateway.close();
  const latest = createRedisLatest(gw.redis, { prefix: gw.config.redis.prefix });
  t.same(show(await latest.get(MN)), [`realtime w01018 ${t2} {"rtd":"9"}`, `realtime w21003 ${t1} {"rtd":"8"}`]);
});
