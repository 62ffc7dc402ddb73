import t from 'tap';
import { Interner, charCodesOf, ownText } from '../../protocol/char-codes.js';

const ascii = (s: string): Uint8Array => Buffer.from(s, 'latin1');

t.test('ownText cuts the text of any length out of bytes and UTF-16 codes', async (t) => {
  t.equal(ownText(ascii('xxMN=ABCyy'), 2, 8), 'MN=ABC');
  t.equal(ownText(charCodesOf('前缀排放口1后'), 2, 6), '排放口1', 'UTF-16 code units');
  t.equal(ownText(ascii('abc'), 1, 1), '', 'empty range');
  // Longer than one String.fromCharCode call takes: cut in pieces and joined.
  const long = Array.from({ length: 10_000 }, (_, i) => String.fromCharCode(0x41 + (i % 26))).join('');
  t.equal(ownText(ascii(`#${long}#`), 1, 10_001), long);
  t.equal(ownText(charCodesOf(long), 0, 8192), long.slice(0, 8192), 'an exact multiple of the piece length');
});

/** An interner over latin1 texts that counts the texts it had to make (each gets its tag worked out once). */
function counting(maxTexts?: number, maxLength?: number): { get(s: string): string; made: () => number; tag: () => number } {
  let made = 0;
  const interner = new Interner(() => ++made, maxTexts, maxLength);
  made = 0; // the constructor tags the empty text
  return { get: (s) => interner.get(ascii(`;${s};`), 1, s.length + 1), made: () => made, tag: () => interner.tag };
}

t.test('Interner returns the same string for the same text, with its tag worked out once', async (t) => {
  let tagged = 0;
  const interner = new Interner((text) => (tagged++, text.length));
  tagged = 0;
  const frame = ascii('MN=33010600000001;MN=33010600000001;');
  const a = interner.get(frame, 3, 17);
  const b = interner.get(frame, 21, 35);
  t.equal(a, '33010600000001');
  t.equal(a, b);
  t.equal(tagged, 1, 'the tag of a text seen before is not worked out again');
  t.equal(interner.tag, 14);
  t.equal(interner.get(charCodesOf('33010600000001'), 0, 14), a, 'UTF-16 codes of the same text find the same entry');
  t.equal(interner.get(ascii('3301060000000X'), 0, 14), '3301060000000X', 'same length, different text');
  t.equal(interner.get(ascii('330106'), 0, 6), '330106', 'a prefix is another text');
  t.equal(interner.tag, 6, 'the tag of the text returned last');
});

t.test('two texts with the same hash: the newer one replaces the older', async (t) => {
  // "Aa" and "BB" hash alike (31 × 65 + 97 = 31 × 66 + 66).
  const i = counting();
  t.equal(i.get('Aa'), 'Aa');
  t.equal(i.get('BB'), 'BB');
  t.equal(i.get('BB'), 'BB');
  t.equal(i.made(), 2, 'BB found again');
  t.equal(i.get('Aa'), 'Aa');
  t.equal(i.made(), 3, 'Aa had been replaced');
});

t.test('a flood of new texts: never more than maxTexts kept, the oldest going first', async (t) => {
  const i = counting(100);
  for (let k = 0; k < 10_000; k++) i.get(`FLOOD${k}`);
  t.equal(i.made(), 10_000);
  for (let k = 9_900; k < 10_000; k++) i.get(`FLOOD${k}`);
  t.equal(i.made(), 10_000, 'the newest 100 are kept');
  i.get('FLOOD9899');
  t.equal(i.made(), 10_001, 'the one before them is gone');
  i.get('FLOOD9900');
  t.equal(i.made(), 10_002, 'and took the place of the oldest');
});

t.test('texts longer than maxLength are made each time and never kept', async (t) => {
  const i = counting(10, 8);
  const long = 'ABCDEFGHI';
  t.equal(i.get(long), long);
  t.equal(i.get(long), long);
  t.equal(i.made(), 2);
  t.equal(i.tag(), 2, 'the tag of a text made is still reported');
  t.equal(i.get('ABCDEFGH'), 'ABCDEFGH');
  t.equal(i.get('ABCDEFGH'), 'ABCDEFGH');
  t.equal(i.made(), 3, 'a text of maxLength is kept');
});

t.test('the MN table size keeps a fleet of 18,000 collectors interned', async (t) => {
  const i = counting(32_768);
  const mns = Array.from({ length: 18_000 }, (_, k) => `3301060000${String(k).padStart(4, '0')}W0000000`);
  for (const mn of mns) i.get(mn);
  t.equal(i.made(), mns.length);
  for (const mn of mns) i.get(mn);
  t.equal(i.made(), mns.length, 'no MN made again on the second pass');
});
