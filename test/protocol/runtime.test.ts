import t from 'tap';
import { byteAllocator, byteSearch, indexOfByte, latin1Decoder, newBytes } from '../../protocol/runtime.js';
import { asciiText, decodeText } from '../../protocol/text.js';

t.test('asciiText: the same text as the UTF-8 and GBK decoders for ASCII bytes', async (t) => {
  const bytes = new TextEncoder().encode('##0000QN=20240315104000001;CP=&&a34013-Rtd=12.31,a34013-Flag=N&&');
  t.equal(asciiText(bytes, 6, bytes.length), decodeText(bytes, 6, bytes.length));
  t.equal(asciiText(bytes, 6, bytes.length), decodeText(bytes, 6, bytes.length, 'gbk'));
  t.equal(asciiText(bytes, 3, 3), '');
});

t.test('indexOfByte: the typed array indexOf, on Buffers and plain Uint8Arrays', async (t) => {
  const bytes = new Uint8Array([0x23, 0x23, 0x0d, 0x0a, 0x23, 0x0d]);
  for (const d of [bytes, Buffer.from(bytes), bytes.subarray(1)]) {
    for (const from of [0, 2, 3, 5, 6, 9]) {
      t.equal(indexOfByte(d, 0x0d, from), d.indexOf(0x0d, from), `CR from ${from} in ${d.constructor.name} of ${d.length}`);
      t.equal(indexOfByte(d, 0x23, from), d.indexOf(0x23, from), `# from ${from} in ${d.constructor.name} of ${d.length}`);
    }
  }
});

t.test("runtime fast paths: only a function that does what the portable code does is used", async (t) => {
  const throws = (): never => {
    throw new TypeError('argument must be a buffer');
  };
  t.equal(latin1Decoder(undefined), undefined, 'no Buffer (a browser)');
  t.equal(latin1Decoder('latin1Slice'), undefined, 'not a function');
  t.equal(latin1Decoder(throws), undefined, 'throws on a Uint8Array');
  t.equal(latin1Decoder(() => 'Az?'), undefined, 'not latin1');
  t.equal(latin1Decoder(Buffer.prototype.latin1Slice), Buffer.prototype.latin1Slice, "Node's Buffer.prototype.latin1Slice");
  t.equal(byteSearch(undefined), undefined, 'no Buffer');
  t.equal(byteSearch(throws), undefined, 'throws on a Uint8Array');
  t.equal(byteSearch(() => 0), undefined, 'ignores the offset');
  t.equal(byteSearch(Buffer.prototype.indexOf), Buffer.prototype.indexOf, "Node's Buffer.prototype.indexOf");
  t.equal(byteAllocator(undefined), undefined, 'no Buffer');
  t.equal(byteAllocator(throws), undefined, 'throws');
  t.equal(byteAllocator(() => new Uint8Array(2)), undefined, 'not the asked length');
  t.equal(byteAllocator(() => [0, 0, 0]), undefined, 'not bytes');
  t.equal(byteAllocator(Buffer.allocUnsafe), Buffer.allocUnsafe, "Node's Buffer.allocUnsafe");
  const fresh = newBytes(5);
  t.ok(fresh instanceof Uint8Array && fresh.length === 5, 'newBytes: bytes of the asked length');
});
