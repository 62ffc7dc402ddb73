/**
 * The raw archive's writer stores what it stored before issue 13, byte for byte (real Redis): the same frames go
 * through the earlier writer (test/storage/reference/archive-v1.ts: recorder entry, per-frame `toEntry`, two script
 * arguments per entry) and through the current one (ArchiveRecorder, one encoded chunk per script call), and the
 * two streams' entries (field names and values), the byte counters and what trimming keeps are compared. Frames:
 * realistic uploads with and without a password, junk, non-ASCII and GBK bytes, U+001F / U+001D in the raw bytes and
 * in the metadata, frames cut at the raw limit (inside the header too), retransmits and repeat summaries.
 */
import fc from 'fast-check';
import { Redis } from 'ioredis';
import t, { type Test } from 'tap';
import { encodeFrame, uploadPacket, type Packet } from '../../protocol/index.js';
import type { ArchivedFrame } from '../../src/domain/ports.js';
import { createMetrics } from '../../src/metrics.js';
import { ArchiveRecorder, type FrameMeta } from '../../src/server/archive-recorder.js';
import { createRedisArchive } from '../../src/storage/redis/archive.js';
import { freshPrefix, redisUrl } from '../helpers/services.js';
import { APPEND_FRAMES_V1, appendArgs, recorderEntry } from './reference/archive-v1.js';

const redis = new Redis(redisUrl());
t.teardown(() => redis.quit());

const MN = '33010600000001W00000001A';
const metrics = createMetrics({ defaults: false });

interface Case {
  meta: FrameMeta;
  raw: Buffer;
  limits: { maxRawBytes: number; junkRawBytes: number };
}

/** The entry the current recorder pushes for one frame (a fresh recorder: no repeat window applies). */
function currentEntry(c: Case): ArchivedFrame {
  const out: ArchivedFrame[] = [];
  new ArchiveRecorder((f) => out.push(f), { ...c.limits, repeatWindowMs: 60_000 }, metrics).record(c.meta, c.raw);
  if (out.length !== 1) throw new Error(`expected one entry, got ${out.length}`);
  return out[0] as ArchivedFrame;
}

/** The old writer, as createRedisArchive appended before: 500 entries per script call. */
async function appendV1(prefix: string, frames: readonly ArchivedFrame[], maxLength: number, maxBytes: number): Promise<void> {
  for (let i = 0; i < frames.length; i += 500) {
    await redis.eval(APPEND_FRAMES_V1, 2, `${prefix}frames`, `${prefix}frames:bytes`, ...appendArgs(frames.slice(i, i + 500), maxLength, maxBytes));
  }
}

async function stream(prefix: string): Promise<Buffer[][]> {
  const entries = (await redis.xrangeBuffer(`${prefix}frames`, '-', '+')) as unknown as Array<[Buffer, Buffer[]]>;
  return entries.map(([, fields]) => fields);
}

/** Both writers store `frames`; their streams and byte counters must be identical. */
async function compare(tt: Test, label: string, frames: readonly ArchivedFrame[], bounds: { maxLength: number; maxBytes?: number }, kept = true): Promise<void> {
  const a = freshPrefix();
  const b = freshPrefix();
  await appendV1(a, frames, bounds.maxLength, bounds.maxBytes ?? Number.MAX_SAFE_INTEGER);
  // In uneven batches, as the gateway's queue flushes them.
  const archive = createRedisArchive(redis, { prefix: b, ...bounds });
  for (let i = 0; i < frames.length; i += 700) await archive.append(frames.slice(i, i + 700));
  const [before, after] = [await stream(a), await stream(b)];
  tt.equal(after.length > 0, kept, `${label}: entries ${kept ? 'stored' : 'all trimmed'}`);
  tt.equal(after.length, before.length, `${label}: as many entries`);
  let differ = 0;
  for (let i = 0; i < before.length; i++) {
    const x = before[i] as Buffer[];
    const y = after[i] as Buffer[] | undefined;
    if (!y || y.length !== x.length || x.some((f, k) => !f.equals(y[k] as Buffer))) {
      if (differ++ === 0) tt.fail(`${label}: entry ${i} differs: ${JSON.stringify(x.map((f) => f.toString('latin1')))} vs ${JSON.stringify(y?.map((f) => f.toString('latin1')))}`);
    }
  }
  tt.equal(differ, 0, `${label}: every entry byte for byte`);
  tt.equal(await redis.get(`${b}frames:bytes`), await redis.get(`${a}frames:bytes`), `${label}: the same byte count`);
}

