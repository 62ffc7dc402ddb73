/**
 * The raw archive and sub-packet tracking stay bounded (issue 11 finding 5), real gateway over TCP and real Redis:
 * the archive never exceeds HJ212_ARCHIVE_MAX_BYTES, junk is kept only as its first HJ212_ARCHIVE_JUNK_RAW_BYTES
 * bytes, repeats and retransmits are counted instead of archived in full, and an incomplete sub-packet set with
 * PNUM=9999 is reported as a range.
 */
import { Writable } from 'node:stream';
import t from 'tap';
import { crc16, encodeFrame, type Packet } from '../../protocol/index.js';
import { createLogger } from '../../src/log.js';
import { fromStreamFields } from '../../src/storage/redis/archive.js';
import { connectCollector } from '../helpers/collector.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

const MN = '33010600000001W0000000AR';
let seq = 0;
const qn = (): string => `20240315103${String(100000 + seq++)}`;

function upload(over: Partial<Packet> = {}, cp: Record<string, string> = {}): Packet {
  return { qn: qn(), st: '32', cn: '2061', pw: '123456', mn: MN, flag: 5, cp: { DataTime: '20240315100000', 'w01018-Avg': '1', ...cp }, ...over };
}

/** An entry as the archive stores it: properties as text (raw in base64) and the byte length of its stream fields. */
type Entry = Record<string, string> & { bytes: number };
async function entries(gw: TestGateway): Promise<Entry[]> {
  const raw = (await gw.redis.xrangeBuffer(`${gw.config.redis.prefix}frames`, '-', '+')) as unknown as Array<[Buffer, Buffer[]]>;
  return raw.map(([, f]) => {
    const stored = fromStreamFields(f);
    const e = { bytes: f.reduce((n, b) => n + b.length, 0) } as Entry;
    for (const [k, v] of Object.entries(stored)) e[k] = Buffer.isBuffer(v) ? v.toString('base64') : String(v);
    return e;
  });
}
const fieldBytes = (e: Entry): number => e.bytes;

t.test('archive bounded in bytes; junk truncated; repeats and retransmits counted', async (t) => {
  const gw = await startTestGateway({ HJ212_ARCHIVE_MAX_BYTES: '12000', HJ212_ARCHIVE_JUNK_RAW_BYTES: '512' });
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: '123456' });
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());

  // A `##9999` candidate: data that is not a data segment, with a valid CRC, 10 KB on the wire.
  const junkData = 'X'.repeat(9999);
  const junk = `##9999${junkData}${crc16(Buffer.from(junkData)).toString(16).toUpperCase().padStart(4, '0')}\r\n`;
  c.send(junk);
  await waitFor(async () => (await entries(gw)).some((e) => e.verdict?.startsWith('HJ_ERR')), 'the junk archived');
  const junkEntry = (await entries(gw)).find((e) => e.verdict?.startsWith('HJ_ERR'));
  t.equal(Buffer.from(junkEntry?.raw ?? '', 'base64').length, 512, 'only the first 512 bytes kept');
  t.equal(junkEntry?.size, String(junk.length), 'with the full size');

  // One stored frame, then 10 retransmits of it: the retransmits keep no raw bytes and repeat as one count.
  const p = upload();
  for (let i = 0; i < 11; i++) {
    c.send(encodeFrame(p));
    await c.next((r) => r.qn === p.qn);
  }
  // 200 distinct stored frames (~100 bytes each in the archive, raw bytes packed): far more than 12,000 bytes.
  const many = Array.from({ length: 200 }, (_, i) => upload({}, { DataTime: `202403${String(16 + Math.floor(i / 24))}${String(i % 24).padStart(2, '0')}0000` }));
  // Their DataTimes all follow the first frame's, so none waits for a dedupe lookup (a frame below the collector's
  // mark would): they reach the archive in upload order, and the byte bound trims by archive order.
  for (const q of many) c.send(encodeFrame(q));
  for (const q of many) await c.next((r) => r.qn === q.qn);
  await gw.role.gateway.close();
  const kept = await entries(gw);
  const total = kept.reduce((n, e) => n + fieldBytes(e), 0);
  t.ok(total <= 12_000, `archive holds ${total} bytes in ${kept.length} entries`);
  t.equal(Number(await gw.redis.get(`${gw.config.redis.prefix}frames:bytes`)), total, 'the byte counter matches the entries');
  t.ok(kept.length > 50, 'the newest entries are kept');
  const last = many.at(-1)?.qn ?? '';
  const holds = (qn: string): boolean => kept.some((e) => Buffer.from(e.raw ?? '', 'base64').toString().includes(qn));
  t.ok(holds(last), 'the last stored frame is kept');
  t.notOk(holds(p.qn ?? ''), 'the oldest stored frame was trimmed');
  const limited = await gw.metrics.limited.get();
  t.equal(limited.values.find((v) => v.labels.limit === 'archive-repeat')?.value, 9, 'retransmits 2..10 counted, not archived');
  t.equal(limited.values.find((v) => v.labels.limit === 'archive-truncated')?.value, 1);
});

