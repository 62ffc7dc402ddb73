/**
 * Hostile traffic against the real gateway (real TCP, Redis, InfluxDB): framing-error floods, unregistrable-MN
 * floods and spoofed random MNs stay bounded in log lines, archive entries and Redis keys; the flooding address is
 * banned and refused at accept, while a legitimate collector at another address keeps its acks (issue 11, finding 1
 * and 5).
 */
import t from 'tap';
import { encodeFrame, uploadPacket } from '../../protocol/index.js';
import { connectCollector, type TestCollector } from '../helpers/collector.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

const MN = '33010600000001W00000007Q';
const PW = '654321';
let seq = 0;
const qn = (): string => `20240315103000${String(100 + (seq++ % 900))}`;
const upload = (mn = MN, pw = PW) =>
  encodeFrame(uploadPacket({ st: '32', pw, mn, qn: qn() }, '2011', { dataTime: '20240315103000', factors: [{ code: 'w01001', rtd: '7.1', flag: 'N' }] }));

/** A frame with its CRC digits changed (HJ212-2017 6.3.1): parses as far as the header, then HJ_ERR_CRC. */
function badCrc(frame: Uint8Array): Buffer {
  const b = Buffer.from(frame);
  const at = b.length - 6;
  b.write(b.toString('latin1', at, at + 4) === '0000' ? '1111' : '0000', at, 'latin1');
  return b;
}

const counterValue = async (c: { get(): Promise<{ values: Array<{ value: number; labels: Record<string, unknown> }> }> }, labels: Record<string, string> = {}): Promise<number> =>
  (await c.get()).values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((s, v) => s + v.value, 0);

async function keysOf(gw: TestGateway, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await gw.redis.scan(cursor, 'MATCH', `${gw.config.redis.prefix}${pattern}`, 'COUNT', 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0');
  return out;
}

/** A legitimate collector at its own address; resolves once one upload is acked (its status then exists). */
async function legitimateAck(gw: TestGateway, from = '127.0.0.2'): Promise<TestCollector> {
  const c = await connectCollector(gw.port, '127.0.0.1', from);
  const frame = upload();
  c.send(frame);
  await c.next((r) => r.cn === '9014');
  return c;
}

t.test('framing-error flood: budget, close, ban with backoff; bounded logs and archive; others unaffected', async (t) => {
  const lines: string[] = [];
  const gw = await startTestGateway({ HJ212_CONN_MAX_ERRORS: '20', HJ212_BAN_BASE_MS: '60000', HJ212_LOG_SUMMARY_MS: '200' }, { logLines: lines });
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: PW });
  const legit = await legitimateAck(gw);
  t.teardown(() => legit.close());
  const before = lines.length;

  // The reported attack: connect; send (b'##0001' * 1660 + b'\r\n') * 100; close, in a loop.
  const chunk = Buffer.from(`${'##0001'.repeat(1660)}\r\n`.repeat(100));
  const first = await connectCollector(gw.port, '127.0.0.1', '127.0.0.9');
  first.send(chunk);
  await first.closed;
  t.equal(await counterValue(gw.metrics.bans, { reason: 'error-budget' }), 1, 'the address is banned once');
  for (let i = 0; i < 30; i++) {
    const c = await connectCollector(gw.port, '127.0.0.1', '127.0.0.9').catch(() => undefined);
    if (!c) continue;
    c.send(chunk);
    await c.closed;
  }
  t.equal(await counterValue(gw.metrics.connectionsRejected, { reason: 'banned' }), 30, 'every later connection refused at accept');
  const framingErrors = await counterValue(gw.metrics.frames);
  t.ok(framingErrors <= 25, `at most the budget of bad candidates handled (${framingErrors})`);

  // Meanwhile the legitimate collector keeps its acks.
  const again = upload();
  legit.send(again);
  t.equal((await legit.next((r) => r.cn === '9014')).cn, '9014', 'legitimate collector still acked');

  await waitFor(() => lines.slice(before).some((l) => l.includes('source address limited')), 'address summary logged');
  const logged = lines.length - before;
  t.ok(logged <= 20, `log lines bounded (${logged} lines for 31 connections and ~166,000 bad candidates)`);
  t.notOk(
    lines.slice(before).some((l) => l.includes('"frame rejected"')),
    'no per-frame log line',
  );
  const archived = await gw.redis.xlen(`${gw.config.redis.prefix}frames`);
  t.ok(archived <= 25, `archive entries bounded (${archived})`);
});