/** Entries as comparable values (raw as latin1 text, absent properties left out). */
const plain = (f: ArchivedFrame): Record<string, unknown> =>
  Object.fromEntries(Object.entries(f).flatMap(([k, v]) => (v === undefined ? [] : [[k, v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v]])));

function upload(cn: string, pw: string | undefined, i: number, extra: Partial<Packet> = {}): Buffer {
  const codes = ['w01018', 'w21003', 'w01001', 'w21011', 'w21001', 'w00000'];
  const base = { st: '32', mn: MN, qn: `20240315104${String(100000 + i)}`, pw: pw ?? '' };
  const factors = codes.slice(0, 1 + (i % 6)).map((code, k) => ({ code, rtd: (k * 3.17 + i).toFixed(2), avg: cn === '2011' ? undefined : `${k}.5`, flag: 'N' }));
  const p = uploadPacket(base, cn, { dataTime: '20240315103000', factors });
  return Buffer.from(encodeFrame({ ...p, ...(pw === undefined ? { pw: undefined } : {}), ...extra }));
}

function realistic(): Case[] {
  const cases: Case[] = [];
  const limits = { maxRawBytes: 4096, junkRawBytes: 512 };
  const tight = { maxRawBytes: 40, junkRawBytes: 12 };
  const verdicts = ['stored', 'stored-partial', 'duplicate', 'reply', 'notification', 'bad-password', 'HJ_ERR_CRC', 'dead-letter'];
  let i = 0;
  for (const cn of ['2011', '2051', '2061', '2031']) {
    for (const pw of ['123456', undefined, '', 'a;b']) {
      for (const verdict of verdicts) {
        const raw = upload(cn, pw, i++);
        cases.push({ meta: { receivedAt: 1_710_470_400_000 + i, sourceIp: '10.1.2.3', mn: MN, cn, verdict, code: undefined }, raw, limits });
        cases.push({ meta: { receivedAt: 1_710_470_400_000 + i, sourceIp: '::ffff:10.1.2.3', mn: MN, cn, verdict, code: 'HJ_ERR_X: PW=***' }, raw, limits: tight });
        // The header names another MN or CN than the verdict (an unregistered MN is passed as undefined).
        cases.push({ meta: { receivedAt: i, sourceIp: '10.1.2.3', mn: undefined, cn: '2011', verdict, code: undefined }, raw, limits });
        cases.push({ meta: { receivedAt: i, sourceIp: '10.1.2.3', mn: `${MN}X`, cn: cn.slice(0, 3), verdict, code: undefined }, raw, limits });
      }
    }
  }
  // Set-password command with NewPW in the CP, lower-case keys, MN before QN (no `;` in front), cut inside the MN.
  const special = [
    Buffer.from(encodeFrame({ qn: '20240315104000001', st: '32', cn: '1072', pw: 'old', mn: MN, flag: 5, cp: { NewPW: 'new;x' } })),
    Buffer.from(`##0100MN=${MN};QN=1;CN=2011;PW=1;CP=&&DataTime=20240315103000&&ABCD\r\n`, 'latin1'),
    Buffer.from(`##0100QN=1;pw=abc;Pw=d;CN=2011;MN=${MN};CP=&&pW=e&&ABCD\r\n`, 'latin1'),
    Buffer.from(`##0100QN=1;CN=2011;PW=aCP=b;MN=${MN};CP=&&&&ABCD\r\n`, 'latin1'),
    Buffer.from(`##0100QN=1;CN=2011;MN=${MN}`, 'latin1'),
    Buffer.from(`##0100QN=1;CN=20\x1f11;MN=${MN}\x1d;CP=&&a\x1fb\x1d&&\r\n`, 'latin1'),
    // A second MN and CN (the first counts), the MN after the header's end, a value running into `CP=`.
    Buffer.from(`##0100QN=1;CN=2051;CN=2011;MN=X;MN=${MN};CP=&&&&\r\n`, 'latin1'),
    Buffer.from(`##0100QN=1;CP=&&;CN=2011;MN=${MN};&&\r\n`, 'latin1'),
    Buffer.from(`##0100QN=1;CN=2011;MN=${MN}CP=&&&&\r\n`, 'latin1'),
    Buffer.from(`;MN=${MN};CN=2011;CP=&&&&`, 'latin1'),
  ];
  for (const raw of special) {
    for (const maxRawBytes of [4096, 30, 50, 6, 1]) {
      cases.push({ meta: { receivedAt: ++i, sourceIp: '10.1.2.3', mn: MN, cn: '2011', verdict: 'stored', code: undefined }, raw, limits: { maxRawBytes, junkRawBytes: 512 } });
      cases.push({ meta: { receivedAt: ++i, sourceIp: '10.1.2.3', mn: '', cn: '1072', verdict: 'reply', code: undefined }, raw, limits: { maxRawBytes, junkRawBytes: 512 } });
    }
  }
  // GBK text (a station name) and other bytes above 0x7f inside a frame.
  const gbk = Buffer.concat([Buffer.from(`##0100QN=1;ST=32;CN=2011;PW=123456;MN=${MN};CP=&&Name=`, 'latin1'), Buffer.from([0xb2, 0xe2, 0xca, 0xd4, 0xd5, 0xbe, 0xfd, 0xfe, 0xff, 0x80]), Buffer.from('&&ABCD\r\n')]);
  cases.push({ meta: { receivedAt: ++i, sourceIp: '10.1.2.3', mn: MN, cn: '2011', verdict: 'stored', code: undefined }, raw: gbk, limits: { maxRawBytes: 4096, junkRawBytes: 512 } });
  // Metadata with separators and non-ASCII text.
  cases.push({ meta: { receivedAt: ++i, sourceIp: '1.2\x1f3', mn: 'M\x1dN', cn: '20\x1f11', verdict: 'HJ_ERR_PARSE', code: 'bad \x1f value ü 测试 \u{1f600}' }, raw: upload('2011', '1', 7), limits: { maxRawBytes: 4096, junkRawBytes: 512 } });
  return cases;
}