t.test('repeats of a duplicate summarised in one entry', async (t) => {
  const gw = await startTestGateway();
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: '123456' });
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());
  const p = upload();
  for (let i = 0; i < 6; i++) {
    c.send(encodeFrame(p));
    await c.next((r) => r.qn === p.qn);
  }
  await gw.role.gateway.close();
  const dups = (await entries(gw)).filter((e) => e.verdict === 'duplicate');
  t.equal(dups.length, 2, 'the first retransmit and one summary');
  t.equal(dups[0]?.raw, '', 'a retransmit keeps no raw bytes');
  t.equal(dups[1]?.repeats, '4', 'the summary counts the other four');
});

t.test('sub-packet sets: missing parts as ranges, open sets per MN bounded, PNUM bounded', async (t) => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(...String(chunk).split('\n').filter(Boolean)), done()) });
  const gw = await startTestGateway({ HJ212_SUBPACKET_TIMEOUT_MS: '3000', HJ212_MAX_SUBPACKET_SETS_PER_MN: '2', HJ212_MAX_PNUM: '9000' }, { logger: createLogger('info', sink) });
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: '123456' });
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());
  // Flag D (bit 2, HJ212-2017 6.3.2) marks a sub-packet; 5 sets opened with one part each, PNUM up to 8999.
  for (let i = 0; i < 5; i++) {
    const part = upload({ flag: 7, pnum: 8999, pno: 1 }, { DataTime: `2024031${i}000000` });
    c.send(encodeFrame(part));
    await c.next((r) => r.qn === part.qn);
  }
  const huge = upload({ flag: 7, pnum: 9999, pno: 1 }, { DataTime: '20240320000000' });
  c.send(encodeFrame(huge));
  t.equal((await c.next((r) => r.qn === huge.qn)).cn, '9014', 'a part of a set over HJ212_MAX_PNUM is still stored and acked');
  await waitFor(async () => (await entries(gw)).filter((e) => e.verdict === 'subpacket-incomplete').length === 5, 'five sets reported');
  const reports = (await entries(gw)).filter((e) => e.verdict === 'subpacket-incomplete');
  t.equal(reports.filter((e) => /closed early/.test(e.code ?? '')).length, 3, 'three sets closed early by the per-MN bound');
  for (const r of reports) t.match(r.code, /^(closed early: too many open sets for this MN; )?missing 2-8999 of 8999 \(qn \d+\)$/);
  t.ok(reports.every((r) => (r.code ?? '').length < 200), 'each report is short');
  const limited = await gw.metrics.limited.get();
  t.equal(limited.values.find((v) => v.labels.limit === 'subpacket-untracked')?.value, 1, 'the PNUM=9999 set not tracked');
  t.equal(limited.values.find((v) => v.labels.limit === 'subpacket-sets')?.value, 3);
  await gw.role.gateway.close();
  const summaries = lines.filter((l) => l.includes('sub-packet sets incomplete')).map((l) => JSON.parse(l) as { sets: number; first: unknown[] });
  t.ok(summaries.length >= 1 && summaries.length <= 2, `${summaries.length} summary lines for 5 sets`);
  t.equal(summaries.reduce((n, s) => n + s.sets, 0), 5, 'the summaries count every set');
});
