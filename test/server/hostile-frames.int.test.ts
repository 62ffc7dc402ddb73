/**
 * Smaller holes of issue 11 (finding 7) and a quirk of issue 12, over real TCP against the real gateway:
 * CNs named like Object.prototype members get a verdict and a 9011; a factor code ending in a backslash (which line
 * protocol cannot carry) is answered 9011 QnRtn 2 so the collector stops retransmitting; a collector opening a new
 * connection per frame is not an MN conflict.
 */
import t from 'tap';
import { encodeFrame, uploadPacket, type Packet } from '../../protocol/index.js';
import { connectCollector } from '../helpers/collector.js';
import { startTestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

const MN = '33010600000001W00000011Q';
const PW = '123456';
let seq = 0;
const qn = (): string => `20240315103000${String(100 + seq++)}`;
const upload = (code = 'w01001'): Packet => uploadPacket({ st: '32', pw: PW, mn: MN, qn: qn() }, '2011', { dataTime: '20240315103000', factors: [{ code, rtd: '7.1', flag: 'N' }] });

const count = async (c: { get(): Promise<{ values: Array<{ value: number; labels: Record<string, unknown> }> }> }, labels: Record<string, string>): Promise<number> =>
  (await c.get()).values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((s, v) => s + v.value, 0);

t.test('hostile frames', async (t) => {
  const gw = await startTestGateway();
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: PW });

  t.test('CN constructor / __proto__ / toString / hasOwnProperty / valueOf: a verdict and a 9011 each', async (t) => {
    const c = await connectCollector(gw.port);
    t.teardown(() => c.close());
    const cns = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
    for (const cn of cns) {
      const p = { ...upload(), cn };
      c.send(encodeFrame(p));
      const reply = await c.next((r) => r.qn === p.qn);
      t.match(reply, { cn: '9011', cp: { QnRtn: '8' } }, `CN ${cn} answered 9011 QnRtn 8 (CN error)`);
    }
    t.equal(await count(gw.metrics.frames, { verdict: 'unknown-cn' }), cns.length, 'each counted with a verdict');
    const p = upload();
    c.send(encodeFrame(p));
    t.equal((await c.next((r) => r.qn === p.qn)).cn, '9014', 'the connection still works');
  });

  t.test('a factor code ending in a backslash: acked without it (stored-partial), not dead-lettered and retransmitted forever', async (t) => {
    const c = await connectCollector(gw.port);
    t.teardown(() => c.close());
    const p = upload('w01001\\');
    c.send(encodeFrame(p));
    // A malformed factor code is dropped and counted (src/server/upload-limits.ts); the rest of the frame is stored.
    t.match(await c.next((r) => r.qn === p.qn), { cn: '9014' }, 'answered, so the collector does not retransmit it');
    t.equal(await count(gw.metrics.frames, { verdict: 'stored-partial' }), 1, 'verdict recorded');
    t.equal(await gw.redis.llen(`${gw.config.redis.prefix}dead-letters`), 0, 'no dead letter');
  });

  t.test('a new connection per frame after closing the last one is not an MN conflict (issue 12)', async (t) => {
    const before = await count(gw.metrics.duplicateMn, {});
    for (let i = 0; i < 15; i++) {
      const c = await connectCollector(gw.port);
      const p = upload();
      c.send(encodeFrame(p));
      await c.next((r) => r.qn === p.qn && r.cn === '9014');
      // The collector closes its side and at once opens the next connection, not waiting for the server's close.
      c.socket.end();
    }
    // Fire and forget: send, close at once, next connection; every frame is still stored.
    const done = async (): Promise<number> => (await count(gw.metrics.frames, { verdict: 'stored' })) + (await count(gw.metrics.frames, { verdict: 'duplicate' }));
    const stored = await done();
    for (let i = 0; i < 15; i++) {
      const c = await connectCollector(gw.port);
      c.send(encodeFrame(upload()));
      c.socket.end();
    }
    await waitFor(async () => (await done()) === stored + 15, 'fire-and-forget frames stored');
    t.equal(await count(gw.metrics.duplicateMn, {}), before, 'no replacement counted');
    // Two live connections for one MN still are a conflict.
    const a = await connectCollector(gw.port);
    const pa = upload();
    a.send(encodeFrame(pa));
    await a.next((r) => r.qn === pa.qn);
    const b = await connectCollector(gw.port);
    t.teardown(() => b.close());
    const pb = upload();
    b.send(encodeFrame(pb));
    await b.next((r) => r.qn === pb.qn);
    await a.closed;
    t.equal(await count(gw.metrics.duplicateMn, {}), before + 1, 'a live connection replaced is counted');
    await waitFor(async () => (await gw.redis.hget(`${gw.config.redis.prefix}status:${MN}`, 'replaced')) === '1', 'status shows one replacement');
  });
});
