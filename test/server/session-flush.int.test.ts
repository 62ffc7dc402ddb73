/**
 * HJ212_SESSION_FLUSH_MS end to end: a started gateway (real Redis, InfluxDB), a frame over TCP, the collector's
 * status hash read back. The connection is claimed at once; the frame counts and times are written at the interval,
 * and the ones still held when the gateway closes are written then.
 */
import { Redis } from 'ioredis';
import t from 'tap';
import { encodeFrame } from '../../protocol/index.js';
import { connectCollector } from '../helpers/collector.js';
import { startTestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

const MN = '33010600000001W0000000SF';

async function oneFrame(port: number): Promise<() => void> {
  const c = await connectCollector(port);
  const qn = '20240315103000001';
  const dataTime = new Date(Date.now() + 8 * 3600_000 - 10 * 60_000).toISOString().replace(/\D/g, '').slice(0, 12) + '00';
  c.send(encodeFrame({ qn, st: '32', cn: '2011', pw: '123456', mn: MN, flag: 5, cp: { DataTime: dataTime, 'w01018-Rtd': '1' } }));
  const reply = await c.next((r) => r.qn === qn);
  if (reply.cn !== '9014') throw new Error(`answered ${reply.cn}`);
  return () => c.close();
}

t.test('a short interval: the frame count and last frame reach Redis while the gateway runs', async (t) => {
  const gw = await startTestGateway({ HJ212_SESSION_FLUSH_MS: '100' });
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: '123456' });
  t.teardown(await oneFrame(gw.port));
  const key = `${gw.config.redis.prefix}status:${MN}`;
  await waitFor(async () => (await gw.redis.hget(key, 'lastAckAt')) !== null, 'status written');
  const status = await gw.redis.hgetall(key);
  t.equal(status.connected, '1');
  t.ok(Number(status.lastFrameAt) > 0, 'last frame time');
  t.ok(Object.entries(status).some(([k, v]) => k.startsWith('framesToday:') && v === '1'), 'one frame today');
});

t.test('a long interval: only the claim is written at once; the rest when the gateway closes', async (t) => {
  const gw = await startTestGateway({ HJ212_SESSION_FLUSH_MS: '60000' });
  await gw.addDevice({ mn: MN, password: '123456' });
  const disconnect = await oneFrame(gw.port);
  const key = `${gw.config.redis.prefix}status:${MN}`;
  const before = await gw.redis.hgetall(key);
  t.equal(before.connected, '1', 'the connection is claimed at once');
  t.equal(before.lastFrameAt, undefined, 'the frame is held (interval 60 s)');
  disconnect();
  await gw.close();
  const redis = new Redis(gw.config.redis.url);
  t.teardown(() => redis.quit());
  const after = await redis.hgetall(key);
  t.ok(Number(after.lastFrameAt) > 0, 'written on close');
  t.ok(Object.entries(after).some(([k, v]) => k.startsWith('framesToday:') && v === '1'));
});
