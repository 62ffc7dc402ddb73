import fc from 'fast-check';
import t from 'tap';
import type { SeriesPoint } from '../../src/domain/series-point.js';
import { LineProtocolError, toLine, toLines } from '../../src/storage/influx/line-protocol.js';

const p = (over: Partial<SeriesPoint>): SeriesPoint => ({ measurement: 'minute', tags: {}, fields: { avg: 1.5 }, timeMs: 1_700_000_000_000, ...over });

t.test('numbers are floats (no i suffix), booleans and strings are typed, time in ms', async (tt) => {
  tt.equal(
    toLine(p({ tags: { mn: 'M1', factor: 'a21026' }, fields: { avg: 12, min: -0, max: 1e21, tiny: 1.5e-7, ok: true, bad: false, flag: 'N' } })),
    'minute,factor=a21026,mn=M1 avg=12,min=0,max=1e+21,tiny=1.5e-7,ok=true,bad=false,flag="N" 1700000000000',
  );
  tt.equal(toLine(p({ timeMs: 1.9 })), 'minute avg=1.5 1', 'fractional ms are truncated');
});

t.test('escaping: measurement, tag keys/values, field keys, string values', async (tt) => {
  tt.equal(toLine(p({ measurement: 'a b,c=d' })), 'a\\ b\\,c=d avg=1.5 1700000000000');
  tt.equal(toLine(p({ tags: { 'k y,=': 'v a,l=ue' } })), 'minute,k\\ y\\,\\==v\\ a\\,l\\=ue avg=1.5 1700000000000');
  tt.equal(toLine(p({ fields: { 'f k,=': 'say "hi" \\o/' } })), 'minute f\\ k\\,\\=="say \\"hi\\" \\\\o/" 1700000000000');
  tt.equal(toLine(p({ tags: { mn: 'line\nbreak' } })), 'minute,mn=line\\nbreak avg=1.5 1700000000000', 'no raw newline outside string values');
  tt.equal(toLine(p({ fields: { info: 'two\nlines' } })), 'minute info="two\nlines" 1700000000000', 'string values may hold newlines');
  tt.equal(toLine(p({ tags: { path: 'a\\b' } })), 'minute,path=a\\b avg=1.5 1700000000000', 'a backslash before an ordinary character is literal');
});

t.test('non-finite numbers and empty tag values are left out; nothing left means no line', async (tt) => {
  tt.equal(toLine(p({ tags: { st: '', mn: 'M1' }, fields: { a: NaN, b: Infinity, c: -Infinity, d: 2 } })), 'minute,mn=M1 d=2 1700000000000');
  tt.equal(toLine(p({ fields: { a: NaN } })), undefined);
  tt.equal(toLine(p({ fields: {} })), undefined);
  tt.equal(toLines([p({ fields: { a: NaN } }), p({ timeMs: 1 }), p({ timeMs: 2 })]), 'minute avg=1.5 1\nminute avg=1.5 2');
  tt.equal(toLines([]), '');
});

t.test('unrepresentable names throw LineProtocolError', async (tt) => {
  tt.throws(() => toLine(p({ measurement: '' })), LineProtocolError);
  tt.throws(() => toLine(p({ tags: { mn: 'ends\\' } })), LineProtocolError);
  tt.throws(() => toLine(p({ tags: { mn: 'a\\,b' } })), LineProtocolError);
  tt.throws(() => toLine(p({ fields: { 'k\\': 1 } })), LineProtocolError);
  tt.throws(() => toLine(p({ timeMs: NaN })), LineProtocolError);
});

t.test('property: outside quoted strings a line has exactly two unescaped spaces and no newline', async () => {
  const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', ',', '=', '\\', '"', '\n', '\t', '中') , maxLength: 12 });
  fc.assert(
    fc.property(text, fc.dictionary(text, text, { maxKeys: 3 }), text, fc.double(), (measurement, tags, key, value) => {
      let line: string | undefined;
      try {
        line = toLine({ measurement, tags, fields: { [key]: value, s: 'x' }, timeMs: 0 });
      } catch (err) {
        if (err instanceof LineProtocolError) return;
        throw err;
      }
      if (line === undefined) throw new Error('a point with a string field always has a line');
      const unescaped = line.replace(/\\./g, '');
      if (unescaped.includes('\n') || unescaped.split(' ').length !== 3) throw new Error(`bad structure: ${JSON.stringify(line)}`);
    }),
  );
});
