/**
 * Reference corpus (fixtures/corpus/packets.jsonl, 48 vectors), mqtt-packet style:
 * every vector gives its verdict in lenient and strict mode, through parseFrame and through the framer; each valid
 * one is encoded byte-exact (where the corpus frame is canonical), round-tripped, split at every byte offset and
 * glued to its neighbours and to garbage (pg-protocol inbound-parser style); stream vectors are replayed in 1-byte
 * and random chunks and must report their `discarded` count.
 */
import t from 'tap';
import { encodeFrame, parseFrame, type ParseResult } from '../../protocol/index.js';
import { CORPUS, VALID, bytesOf, encodingOf, expected, type CorpusEntry } from './corpus-data.js';
import { bytewise, collect, concat, cutAt, randomCuts, rng } from './collect.js';

/** Frames whose bytes are not what the encoder writes: lower-case CRC, and a length counting characters. */
const NON_CANONICAL = ['w17-crc-lowercase', 'info-3020-zh-charlen'];

function verdict(r: ParseResult): string {
  return r.ok ? 'ok' : r.code;
}

/** Everything the framer path yields for one complete input, as the CLI's --jsonl mode sees it. */
function viaFramer(e: CorpusEntry, strict: boolean): string[] {
  const encoding = encodingOf(e);
  const c = collect([bytesOf(e)], { allowCharLength: !strict, encoding });
  const out = c.frames.map((f) => verdict(parseFrame(f, { strict, encoding })));
  for (const err of c.errors) out.push(err.code);
  return out.length === 0 ? ['HJ_ERR_HEADER'] : out;
}

t.test('corpus has the 48 reference vectors', async (t) => {
  t.equal(CORPUS.length, 48);
  t.equal(new Set(CORPUS.map((e) => e.id)).size, CORPUS.length, 'ids are unique');
});

for (const strict of [false, true]) {
  t.test(`${strict ? 'strict' : 'lenient'} verdicts`, async (t) => {
    for (const e of CORPUS) {
      const want = expected(e, strict);
      t.strictSame(viaFramer(e, strict), Array(e.frames ?? 1).fill(want), `${e.id} via framer`);
      if (e.stream === true) continue;
      const r = parseFrame(bytesOf(e), { strict, encoding: encodingOf(e) });
      t.equal(verdict(r), want, `${e.id}: ${e.note}`);
      if (!r.ok) continue;
      t.equal(r.crc, e.crc_variant, `${e.id} crc variant`);
      t.equal(r.version, e.version, `${e.id} version`);
      if (e.decoded !== undefined) t.strictSame({ ...r.packet }, e.decoded, `${e.id} decoded`);
    }
  });
}

t.test('warnings name the lenient tolerances', async (t) => {
  const warned = (id: string) => {
    const e = CORPUS.find((x) => x.id === id)!;
    const r = parseFrame(bytesOf(e), { encoding: encodingOf(e) });
    return r.ok ? r.warnings.map((w) => w.code) : [r.code];
  };
  t.strictSame(warned('crc-modbus'), ['HJ_WARN_CRC_VARIANT']);
  t.strictSame(warned('w17-crc-lowercase'), ['HJ_WARN_CRC_LOWERCASE']);
  t.strictSame(warned('info-3020-zh-charlen'), ['HJ_WARN_LENGTH_CHARS']);
  t.strictSame(warned('bad-mn-length'), ['HJ_WARN_MN_LENGTH']);
  t.strictSame(warned('bad-nonnumeric'), ['HJ_WARN_NOT_NUMBER']);
  t.strictSame(warned('v05-2011-rt'), ['HJ_WARN_NO_FLAG', 'HJ_WARN_NO_QN']);
  t.strictSame(warned('std-2017-c-1062'), []);
});

