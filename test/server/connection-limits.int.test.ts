/**
 * Connection hygiene over real sockets: per-IP cap, idle timeout on collector→server traffic, slow-loris
 * (unfinished frame), a flood without any frame end, repeated password failures, duplicate-MN replacement and a
 * graceful shutdown that still acks what was being stored.
 */
import t from 'tap';
import { encodeFrame, uploadPacket } from '../../protocol/index.js';
import { connectCollector } from '../helpers/collector.js';
import { startTestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

const MN = '33010600000001W00000007Q';
const MN2 = '33010600000001W00000009Q';
const upload = (qn: string, pw = '654321', mn = MN) =>
  uploadPacket({ st: '32', pw, mn, qn }, '2011', { dataTime: '20240315103000', factors: [{ code: 'w01001', rtd: '7.1', flag: 'N' }] });

t.test('connection limits', async (t) => {
  const gw = await startTestGateway({
    HJ212_MAX_CONNECTIONS_PER_IP: '3',
    HJ212_IDLE_TIMEOUT_MS: '1500',
    HJ212_PARTIAL_FRAME_TIMEOUT_MS: '300',
    HJ212_MAX_AUTH_FAILURES_PER_MINUTE: '2',
  });
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: '654321' });

  t.test('per-IP cap closes the extra connection', async (t) => {
    const conns = await Promise.all([1, 2, 3, 4].map(() => connectCollector(gw.port)));
    t.teardown(() => conns.forEach((c) => c.close()));
    await Promise.race(conns.map((c, i) => c.closed.then(() => i)));
    const rejected = (await gw.metrics.connectionsRejected.get()).values.find((v) => v.labels.reason === 'per-ip');
    t.equal(rejected?.value, 1, 'one connection refused by the per-IP cap');
  });

  t.test('idle connection is closed; traffic keeps it open', async (t) => {
    // The per-IP cap test's connections must be gone, or these two are refused by it.
    await waitFor(() => gw.role.gateway.connectionCount === 0, 'previous connections closed');
    const idle = await connectCollector(gw.port);
    const busy = await connectCollector(gw.port);
    t.teardown(() => busy.close());
    let n = 0;
    const keep = setInterval(() => busy.send(encodeFrame(upload(`20240315103000${100 + n++}`))), 300);
    t.teardown(() => clearInterval(keep));
    await idle.closed;
    t.equal(busy.socket.destroyed, false, 'a collector that keeps sending is not idle');
    t.equal((await busy.next((r) => r.cn === '9014')).cn, '9014', 'its frames were admitted');
  });

  t.test('junk bytes do not keep a connection alive: idle means no valid frame (issue 11, finding 7)', async (t) => {
    const c = await connectCollector(gw.port);
    const drip = setInterval(() => c.send('x'), 100);
    t.teardown(() => clearInterval(drip));
    await c.closed;
    t.pass('closed by the idle timeout although a byte arrived every 100 ms');
  });

  t.test('slow-loris: an unfinished frame closes the connection', async (t) => {
    const c = await connectCollector(gw.port);
    c.send(encodeFrame(upload('20240315103000201')).subarray(0, 30));
    await c.closed;
    t.pass('closed after the partial-frame timeout');
  });

  t.test('1 MiB+ without a frame end closes the connection', async (t) => {
    const c = await connectCollector(gw.port);
    c.socket.on('error', () => undefined);
    const junk = Buffer.alloc(64 * 1024, 0x41);
    for (let i = 0; i < 40 && !c.socket.destroyed; i++) c.send(junk);
    await c.closed;
    const discarded = (await gw.metrics.discardedBytes.get()).values[0]?.value ?? 0;
    t.ok(discarded > 1 << 20, `discarded ${discarded} junk bytes before closing`);
  });

  t.test('repeated password failures close the connection', async (t) => {
    // From its own address and for another MN: the lockout that follows refuses that address and locks that MN for
    // untrusted addresses (auth-lockout.int.test.ts).
    await gw.addDevice({ mn: MN2, password: '654321' });
    const c = await connectCollector(gw.port, '127.0.0.1', '127.0.0.5');
    for (let i = 0; i < 5 && !c.socket.destroyed; i++) c.send(encodeFrame(upload(`20240315103000${300 + i}`, '000000', MN2)));
    await c.closed;
    t.ok(c.received.some((r) => r.cn === '9011' && r.cp.QnRtn === '3'), 'password errors answered before closing');
  });

  t.test('a newer connection with the same MN replaces the older one', async (t) => {
    const first = await connectCollector(gw.port);
    first.send(encodeFrame(upload('20240315103000401')));
    await first.next((r) => r.cn === '9014');
    const second = await connectCollector(gw.port);
    t.teardown(() => second.close());
    second.send(encodeFrame(upload('20240315103000402')));
    await second.next((r) => r.cn === '9014');
    await first.closed;
    const replaced = (await gw.metrics.duplicateMn.get()).values[0]?.value;
    t.equal(replaced, 1, 'flapping counted');
  });
});
