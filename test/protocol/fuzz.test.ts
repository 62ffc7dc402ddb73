/**
 * Property tests (fast-check, mqtt-packet testRandom style): random and mutated input never throws; framing is
 * independent of chunking; the next good frame after garbage is always found; memory stays bounded.
 */
import fc from 'fast-check';
import t from 'tap';
import { crc16, crcToHex, createFramer, encodeFrame, parseFrame, readCp, type FramerOptions } from '../../protocol/index.js';
import { VALID, bytesOf, encodingOf } from './corpus-data.js';
import { collect, concat, cutAt } from './collect.js';

const FRAMES = VALID.filter((e) => encodingOf(e) === 'utf-8').map(bytesOf);
const frameArb = fc.constantFrom(...FRAMES);
/** Bytes that stress resync: header and trailer characters, digits, a multi-byte UTF-8 lead. */
const hostile = fc.uint8Array({ maxLength: 80 }).map((b) => b.map((x) => [0x23, 0x30, 0x31, 0x0d, 0x0a, 0x41, 0xe4, x][x % 8]!));
const garbage = fc.oneof(fc.uint8Array({ maxLength: 200 }), hostile);
/** A stream: frames, mutated frames and garbage in any order. */
const stream = fc.array(fc.oneof(frameArb, garbage, frameArb.chain(mutate)), { maxLength: 8 }).map(concat);
const RUNS = { numRuns: 300 };

/** One random edit of a frame: replace, insert or delete a byte, or truncate. */
function mutate(frame: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.tuple(fc.nat(frame.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(3)).map(([at, byte, kind]) => {
    const b = Buffer.from(frame);
    if (kind === 0) b[at] = byte;
    if (kind === 1) return concat([b.subarray(0, at), Uint8Array.of(byte), b.subarray(at)]);
    if (kind === 2) return concat([b.subarray(0, at), b.subarray(at + 1)]);
    if (kind === 3) return b.subarray(0, at);
    return b;
  });
}

/** Everything a framer reports, as comparable text. */
function events(chunks: Uint8Array[], opts: Omit<FramerOptions, 'onFrame' | 'onError'> = {}): string[] {
  const c = collect(chunks, opts);
  const out = c.frames.map((f, i) => `frame@${c.metas[i]!.offset}:${Buffer.from(f).toString('latin1')}`);
  for (const e of c.errors) out.push(`${e.code}@${e.offset}`);
  out.sort();
  out.push(`discarded:${c.discarded}`);
  return out;
}

t.test('random bytes and mutated frames never throw', async (t) => {
  fc.assert(
    fc.property(stream, fc.boolean(), (bytes, strict) => {
      const framer = createFramer({
        allowCharLength: !strict,
        onFrame: (f) => {
          const r = parseFrame(f, { strict });
          if (r.ok) readCp(r.packet.cp);
        },
      });
      framer.push(bytes);
      framer.end();
      const whole = parseFrame(bytes, { strict });
      return typeof whole.ok === 'boolean';
    }),
    RUNS,
  );
  t.pass('framer, parseFrame and readCp survived');
});

/** A frame with a correct length and CRC around any data segment. */
function frameOf(seg: Uint8Array): Uint8Array {
  const head = Buffer.from(`##${String(seg.length).padStart(4, '0')}`);
  return concat([head, seg, Buffer.from(`${crcToHex(crc16(seg))}\r\n`)]);
}

t.test('decode(encode(x)) == x for every packet the parser accepts', async (t) => {
  let accepted = 0;
  const mutatedSegment = frameArb.map((f) => f.subarray(6, -6)).chain(mutate).map(frameOf);
  fc.assert(
    fc.property(mutatedSegment, (bytes) => {
      const r = parseFrame(bytes, { maxDataLength: 9999 });
      if (!r.ok) return true;
      accepted++;
      const again = parseFrame(encodeFrame(r.packet), { maxDataLength: 9999 });
      return again.ok && JSON.stringify(again.packet) === JSON.stringify(r.packet);
    }),
    { numRuns: 1000 },
  );
  t.ok(accepted > 300, `round trip holds for the ${accepted} accepted mutants of 1000`);
});

t.test('framing does not depend on chunking', async (t) => {
  for (const opts of [{}, { lengthPolicy: 'trust-crlf' as const, allowCrCrLf: true }, { allowCrCrLf: false }]) {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(2000), { maxLength: 30 }), (bytes, cuts) => {
        const whole = events([bytes], opts);
        return JSON.stringify(events(cutAt(bytes, cuts), opts)) === JSON.stringify(whole);
      }),
      RUNS,
    );
  }
  t.pass('same frames, errors, offsets and discarded count for any chunking, with any length policy');
});

t.test('a trusted CR LF: every frame delivered parses past its length check with the same policy', async (t) => {
  fc.assert(
    fc.property(stream, (bytes) => {
      const c = collect([bytes], { lengthPolicy: 'trust-crlf' });
      return c.frames.every((f, i) => {
        const r = parseFrame(f, { lengthPolicy: 'trust-crlf' });
        const framed = r.ok || (r.code !== 'HJ_ERR_LENGTH' && r.code !== 'HJ_ERR_TRAILER');
        return framed && (!r.ok || (r.lengthOffset ?? 0) === (c.metas[i]!.lengthOffset ?? 0));
      });
    }),
    RUNS,
  );
  t.pass('framer and parser agree on lying length fields');
});

t.test('after garbage the next good frame is found', async (t) => {
  fc.assert(
    fc.property(garbage, frameArb, frameArb, fc.array(fc.nat(600), { maxLength: 10 }), fc.boolean(), (junk, a, b, cuts, trust) => {
      const c = collect(cutAt(concat([junk, a, b]), cuts), trust ? { lengthPolicy: 'trust-crlf' } : {});
      const found = c.frames.map((f) => Buffer.from(f));
      // `a` can only be lost if the garbage ends in a header whose length lands exactly on a's end; b never.
      return found.some((f) => f.equals(a)) && found.at(-1)!.equals(b);
    }),
    { numRuns: 1000 },
  );
  t.pass('the frame after garbage is delivered');
});

t.test('accounting and memory bound', async (t) => {
  fc.assert(
    fc.property(stream, fc.array(fc.nat(2000), { maxLength: 30 }), fc.integer({ min: 0, max: 300 }), (bytes, cuts, max) => {
      let delivered = 0;
      let pushed = 0;
      const framer = createFramer({ maxDataLength: max, onFrame: (f) => (delivered += f.length) });
      for (const chunk of cutAt(bytes, cuts)) {
        framer.push(chunk);
        pushed += chunk.length;
        // Less than one maximum frame: 12 bytes around the data segment, 13 with a CR CR LF trailer.
        if (framer.buffered >= max + 13) return false;
        if (framer.discarded + delivered + framer.buffered !== pushed) return false;
      }
      framer.end();
      return framer.buffered === 0 && framer.discarded + delivered === bytes.length;
    }),
    RUNS,
  );
  t.pass('pushed = discarded + delivered + buffered; buffered < one maximum frame');
  fc.assert(
    fc.property(stream, fc.array(fc.nat(2000), { maxLength: 30 }), fc.integer({ min: 0, max: 300 }), (bytes, cuts, max) => {
      const framer = createFramer({ maxDataLength: max, allowCrCrLf: false, onFrame: () => undefined });
      return cutAt(bytes, cuts).every((chunk) => (framer.push(chunk), framer.buffered < max + 12));
    }),
    RUNS,
  );
  t.pass('without CR CR LF: buffered < one standard maximum frame');
});