t.test('valid vectors encode byte-exact and round-trip', async (t) => {
  const differing: string[] = [];
  for (const e of VALID) {
    const encoding = encodingOf(e);
    const r = parseFrame(bytesOf(e), { encoding });
    if (!r.ok) {
      t.fail(`${e.id} should parse`);
      continue;
    }
    const again = encodeFrame(r.packet, { crc: r.crc, encoding });
    if (!Buffer.from(again).equals(bytesOf(e))) differing.push(e.id);
    const back = parseFrame(again, { encoding });
    t.ok(back.ok && back.crc === r.crc && back.version === r.version, `${e.id} re-parses`);
    if (back.ok) t.strictSame(back.packet, r.packet, `${e.id} decode(encode(x)) == x`);
  }
  t.strictSame(differing, NON_CANONICAL, 'only the non-canonical vectors differ');
});

t.test('valid vectors split at every byte offset', async (t) => {
  for (const e of VALID) {
    const bytes = bytesOf(e);
    let bad = 0;
    for (let cut = 1; cut < bytes.length; cut++) {
      const c = collect(cutAt(bytes, [cut]), { encoding: encodingOf(e) });
      const ok = c.frames.length === 1 && Buffer.from(c.frames[0]!).equals(bytes) && c.errors.length === 0;
      if (!ok || c.discarded !== 0 || c.bufferedAfterPush.at(-1) !== 0) bad++;
    }
    t.equal(bad, 0, `${e.id}: one frame at each of ${bytes.length - 1} cut points`);
    const one = collect(bytewise(bytes), { encoding: encodingOf(e) });
    t.equal(one.frames.length, 1, `${e.id}: 1-byte chunks`);
  }
});

/** Junk seen on real links: binary Modbus, a stray '#', '##' without digits, a fake header, a text line. */
const GARBAGE = [
  Uint8Array.of(0x01, 0x03, 0x00, 0x00, 0x00, 0x0a, 0xc5, 0xcd),
  Buffer.from('#'),
  Buffer.from('##xx'),
  Buffer.from('##0010abc'),
  Buffer.from('AT+CSQ\r\nOK\r\n'),
  Uint8Array.of(0x23, 0x23, 0x30, 0xff, 0x0d, 0x0a),
];

t.test('valid vectors glued together and to garbage', async (t) => {
  const frames = VALID.filter((e) => encodingOf(e) === 'utf-8').map(bytesOf);
  const glued = concat(frames);
  const whole = collect([glued]);
  t.equal(whole.frames.length, frames.length, 'all frames of one chunk');
  t.equal(whole.discarded, 0);
  t.ok(whole.frames.every((f, i) => Buffer.from(f).equals(frames[i]!)), 'in order, byte-exact');

  const parts: Uint8Array[] = [];
  frames.forEach((f, i) => parts.push(GARBAGE[i % GARBAGE.length]!, f));
  const dirty = concat(parts);
  const junk = dirty.length - glued.length;
  const random = rng(212);
  for (const [name, chunks] of [
    ['one chunk', [dirty]],
    ['1-byte chunks', bytewise(dirty)],
    ['random chunks', cutAt(dirty, randomCuts(dirty.length, random, 200))],
  ] as const) {
    const c = collect(chunks);
    t.equal(c.frames.length, frames.length, `${name}: every frame found`);
    t.ok(c.frames.every((f, i) => Buffer.from(f).equals(frames[i]!)), `${name}: frames intact`);
    t.equal(c.discarded, junk, `${name}: exactly the garbage is discarded`);
  }
});

t.test('stream vectors in 1-byte and random chunks', async (t) => {
  const streams = CORPUS.filter((e) => e.stream === true);
  t.ok(streams.length >= 1, 'the corpus has stream vectors');
  const random = rng(2017);
  for (const e of streams) {
    const bytes = bytesOf(e);
    const chunkings = [[bytes], bytewise(bytes), ...Array.from({ length: 20 }, () => cutAt(bytes, randomCuts(bytes.length, random, 5)))];
    for (const chunks of chunkings) {
      const c = collect(chunks, { encoding: encodingOf(e) });
      t.equal(c.frames.length, e.frames ?? 1, `${e.id}: frames`);
      t.equal(c.discarded, e.discarded ?? 0, `${e.id}: discarded`);
      const decoded = c.frames.map((f) => {
        const r = parseFrame(f, { encoding: encodingOf(e) });
        return r.ok ? { ...r.packet } : r.code;
      });
      t.strictSame(decoded, e.decoded_all ?? [e.decoded], `${e.id}: decoded`);
    }
  }
});
