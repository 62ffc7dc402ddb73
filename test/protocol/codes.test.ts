/** Code tables: unique codes, edition differences, error/warning tables, factors in sync with factors.csv. */
import { readFileSync, readdirSync } from 'node:fs';
import t from 'tap';
import {
  CN_2005,
  CN_2017,
  CN_2025,
  DATA_FLAGS,
  EXE_RTN,
  FACTORS,
  FLAG_BITS,
  HJ_ERRORS,
  HJ_WARNINGS,
  NUMERIC_SUFFIXES,
  QN_RTN,
  READING_SUFFIXES,
  ST,
  VERSION_FLAG,
  isKnownSt,
  lookupCn,
  lookupFactor,
  toCode2005,
  toCode2017,
  versionOfFlag,
} from '../../protocol/index.js';
import { ROOT } from './corpus-data.js';

const unique = (values: readonly string[]) => new Set(values).size === values.length;

t.test('tables have unique codes and meanings', async (t) => {
  for (const [name, table] of Object.entries({ ST, QN_RTN, EXE_RTN, DATA_FLAGS, CN_2005, CN_2017, CN_2025 })) {
    t.ok(unique(Object.values(table)), `${name}: meanings unique`);
    t.ok(Object.keys(table).length > 5, `${name}: filled`);
  }
  t.ok(unique([...NUMERIC_SUFFIXES]), 'numeric suffixes unique');
  t.ok(unique(READING_SUFFIXES.map(([s]) => s)), 'reading suffixes unique');
  t.ok(unique(READING_SUFFIXES.map(([, f]) => f)), 'reading fields unique');
  t.strictSame(Object.keys(QN_RTN), ['1', '2', '3', '4', '5', '6', '7', '8', '9', '100']);
});

t.test('editions (docs/protocol.md §3, §6)', async (t) => {
  t.equal(lookupCn('2072', '2005'), 'alarm event upload');
  t.equal(lookupCn('2072', '2017'), undefined, '2017 removed the 2005 alarm commands');
  t.equal(lookupCn('1063', '2005'), undefined);
  t.equal(lookupCn('1063', '2017'), 'get/upload minute-data interval');
  t.equal(lookupCn('9015', '2017'), undefined);
  t.equal(lookupCn('9015', '2025'), 'heartbeat');
  t.equal(lookupCn('toString', '2025'), undefined, 'own keys only');
  t.ok(Object.keys(CN_2017).every((cn) => cn in CN_2025), '2025 extends 2017');
  t.ok(isKnownSt('91'));
  t.notOk(isKnownSt('80'));
  t.strictSame(VERSION_FLAG, { '2005': 0, '2017': 4, '2025': 8 });
  t.strictSame([0, 1, 5, 7, 9, 11, 12].map(versionOfFlag), ['2005', '2005', '2017', '2017', '2025', '2025', undefined]);
  t.equal(FLAG_BITS.ACK | FLAG_BITS.SPLIT | (1 << FLAG_BITS.VERSION_SHIFT), 7);
});

t.test('error codes: unique, prefixed, documented in docs/protocol.md §8 order', async (t) => {
  const codes = Object.keys(HJ_ERRORS);
  t.ok(unique(codes));
  t.ok(codes.every((c) => /^HJ_ERR_[A-Z_]+$/.test(c)));
  t.strictSame(codes, [
    'HJ_ERR_HEADER',
    'HJ_ERR_LENGTH',
    'HJ_ERR_TOO_LONG',
    'HJ_ERR_TRAILER',
    'HJ_ERR_CRC',
    'HJ_ERR_CP_SYNTAX',
    'HJ_ERR_FIELD',
    'HJ_ERR_QN',
    'HJ_ERR_MN',
  ]);
});

t.test('factors: generated from factors.csv, both code systems', async (t) => {
  const rows = readFileSync(new URL('fixtures/corpus/factors.csv', ROOT), 'utf8').trim().split(/\r?\n/).slice(1);
  t.equal(FACTORS.length, rows.length, 'one factor per CSV row (regenerate with node scripts/gen-factors.mjs)');
  rows.forEach((row, i) => {
    const [code2017, code2005, nameZh, nameEn, unit, media] = row.split(',');
    t.strictSame(FACTORS[i], { code2017, ...(code2005 ? { code2005 } : {}), nameZh, nameEn, unit, media }, `row ${i + 2}`);
  });
  const codes2017 = FACTORS.map((f) => f.code2017);
  const codes2005 = FACTORS.flatMap((f) => (f.code2005 === undefined ? [] : [f.code2005]));
  t.ok(unique(codes2017), '2017 codes unique');
  t.ok(unique(codes2005), '2005 codes unique');
  t.ok(unique([...codes2017, ...codes2005]), 'no code means different factors in the two systems');
  t.equal(toCode2017('011'), 'w01018', 'COD');
  t.equal(toCode2017('02'), 'a21026', 'SO2');
  t.equal(toCode2017('w01018'), 'w01018');
  t.equal(toCode2005('a21026'), '02');
  t.equal(toCode2005('w01009'), undefined, 'no 2005 code');
  t.equal(toCode2017('zzz'), undefined);
  t.equal(lookupFactor('B02')?.nameEn, 'flue gas flow');
});

/** The rows of the README table under `heading`: first-column codes, in order. */
function readmeCodes(readme: string, heading: string): string[] {
  const at = readme.indexOf(heading);
  if (at < 0) return [];
  const section = readme.slice(at + heading.length).split(/\n#{2,3} /)[0]!;
  return [...section.matchAll(/^\| `(HJ_[A-Z_]+)` \|/gm)].map((m) => m[1]!);
}

t.test('README documents every error and warning code, and protocol/ uses no code outside the tables', async (t) => {
  const readme = readFileSync(new URL('README.md', ROOT), 'utf8');
  t.ok(readme.includes('## The codec (`protocol/`) and the `hj212` CLI'), 'codec section present');
  t.strictSame(readmeCodes(readme, '### Protocol error codes'), Object.keys(HJ_ERRORS), 'error table: every HJ_ERR_ code, in check order');
  t.strictSame(readmeCodes(readme, '### Warning codes'), Object.keys(HJ_WARNINGS), 'warning table: every HJ_WARN_ code');
  const dir = new URL('protocol/', ROOT);
  const used = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    for (const m of readFileSync(new URL(file, dir), 'utf8').matchAll(/\bHJ_(?:ERR|WARN)_[A-Z_]+/g)) used.add(m[0]);
  }
  const known = new Set([...Object.keys(HJ_ERRORS), ...Object.keys(HJ_WARNINGS)]);
  t.strictSame([...used].filter((c) => !known.has(c)), [], 'every code written in protocol/ is in HJ_ERRORS or HJ_WARNINGS');
  t.ok(used.size >= known.size, 'the scan found the codes');
});