/** Repeat summaries and notes: entries without raw bytes, as the recorder's windows and sub-packet tracking push them. */
function summaries(): ArchivedFrame[] {
  const empty = new Uint8Array(0);
  return [
    { receivedAt: 1_710_470_460_000, sourceIp: '10.1.2.3', mn: MN, cn: '2011', verdict: 'bad-password', code: 'repeated 5 times after the entry of 2024-03-15T03:40:00.000Z', raw: empty, repeats: 5 },
    { receivedAt: 1_710_470_460_001, sourceIp: '10.1.2.3', mn: undefined, cn: undefined, verdict: 'HJ_ERR_CRC', code: undefined, raw: empty, repeats: 120 },
    { receivedAt: 1_710_470_460_002, sourceIp: '10.1.2.3', mn: MN, cn: '2061', verdict: 'subpackets-incomplete', code: 'missing 2-9999', raw: empty },
    { receivedAt: 1.5, sourceIp: '', verdict: 'x', raw: empty, size: 0 },
    { receivedAt: -7, sourceIp: '', verdict: 'x', raw: empty, size: 12.25, repeats: 0 },
    { receivedAt: 1e21, sourceIp: '', verdict: 'x', raw: empty, repeats: 1e21 },
    { receivedAt: Number.NaN, sourceIp: '', verdict: 'x', raw: empty, size: Number.POSITIVE_INFINITY },
    // Metadata whose UTF-8 is longer than its characters (the writer grows its buffer), one with raw bytes after it.
    { receivedAt: 1, sourceIp: '测'.repeat(3000), verdict: 'x', code: `a\x1f${'ü'.repeat(2000)}\x1d`, raw: empty },
    { receivedAt: 2, sourceIp: '10.1.2.3', mn: MN, cn: '2011', verdict: 'stored', code: '\u{1f600}'.repeat(1500), raw: upload('2011', '***', 3) },
    // Integers around the writer's split at 10^8 and its digit-by-digit limit (2^49).
    ...[0, 9, 10, 99_999_999, 1e8, 1e8 + 1, 1e8 * 12_345 - 1, 1e8 * 12_345, 2 ** 31, 2 ** 49 - 1, 2 ** 49, 2 ** 49 + 1, 2 ** 53 - 1, 2 ** 53].map(
      (n): ArchivedFrame => ({ receivedAt: n, sourceIp: '', verdict: 'x', raw: empty, size: n + 1, repeats: n * 10 }),
    ),
  ];
}

