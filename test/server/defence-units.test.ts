/**
 * Units of the gateway's flood bounds: summary logging (one line per key per interval, bounded keys), the archive
 * queue's byte cap (drop and count, backed-up signal), and the pending-device write throttle.
 */
import t from 'tap';
import { createLogger } from '../../src/log.js';
import { CappedBatcher } from '../../src/server/capped-batcher.js';
import { LogSummary } from '../../src/server/log-summary.js';
import { PendingRecorder } from '../../src/server/pending-recorder.js';
import { createMemoryRegistry } from '../fakes/memory-registry.js';

t.test('log summary: 100,000 events from 5,000 keys make a bounded number of lines with the counts', async (t) => {
  const lines: string[] = [];
  const log = createLogger('info', { write: (l: string) => void lines.push(l) });
  const s = new LogSummary(log, { intervalMs: 1000, maxKeys: 100, message: 'frames rejected' }, 0);
  for (let i = 0; i < 100_000; i++) s.note(`c${i % 5000}`, i % 2 ? 'HJ_ERR_CRC' : 'HJ_ERR_LENGTH', () => ({ conn: `c${i % 5000}`, detail: 'x'.repeat(1000) }));
  s.tick(999);
  t.equal(lines.length, 0, 'nothing before the interval');
  s.tick(1000);
  t.equal(lines.length, 101, 'one line per held key plus one overflow line');
  const first = JSON.parse(lines[0] as string) as { events: number; counts: Record<string, number>; detail: string };
  t.equal(first.events, 20, 'events of the key counted');
  t.same(first.counts, { HJ_ERR_LENGTH: 20 });
  t.ok(first.detail.length <= 201, 'sample detail truncated');
  t.match(JSON.parse(lines[100] as string), { events: 98_000 }, 'overflow counted, not lost');
  s.note('c1', 'x', () => ({}));
  s.flushKey('c1');
  t.equal(lines.length, 102, 'a closing key is written at once');
  s.flush(5000);
  t.equal(lines.length, 102, 'and not again');
});

t.test('capped batcher: drops beyond the byte cap and counts; backed up above half; drains', async (t) => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const written: string[] = [];
  let drops = 0;
  const b = new CappedBatcher<string>(
    async (items) => {
      await gate;
      written.push(...items);
    },
    () => undefined,
    1000,
    (s) => s.length,
    () => drops++,
  );
  let accepted = 0;
  for (let i = 0; i < 100; i++) if (b.push('x'.repeat(100))) accepted++;
  t.equal(accepted, 10, 'ten 100-byte items fit in 1000 bytes');
  t.equal(drops, 90, 'the rest dropped and counted');
  t.equal(b.backedUp, true, 'backed up');
  const flushed = b.flush();
  release();
  await flushed;
  t.equal(written.length, 10, 'accepted items written');
  t.equal(b.queuedBytes, 0, 'cap freed after the write');
  t.equal(b.backedUp, false);
});

t.test('pending recorder: one write per MN per interval, at most N writes per interval', async (t) => {
  const registry = createMemoryRegistry();
  let drops = 0;
  const r = new PendingRecorder(registry, createLogger('silent'), { intervalMs: 10_000, maxPerInterval: 5, maxTracked: 100 }, () => drops++);
  for (let i = 0; i < 100; i++) await r.record({ mn: 'SAME', sourceIp: '10.0.0.1', sampleFrame: '##', at: 1000 + i, valid: true });
  t.equal((await registry.listPending())[0]?.frames, 1, 'repeats within the interval are not written');
  await r.record({ mn: 'SAME', sourceIp: '10.0.0.1', sampleFrame: '##', at: 20_000, valid: true });
  t.equal((await registry.listPending())[0]?.frames, 101, 'the next write carries the skipped count');
  for (let i = 0; i < 50; i++) await r.record({ mn: `RANDOM${i}`, sourceIp: '10.0.0.1', sampleFrame: '##', at: 21_000, valid: false });
  t.equal((await registry.listPending()).length, 5, 'writes per interval capped (one used by SAME)');
  t.equal(drops, 46, 'dropped writes counted');
});

t.test('gateway: a backed-up archive queue pauses sockets, drops beyond its cap, and nothing acked is lost', async (t) => {
  const { startMemoryGateway } = await import('../helpers/memory-gateway.js');
  const { connectCollector } = await import('../helpers/collector.js');
  const { waitFor } = await import('../helpers/wait.js');
  const { encodeFrame, uploadPacket } = await import('../../protocol/index.js');
  const gw = await startMemoryGateway({ defences: { archiveQueueMaxBytes: 4000 } });
  t.teardown(() => gw.close());
  const MN = '33010600000001W00000012Q';
  await gw.addDevice({ mn: MN, password: '246813' });
  let open: () => void = () => undefined;
  const gate = new Promise<void>((r) => (open = r));
  const append = gw.archive.append.bind(gw.archive);
  gw.archive.append = async (frames) => {
    await gate;
    return append(frames);
  };
  const paused = async (): Promise<number> => (await gw.metrics.paused.get()).values.find((v) => v.labels.reason === 'queues')?.value ?? 0;
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());
  const qns: string[] = [];
  for (let i = 0; i < 40; i++) {
    const p = uploadPacket({ st: '32', pw: '246813', mn: MN, qn: `20240315103000${100 + i}` }, '2011', { dataTime: `202403151${String(i).padStart(3, '0')}00`.slice(0, 14), factors: [{ code: 'w01001', rtd: String(i), flag: 'N' }] });
    qns.push(p.qn ?? '');
    c.send(encodeFrame(p));
  }
  await waitFor(async () => (await paused()) === 1, 'sockets paused while the archive is backed up');
  open();
  await waitFor(async () => (await paused()) === 0, 'resumed once it drained');
  for (const qn of qns) await c.next((r) => r.qn === qn && r.cn === '9014');
  t.pass('every upload acked');
  t.equal(gw.sink.points.length >= 40, true, 'every upload stored');
  const dropped = (await gw.metrics.dropped.get()).values.find((v) => v.labels.queue === 'archive')?.value ?? 0;
  t.ok(dropped > 0, `archive entries beyond the cap dropped and counted (${dropped})`);
});