t.test('a flood split over short connections, each under its budget: the address budget bans it', async (t) => {
  const gw = await startTestGateway({ HJ212_CONN_MAX_ERRORS: '20', HJ212_ADDRESS_MAX_ERRORS: '50', HJ212_BAN_BASE_MS: '60000' });
  t.teardown(() => gw.close());
  const frame = badCrc(upload());
  let refused = 0;
  for (let i = 0; i < 10; i++) {
    const c = await connectCollector(gw.port, '127.0.0.1', '127.0.0.12');
    const before = await counterValue(gw.metrics.frames);
    c.send(Buffer.concat(Array.from({ length: 15 }, () => frame)));
    const accepted = await Promise.race([
      c.closed.then(() => false),
      waitFor(async () => (await counterValue(gw.metrics.frames)) === before + 15, 'handled').then(() => true),
    ]);
    c.close();
    await c.closed;
    if (!accepted) refused++;
  }
  t.equal(await counterValue(gw.metrics.bans, { reason: 'error-budget' }), 1, 'banned once the address exceeded its budget');
  t.ok(refused >= 6, `later connections closed or refused (${refused} of 10)`);
  t.ok((await counterValue(gw.metrics.frames)) <= 51, 'at most the address budget of frames handled');
});

t.test('unregistrable MN repeated: one pending entry, no status key, bounded archive, connection closed', async (t) => {
  const lines: string[] = [];
  const gw = await startTestGateway({ HJ212_CONN_MAX_ERRORS: '20', HJ212_BAN_BASE_MS: '60000' }, { logLines: lines });
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: PW });
  const unknown = 'UNREGISTERED0000000000001';
  const frame = Buffer.from(upload(unknown));
  const c = await connectCollector(gw.port, '127.0.0.1', '127.0.0.10');
  c.send(Buffer.concat(Array.from({ length: 2000 }, () => frame)));
  await c.closed;
  const legit = await legitimateAck(gw);
  t.teardown(() => legit.close());
  await waitFor(async () => (await gw.redis.exists(`${gw.config.redis.prefix}status:${MN}`)) === 1, 'legitimate status flushed');
  t.equal(await gw.redis.exists(`${gw.config.redis.prefix}status:${unknown}`), 0, 'no status hash for an unknown MN');
  const pending = await gw.registry.listPending();
  t.same(
    pending.map((p) => p.mn),
    [unknown],
    'one pending entry',
  );
  t.ok((await gw.redis.xlen(`${gw.config.redis.prefix}frames`)) <= 25, 'archive bounded by the budget');
  t.ok(lines.filter((l) => l.includes('rejected')).length <= 2, 'one summary line for the connection');
});

t.test('bad-CRC frames with random MNs: no status keys, pending writes capped and counted', async (t) => {
  const gw = await startTestGateway({ HJ212_CONN_MAX_ERRORS: '1000', HJ212_PENDING_RECORDS_PER_INTERVAL: '50', HJ212_PENDING_RECORD_INTERVAL_MS: '600000' });
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: PW });
  const c = await connectCollector(gw.port, '127.0.0.1', '127.0.0.11');
  t.teardown(() => c.close());
  const frames = Array.from({ length: 600 }, (_, i) => badCrc(upload(`SPOOF${String(i).padStart(19, '0')}`)));
  c.send(Buffer.concat(frames));
  await waitFor(async () => (await counterValue(gw.metrics.frames, { verdict: 'HJ_ERR_CRC' })) === 600, 'every frame got a verdict');
  const legit = await legitimateAck(gw);
  t.teardown(() => legit.close());
  await waitFor(async () => (await gw.redis.exists(`${gw.config.redis.prefix}status:${MN}`)) === 1, 'legitimate status flushed');
  t.same(await keysOf(gw, 'status:SPOOF*'), [], 'no status hash for any spoofed MN');
  t.equal(await gw.redis.sismember(`${gw.config.redis.prefix}status`, 'SPOOF0000000000000000001'), 0, 'not in the status set');
  await waitFor(async () => (await counterValue(gw.metrics.dropped, { queue: 'pending' })) === 550, 'pending writes beyond the cap dropped and counted');
  t.equal((await gw.registry.listPending()).length, 50, 'pending entries capped');
});

t.test('a frame with a readable header rejected before admission is linked to its MN (issue 12)', async (t) => {
  const gw = await startTestGateway();
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: PW });
  // A widely copied client writes len + 6 into the length field: a framing error, but the header is readable.
  const lenPlus6 = (frame: Uint8Array): Buffer => {
    const s = Buffer.from(frame).toString('latin1');
    return Buffer.from(`##${String(Number(s.slice(2, 6)) + 6).padStart(4, '0')}${s.slice(6)}`, 'latin1');
  };
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());
  const unknown = 'UNKNOWNLEN00000000000001';
  c.send(Buffer.concat([lenPlus6(upload()), lenPlus6(upload()), lenPlus6(upload(unknown))]));
  await waitFor(async () => (await gw.registry.listPending()).some((p) => p.mn === unknown), 'unknown MN with a framing error is a pending device');
  await waitFor(async () => Number(await gw.redis.hget(`${gw.config.redis.prefix}status:${MN}`, `rejectionsToday:${today(gw)}`)) === 2, 'rejections counted on the registered MN');
  t.pass('linked');
});

function today(gw: TestGateway): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: gw.config.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(Date.now());
}