t.test('the recorder pushes the entries it pushed before', async (tt) => {
  let differ = 0;
  for (const c of realistic()) {
    const a = plain(recorderEntry(c.meta, c.raw, c.limits));
    const b = plain(currentEntry(c));
    if (JSON.stringify(a) !== JSON.stringify(b) && differ++ === 0) tt.same(b, a, 'first difference');
  }
  tt.equal(differ, 0, 'every entry equal');
});

t.test('realistic frames: the same stream entries and byte count', async (tt) => {
  const frames = [...realistic().map(currentEntry), ...summaries()];
  tt.ok(frames.length > 500, `${frames.length} entries, more than one script call`);
  await compare(tt, 'unbounded', frames, { maxLength: 1_000_000 });
  await compare(tt, 'trimmed by length', frames, { maxLength: 97 });
  await compare(tt, 'trimmed by bytes', frames, { maxLength: 1_000_000, maxBytes: 9_000 });
  await compare(tt, 'one entry over the byte bound', frames.slice(0, 3), { maxLength: 1_000_000, maxBytes: 10 }, false);
});

t.test('large entries: a batch split into script calls by bytes stores the same entries', async (tt) => {
  // 480 frames of ~9 KB: more than the writer's bytes per call, fewer than its frames per call.
  const frames = Array.from({ length: 480 }, (_, i) => {
    const raw = Buffer.concat([upload('2051', '123456', i), Buffer.alloc(9000, 0x31 + (i % 9))]);
    return currentEntry({ meta: { receivedAt: 1_710_470_400_000 + i, sourceIp: '10.1.2.3', mn: MN, cn: '2051', verdict: 'stored', code: undefined }, raw, limits: { maxRawBytes: 10_000, junkRawBytes: 512 } });
  });
  await compare(tt, 'large', frames, { maxLength: 1_000_000 });
  await compare(tt, 'large, trimmed by bytes', frames, { maxLength: 1_000_000, maxBytes: 300_000 });
});

t.test('random frames and metadata (property): the same stream entries', async (tt) => {
  const text = fc.string({ maxLength: 12 });
  const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x1f, 0x1d, 0x3b, 0x2d, 0x3d, 0x2c, 0x26));
  const piece = fc.oneof(
    fc.constantFrom('##0', 'QN=', ';ST=32', ';CN=2011', ';PW=', 'pw=', ';MN=', MN, ';CP=&&', 'CP=', '&&', 'w01018', '-Rtd=', '-Flag=N', ',', ';', '-', '=', '0000', '\r\n', '\x1f', '\x1d'),
    fc.uint8Array({ maxLength: 6 }).map((b) => Buffer.from(b).toString('latin1')),
  );
  const rawArb = fc.oneof(fc.array(piece, { maxLength: 40 }).map((p) => Buffer.from(p.join(''), 'latin1')), fc.array(byte, { maxLength: 300 }).map((b) => Buffer.from(b)));
  const caseArb = fc.record({
    raw: rawArb,
    verdict: fc.constantFrom('stored', 'stored-partial', 'duplicate', 'reply', 'HJ_ERR_FRAME', 'bad-password'),
    mn: fc.option(fc.oneof(fc.constant(MN), text), { nil: undefined }),
    cn: fc.option(fc.oneof(fc.constantFrom('2011', '2051'), text), { nil: undefined }),
    code: fc.option(text, { nil: undefined }),
    sourceIp: text,
    receivedAt: fc.oneof(fc.integer({ min: 0, max: 2 ** 50 }), fc.maxSafeNat(), fc.double()),
    maxRawBytes: fc.integer({ min: 1, max: 400 }),
    junkRawBytes: fc.integer({ min: 1, max: 400 }),
  });
  const samples = fc.sample(caseArb, { numRuns: 1500, seed: 1313 });
  const cases: Case[] = samples.map((s) => ({ meta: { receivedAt: s.receivedAt, sourceIp: s.sourceIp, mn: s.mn, cn: s.cn, verdict: s.verdict, code: s.code }, raw: s.raw, limits: { maxRawBytes: s.maxRawBytes, junkRawBytes: s.junkRawBytes } }));
  let differ = 0;
  for (const c of cases) if (JSON.stringify(plain(recorderEntry(c.meta, c.raw, c.limits))) !== JSON.stringify(plain(currentEntry(c)))) differ++;
  tt.equal(differ, 0, 'the recorder: every entry equal');
  // The header may hold the metadata's MN/CN or not: mix in cases where it does.
  const frames = cases.map(currentEntry);
  await compare(tt, 'random', frames, { maxLength: 1_000_000 });
});
