/** The InfluxDB mapping of an upload, as lines: tags sorted, floats only, verbatim groups, invalid marks, traces. */
import t from 'tap';
import { readCp } from '../../protocol/index.js';
import { LineProtocolError } from '../../src/storage/influx/line-protocol.js';
import { uploadLineBytes, uploadLines } from '../../src/storage/influx/upload-lines.js';
import { referenceUploadLines } from './upload-lines-reference.js';

const upload = (wire: Record<string, string>, over: Partial<Parameters<typeof uploadLines>[0]> = {}): Parameters<typeof uploadLines>[0] => ({
  kind: 'minute',
  mn: 'M 1',
  st: '32',
  cn: '2051',
  timeMs: 1_700_000_000_000.7,
  cp: readCp(wire, { timeZone: 'UTC' }),
  wire,
  ...over,
});

t.test('one line per factor: numbers as floats, flags as strings, the group verbatim, invalid values left out', async (t) => {
  const wire = { DataTime: '20240101000000', 'a21026-Avg': '28.40', 'a21026-Flag': 'N', 'a34004-Avg': '***', 'a34004-ZsAvg': '-0' };
  t.same(uploadLines(upload(wire)), {
    text:
      'minute,factor=a21026,mn=M\\ 1,st=32 avg=28.4,flag="N",raw="Avg=28.40,Flag=N" 1700000000000\n' +
      'minute,factor=a34004,mn=M\\ 1,st=32 zs_avg=0,raw="Avg=***,ZsAvg=-0",invalid=true 1700000000000',
    lines: 2,
  });
});

t.test('an upload without factors leaves one trace line with its CN and parameters; an empty ST is no tag', async (t) => {
  t.same(uploadLines(upload({ RestartTime: '20240101000000' }, { kind: 'restart', cn: '2081', st: '' })), {
    text: 'restart,mn=M\\ 1 cn="2081",params="RestartTime=20240101000000" 1700000000000',
    lines: 1,
  });
});

t.test('names line protocol cannot hold and a non-finite time are refused', async (t) => {
  t.throws(() => uploadLines(upload({ 'a\\-Avg': '1' })), LineProtocolError);
  t.throws(() => uploadLines(upload({ 'a-Avg': '1' }, { timeMs: Number.NaN })), LineProtocolError);
});

t.test('a numeric value is written as String(Number(value)) prints it, whatever its form', async (t) => {
  // Plain decimals take a shortcut (trailing zeros cut from the text); the rest the number round trip. Both must agree.
  const fixed = ['28.40', '28.4', '1.00', '0', '-0', '-0.00', '0.000001', '0.0000001', '0.0000010', '007', '-12.50', '123456789012345', '1234567890123456', '12.345678901234567', '1e3', '+5', '.5', '5.'];
  let seed = 11;
  const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  const random = Array.from({ length: 5000 }, () => {
    let v = '';
    for (let j = 1 + next(17); j > 0; j--) v += '0123456789.'[next(next(10) === 0 ? 11 : 10)];
    if (next(4) === 0) v = `0.${'0'.repeat(next(8))}${v.replaceAll('.', '')}`;
    if (next(5) === 0) v = `-${v}`;
    return next(3) === 0 ? v + '0'.repeat(next(4)) : v;
  });
  let differ = 0;
  for (const v of [...fixed, ...random]) {
    const wire = { DataTime: '20240101000000', 'a01-Avg': v };
    const line = uploadLines(upload(wire)).text;
    const n = Number(v);
    const want = Number.isFinite(n) && !line.includes('invalid=true') ? ` avg=${Object.is(n, -0) ? '0' : String(n)},` : undefined;
    if (want !== undefined && !line.includes(want)) differ++;
  }
  t.equal(differ, 0, `${fixed.length + random.length} values written as their number prints`);
});

/** A line with its fields sorted (field order means nothing to InfluxDB): head, fields split outside quotes, time. */
function normalised(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      // Sections split at unquoted, unescaped spaces: head, fields, time; fields split at unquoted commas.
      const sections: string[][] = [[]];
      let cur = '';
      let quoted = false;
      const end = (): void => {
        sections[sections.length - 1]!.push(cur);
        cur = '';
      };
      for (let i = 0; i < line.length; i++) {
        const c = line[i]!;
        if (c === '\\') {
          cur += c + (line[++i] ?? '');
          continue;
        }
        if (c === '"' && sections.length === 2) quoted = !quoted;
        if (!quoted && c === ' ') {
          end();
          sections.push([]);
        } else if (!quoted && c === ',' && sections.length === 2) end();
        else cur += c;
      }
      end();
      return sections.map((parts, i) => (i === 1 ? [...parts].sort() : parts).join(',')).join(' ');
    })
    .join('\n');
}

t.test('the bytes hold the string-built lines of the reference, fields in the order of the reading, for random uploads (escapes, non-ASCII, odd keys)', async (t) => {
  let seed = 29;
  const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  const pieces = ['a', 'w01018', '"', '\\', ',', ' ', '=', '-', '二氧化硫', '\u{1F600}', '\ud800', 'N', '28.40', '***', '-0', '1e3', 'é', '\t', ''];
  const word = (): string => Array.from({ length: next(4) }, () => pieces[next(pieces.length)]).join('');
  const suffixes = ['Rtd', 'Avg', 'Min', 'Max', 'Cou', 'Flag', 'ZsRtd', 'EFlag', 'SampleTime', 'Info', 'Odd', ''];
  let compared = 0;
  for (let i = 0; i < 3000; i++) {
    const wire: Record<string, string> = { DataTime: '20240101000000' };
    for (let f = next(8); f > 0; f--) {
      const code = next(3) === 0 ? word() || 'x' : ['a21026', 'w01018', 'a34004', 'B02'][next(4)]!;
      for (let k = 1 + next(4); k > 0; k--) wire[`${code}-${suffixes[next(suffixes.length)]}`] = next(2) === 0 ? String(next(1000) / 10) : word();
    }
    if (next(4) === 0) wire[word() || 'P'] = word();
    const u = upload(wire, { mn: next(5) === 0 ? 'M,1 =x' : '88888880000001', st: next(4) === 0 ? '' : '32' });
    if (next(3) === 0) u.cp.factors = u.cp.factors.filter(() => next(2) === 0);
    let want: string | Error;
    try {
      want = referenceUploadLines(u).text;
    } catch (err) {
      want = err as Error;
    }
    if (want instanceof Error) {
      t.throws(() => uploadLines(u), LineProtocolError);
      continue;
    }
    const got = uploadLineBytes(u);
    if (normalised(got.body.toString()) !== normalised(Buffer.from(want).toString())) {
      t.fail(`differs for ${JSON.stringify(wire)}`, { got: got.body.toString(), want });
      break;
    }
    compared++;
  }
  t.ok(compared > 2000, `${compared} uploads compared byte for byte`);
});
