/** The CP map of a parse (protocol/cp-map.ts): a key sequence met again is copied from a template, never with its values. */
import t from 'tap';
import { parseCpPairs, readCp, type Warning } from '../../protocol/index.js';

const CODES = ['w01018', 'w21003', 'w21011', 'w21001', 'w01001', 'w00000', 'w01012', 'w20117', 'w21017', 'w22001'];

/** A 2051-style CP of 10 factors × Cou/Min/Avg/Max/Flag (51 keys) whose values carry `tag`. */
function minuteCp(tag: string, extra = ''): { content: string; expected: Record<string, string> } {
  const expected: Record<string, string> = { DataTime: '20240315103000' };
  for (const code of CODES) {
    for (const suffix of ['Cou', 'Min', 'Avg', 'Max']) expected[`${code}-${suffix}`] = `${tag}${code.length}.${suffix.length}`;
    expected[`${code}-Flag`] = 'N';
  }
  const body = Object.entries(expected)
    .map(([k, v]) => `${k}=${v}`)
    .join(';');
  return { content: body + extra, expected };
}

function parse(content: string): Record<string, string> {
  const warnings: Warning[] = [];
  const r = parseCpPairs(content, 0, content.length, false, warnings);
  if (!r.ok) throw new Error(r.message);
  return r.cp;
}

t.test('the same key sequence parsed again: every map holds its own values, in wire order', async (t) => {
  const maps: Record<string, string>[] = [];
  for (const tag of ['1', '2', '3', '4']) {
    const { content, expected } = minuteCp(tag);
    const cp = parse(content);
    t.strictSame(cp, expected, `parse ${tag}: the values of this CP`);
    t.strictSame(Object.keys(cp), Object.keys(expected), `parse ${tag}: wire order`);
    t.equal(Object.getPrototypeOf(cp), Object.prototype, `parse ${tag}: a plain object`);
    maps.push(cp);
  }
  t.equal(maps[0]!['w01018-Cou'], '16.3', 'an earlier map is not changed by later parses');
  maps[3]!['w01018-Cou'] = 'changed';
  t.equal(parse(minuteCp('5').content)['w01018-Cou'], '56.3', 'a caller changing a map does not change the next one');
  const read = readCp(parse(minuteCp('6').content));
  t.equal(read.factors.length, 10);
  t.strictSame(read.factors[9], { code: 'w22001', valid: true, cou: '66.3', min: '66.3', avg: '66.3', max: '66.3', flag: 'N' });
});

t.test('a key sequence that differs in one key or in length gets a map of its own keys', async (t) => {
  for (let i = 0; i < 3; i++) parse(minuteCp('1').content);
  const longer = minuteCp('2', ';w99999-Rtd=7');
  t.strictSame(parse(longer.content), { ...longer.expected, 'w99999-Rtd': '7' }, 'one key more');
  const renamed = minuteCp('3').content.replace('w22001-Max=', 'w22001-ZsMax=');
  const cp = parse(renamed);
  t.equal(cp['w22001-ZsMax'], '36.3');
  t.notOk(Object.hasOwn(cp, 'w22001-Max'), 'the key of the other sequence is not there');
  t.equal(Object.keys(cp).length, 51);
});

t.test('__proto__ among many keys stays an own value, also from a template', async (t) => {
  for (const tag of ['1', '2', '3']) {
    const { content, expected } = minuteCp(tag, ';__proto__=x' + tag);
    const cp = parse(content);
    t.equal(Object.getPrototypeOf(cp), Object.prototype, `parse ${tag}: prototype unchanged`);
    t.ok(Object.hasOwn(cp, '__proto__'), `parse ${tag}: own key`);
    t.equal(Object.getOwnPropertyDescriptor(cp, '__proto__')?.value, 'x' + tag);
    t.equal(Object.keys(cp).length, Object.keys(expected).length + 1);
  }
});

t.test('a CP of more keys than a template holds: every parse still holds its own values', async (t) => {
  const codes = Array.from({ length: 30 }, (_, i) => `a${String(30000 + i)}`);
  for (const tag of ['1', '2', '3']) {
    const expected: Record<string, string> = { DataTime: '20240315103000' };
    for (const code of codes) for (const suffix of ['Rtd', 'Min', 'Avg', 'Max', 'Flag']) expected[`${code}-${suffix}`] = `${tag}.${suffix.length}`;
    const content = Object.entries(expected)
      .map(([k, v]) => `${k}=${v}`)
      .join(';');
    const cp = parse(content);
    t.equal(Object.keys(cp).length, 151, `parse ${tag}: 151 keys`);
    t.strictSame(cp, expected, `parse ${tag}: the values of this CP`);
  }
});
