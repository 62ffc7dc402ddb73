import t from 'tap';
import { asciiText, decodeText, latin1Decoder } from '../../protocol/text.js';

t.test('asciiText: the same text as the UTF-8 and GBK decoders for ASCII bytes', async (t) => {
  const bytes = new TextEncoder().encode('##0000QN=20240315104000001;CP=&&a34013-Rtd=12.31,a34013-Flag=N&&');
  t.equal(asciiText(bytes, 6, bytes.length), decodeText(bytes, 6, bytes.length));
  t.equal(asciiText(bytes, 6, bytes.length), decodeText(bytes, 6, bytes.length, 'gbk'));
  t.equal(asciiText(bytes, 3, 3), '');
});

t.test('latin1Decoder: only a function that decodes a Uint8Array as latin1 is used', async (t) => {
  t.equal(latin1Decoder(undefined), undefined, 'no Buffer (a browser)');
  t.equal(latin1Decoder('latin1Slice'), undefined, 'not a function');
  t.equal(
    latin1Decoder(() => {
      throw new TypeError('argument must be a buffer');
    }),
    undefined,
    'throws on a Uint8Array',
  );
  t.equal(latin1Decoder(() => 'Az?'), undefined, 'not latin1');
  const node = Buffer.prototype.latin1Slice;
  t.equal(latin1Decoder(node), node, "Node's Buffer.prototype.latin1Slice");
});
