/**
 * Collector passwords never stored or shown (issue 11 finding 6): pending-device samples, the audit entry of a
 * registration, the raw archive, dead letters and the log all carry `PW=***`. Real gateway over TCP, real Redis and
 * InfluxDB, the API on the same keys.
 */
import { Writable } from 'node:stream';
import t from 'tap';
import { encodeFrame, uploadPacket } from '../../protocol/index.js';
import { createLogger } from '../../src/log.js';
import { createRedisArchive } from '../../src/storage/redis/archive.js';
import { body, buildTestApi } from '../api/helper.js';
import { connectCollector } from '../helpers/collector.js';
import { startTestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

const SECRET = '918273';
const KNOWN = '33010600000001W0000000MK';
const STRANGER = '33010600000001W0000000MS';

t.test('passwords are masked wherever frames are kept', async (t) => {
  const api = await buildTestApi();
  const logged: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (logged.push(String(chunk)), done()) });
  const gw = await startTestGateway({ HJ212_REDIS_PREFIX: api.prefix, HJ212_INFLUX_DATABASE: api.database }, { logger: createLogger('debug', sink) });
  t.teardown(async () => (await gw.close(), await api.close()));
  await gw.addDevice({ mn: KNOWN, password: SECRET, version: '2017' });
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());

  // An unknown MN: 9011 QnRtn=4 and a pending entry with a sample frame.
  const unknown = uploadPacket({ st: '32', pw: SECRET, mn: STRANGER, qn: '20240315103000001' }, '2061', { dataTime: '20240315100000', factors: [{ code: 'w01018', avg: '1' }] });
  c.send(encodeFrame(unknown));
  t.equal((await c.next((r) => r.qn === unknown.qn)).cp.QnRtn, '4');
  // A wrong password (rejected, logged), a stored frame, and one InfluxDB refuses permanently (dead letter).
  const wrong = uploadPacket({ st: '32', pw: `${SECRET}0`, mn: KNOWN, qn: '20240315103000002' }, '2061', { dataTime: '20240315100000', factors: [{ code: 'w01018', avg: '1' }] });
  c.send(encodeFrame(wrong));
  t.equal((await c.next((r) => r.qn === wrong.qn)).cp.QnRtn, '3');
  const good = uploadPacket({ st: '32', pw: SECRET, mn: KNOWN, qn: '20240315103000003' }, '2061', { dataTime: '20240315100000', factors: [{ code: 'w01018', avg: '1' }] });
  c.send(encodeFrame(good));
  t.equal((await c.next((r) => r.qn === good.qn)).cn, '9014');
  // A string `avg` written behind the gateway's back makes the next float `avg` of this series a type conflict.
  await api.writeLines([`day,factor=w01018,mn=${KNOWN},st=32 avg="text" ${Date.UTC(2024, 2, 14, 16)}`]);
  const refused = uploadPacket({ st: '32', pw: SECRET, mn: KNOWN, qn: '20240315103000004' }, '2031', { dataTime: '20240315000000', factors: [{ code: 'w01018', avg: '2' }] });
  c.send(encodeFrame(refused));
  const deadKey = `${api.prefix}dead-letters`;
  await waitFor(async () => (await gw.redis.llen(deadKey)) > 0, 'a dead letter');

  const pending = await api.call(api.token.ops, { url: '/pending-devices' });
  const sample = body<{ items: Array<{ mn: string; sampleFrame: string }> }>(pending).items.find((p) => p.mn === STRANGER)?.sampleFrame ?? '';
  t.match(sample, /PW=\*\*\*;MN=/, 'pending sample shows PW=***');
  t.notMatch(sample, SECRET, 'pending sample without the password');
  t.notMatch(JSON.stringify(await gw.redis.hgetall(`${api.prefix}pending:${STRANGER}`)), SECRET, 'nor in Redis');

  const reg = await api.call(api.token.ops, { method: 'POST', url: `/pending-devices/${STRANGER}/register`, payload: { password: 'N3w-pass' } });
  t.equal(reg.statusCode, 201);
  const audit = await api.call(api.token.admin, { url: `/audit/collector/${STRANGER}` });
  t.equal(audit.statusCode, 200);
  t.match(audit.body, /register/, 'the registration is audited');
  t.notMatch(audit.body, SECRET, 'the audit trail holds no password');
  t.notMatch(JSON.stringify(await gw.redis.xrange(`${api.prefix}audit`, '-', '+')), SECRET);

  await waitFor(async () => (await gw.redis.xlen(`${api.prefix}frames`)) >= 4, 'archived frames');
  const archived = await createRedisArchive(gw.redis, { prefix: api.prefix, maxLength: 1000 }).recent(1000);
  const raws = archived.map((f) => Buffer.from(f.raw).toString('latin1'));
  t.ok(raws.some((r) => r.includes('PW=***')), 'archived frames keep the header with PW=***');
  for (const r of raws) t.notMatch(r, SECRET, 'archived frame without the password');

  const dead = (await gw.redis.lrange(deadKey, 0, -1)).map((s) => Buffer.from(JSON.parse(s).raw, 'base64').toString('latin1'));
  t.match(dead[0], /PW=\*\*\*/, 'dead letter keeps the header with PW=***');
  t.notMatch(dead.join(''), SECRET, 'dead letters without the password');

  t.ok(logged.length > 0, 'the gateway logged');
  t.notMatch(logged.join(''), SECRET, 'the log holds no password');
});
