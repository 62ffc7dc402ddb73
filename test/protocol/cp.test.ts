/** CP grammar (docs/protocol.md §5), readCp, and the time-zone aware DataTime helpers. */
import t from 'tap';
import {
  encodeFrame,
  formatDataTime,
  formatQn,
  isDataTime,
  isNumber,
  parseCpPairs,
  parseDataTime,
  parseFrame,
  readCp,
  uploadPacket,
  zoneOffset,
  type Warning,
} from '../../protocol/index.js';

function pairs(content: string, strict = false) {
  const warnings: Warning[] = [];
  const r = parseCpPairs(content, 0, content.length, strict, warnings);
  return { r, warnings, cp: r.ok ? r.cp : undefined, code: r.ok ? 'ok' : r.code };
}

t.test('groups and pairs, verbatim values in wire order', async (t) => {
  t.strictSame(pairs('DataTime=20240315103000;w01018-Rtd=1.230,w01018-Flag=N').cp, {
    DataTime: '20240315103000',
    'w01018-Rtd': '1.230',
    'w01018-Flag': 'N',
  });
  t.strictSame(pairs('').cp, {}, 'empty CP');
  t.strictSame(pairs(';;a=1;;b=2;').cp, { a: '1', b: '2' }, 'empty groups are skipped');
  t.strictSame(pairs('a=b=c').cp, { a: 'b=c' }, 'value keeps further =');
  t.strictSame(pairs('a=').cp, { a: '' }, 'empty value');
  t.strictSame(Object.keys(pairs('z=1;a=2;m=3').cp!), ['z', 'a', 'm'], 'wire order');
});

t.test('syntax errors and duplicates', async (t) => {
  t.equal(pairs('a=1,b').code, 'HJ_ERR_CP_SYNTAX', 'pair without =');
  t.equal(pairs('a=1,').code, 'HJ_ERR_CP_SYNTAX', 'trailing comma');
  t.equal(pairs('a=1,;b=2').code, 'HJ_ERR_CP_SYNTAX', 'comma then semicolon');
  t.equal(pairs('a=1,,b=2').code, 'HJ_ERR_CP_SYNTAX', 'two commas');
  const dup = pairs('w01018-Rtd=1;w01018-Rtd=2');
  t.equal(dup.code, 'HJ_ERR_FIELD');
  t.match(dup.r, { ok: false, offset: 13, message: /duplicate CP key w01018-Rtd/ });
});

t.test('numeric suffixes: warning (lenient) or HJ_ERR_FIELD (strict)', async (t) => {
  const lenient = pairs('w01018-Rtd=***,w01018-Flag=D;SB1-RT=NaN;w01018-Info=abc;x-Rtdx=y');
  t.equal(lenient.code, 'ok');
  t.strictSame(
    lenient.warnings.map((w) => w.field),
    ['w01018-Rtd', 'SB1-RT'],
  );
  t.equal(pairs('w01018-Avg=', true).code, 'HJ_ERR_FIELD', 'empty is not a number');
  t.equal(pairs('w01018-ZsMax=1e5', true).code, 'HJ_ERR_FIELD');
  t.equal(pairs('w01018-Cou=-0.21,a-b-Max=+7', true).code, 'ok', 'last dash decides the suffix');
  for (const good of ['0', '-0.21', '+7.2', '123', '1.000']) t.ok(isNumber(good), good);
  for (const bad of ['', '-', '1.', '.5', '1.2.3', '1e3', 'NaN', ' 1', '0x10']) t.notOk(isNumber(bad), `'${bad}'`);
});

t.test('tolerances: //free text// and __proto__', async (t) => {
  t.strictSame(pairs('i11001-Info=//a,b;c=d//;PolId=w01018').cp, { 'i11001-Info': '//a,b;c=d//', PolId: 'w01018' });
  t.strictSame(pairs('i11001-Info=//open,x=1').cp, { 'i11001-Info': '//open', x: '1' }, 'unclosed: plain rules');
  t.strictSame(pairs('i=//a//b,c=1').cp, { i: '//a//b', c: '1' }, 'closing // must end the value');
  const proto = pairs('__proto__=x;a=1').cp!;
  t.equal(Object.getPrototypeOf(proto), Object.prototype, 'prototype untouched');
  t.strictSame(Object.keys(proto), ['__proto__', 'a']);
  t.equal(proto['__proto__' as keyof typeof proto], 'x');
});

t.test('readCp: readings per factor, parameters, DataTime', async (t) => {
  const cp = readCp({
    DataTime: '20240315103000',
    PolId: 'w01018',
    'a21026-Rtd': '35.6',
    'a21026-ZsRtd': '41.2',
    'a21026-Flag': 'N',
    'a21026-EFlag': 'A01',
    'a21026-SampleTime': '20240315100000',
    'a21026-Foo': 'bar',
    'SB1-RS': '1',
    'SB1-RT': '23.5',
    'w01018-Min': '1',
    'w01018-Avg': '2',
    'w01018-Max': '3',
    'w01018-Cou': '4',
    'w01018-ZsMin': '5',
    'w01018-ZsAvg': '6',
    'w01018-ZsMax': '7',
    'i11001-Info': '//ok//',
    'a21026-Rtd2': '1',
  });
  t.equal(cp.dataTime, '20240315103000');
  t.equal(cp.dataTimeMs, Date.UTC(2024, 2, 15, 2, 30, 0), 'China Standard Time is UTC+8');
  t.strictSame(cp.params, { PolId: 'w01018' });
  t.strictSame(
    cp.factors.map((f) => f.code),
    ['a21026', 'SB1', 'w01018', 'i11001'],
  );
  t.strictSame(cp.factors[0], {
    code: 'a21026',
    valid: true,
    rtd: '35.6',
    zsRtd: '41.2',
    flag: 'N',
    eflag: 'A01',
    sampleTime: '20240315100000',
    extra: { Foo: 'bar', Rtd2: '1' },
  });
  t.strictSame(cp.factors[1], { code: 'SB1', valid: true, rs: '1', rt: '23.5' });
  t.match(cp.factors[2], { min: '1', avg: '2', max: '3', cou: '4', zsMin: '5', zsAvg: '6', zsMax: '7' });
  t.equal(cp.factors[3]!.info, '//ok//');
});

t.test('readCp: invalid readings, bad DataTime, time zones', async (t) => {
  const bad = readCp({ DataTime: '20241332000000', 'w01018-Rtd': '***', 'w01018-Flag': 'D', 'w21003-Rtd': '1' });
  t.equal(bad.dataTime, '20241332000000');
  t.equal(bad.dataTimeMs, undefined, 'not a real date');
  t.strictSame(
    bad.factors.map((f) => f.valid),
    [false, true],
  );
  t.equal(readCp({ DataTime: '20240315103000' }, { timeZone: 'UTC' }).dataTimeMs, Date.UTC(2024, 2, 15, 10, 30));
  const ny = (s: string) => readCp({ DataTime: s }, { timeZone: 'America/New_York' }).dataTimeMs;
  t.equal(ny('20240115120000'), Date.UTC(2024, 0, 15, 17), 'EST');
  t.equal(ny('20240715120000'), Date.UTC(2024, 6, 15, 16), 'EDT');
  t.equal(readCp({}).dataTime, undefined);
});

t.test('parseDataTime / formatDataTime / formatQn', async (t) => {
  t.equal(parseDataTime('20240229000000'), Date.UTC(2024, 1, 28, 16), 'leap day');
  t.equal(parseDataTime('20230229000000'), undefined, 'not a leap year');
  t.equal(parseDataTime('21000229000000'), undefined, '2100 is not a leap year');
  t.equal(parseDataTime('20000229000000', 'UTC'), Date.UTC(2000, 1, 29), '2000 is');
  t.equal(parseDataTime('20240431000000'), undefined);
  t.equal(parseDataTime('20240315246000'), undefined);
  t.equal(parseDataTime('2024031510300'), undefined, '13 digits');
  t.equal(parseDataTime('2024031510300x'), undefined);
  t.equal(parseDataTime('00000101000000'), undefined, 'year 0');
  t.equal(parseDataTime('20160824003817000'), Date.UTC(2016, 7, 23, 16, 38, 17), '17 digits (ms)');
  t.equal(parseDataTime('20160824003817123', 'UTC'), Date.UTC(2016, 7, 24, 0, 38, 17, 123));
  t.ok(isDataTime('20240315103000'));
  t.notOk(isDataTime('20241332250000000'));
  const ms = Date.UTC(2024, 2, 15, 2, 30, 5, 7);
  t.equal(formatDataTime(ms), '20240315103005');
  t.equal(formatDataTime(ms, 'UTC'), '20240315023005');
  t.equal(formatQn(ms), '20240315103005007');
  t.equal(formatDataTime(Date.UTC(1969, 11, 31, 23, 59, 59), 'UTC'), '19691231235959', 'before 1970');
  t.equal(formatDataTime(Date.UTC(2024, 2, 10, 7), 'America/New_York'), '20240310030000', 'DST starts');
  for (const s of ['20240101000000', '20241231235959', '20240310023000', '20241103013000']) {
    const back = formatDataTime(parseDataTime(s, 'America/New_York')!, 'America/New_York');
    t.ok(back === s || s === '20240310023000', `${s} round-trips (except the skipped hour)`);
  }
  t.equal(zoneOffset(Date.UTC(2024, 0, 1), 'Asia/Shanghai'), 8 * 3_600_000);
  t.equal(zoneOffset(Date.UTC(2024, 0, 1), 'Asia/Kathmandu'), 5.75 * 3_600_000);
  t.throws(() => parseDataTime('20240101000000', 'Not/AZone'), RangeError, 'unknown zone is a config error');
});

t.test('repeated key sequences give the same maps as the first parse', async (t) => {
  const content = 'DataTime=20240315103000;w01018-Rtd=1.230,w01018-Flag=N;"k\\u2028\'=x;1=one;0=zero';
  const first = pairs(content).cp;
  for (let i = 0; i < 3; i++) {
    const again = pairs(content).cp!;
    t.strictSame(again, first, `parse ${i + 2}`);
    t.strictSame(Object.keys(again), Object.keys(first!), 'same key order (integer keys first, as for any object)');
  }
  for (let i = 0; i < 3; i++) {
    const proto = pairs('a=1;__proto__=x').cp!;
    t.equal(Object.getPrototypeOf(proto), Object.prototype, `__proto__ stays an own key (parse ${i + 1})`);
    t.strictSame(Object.keys(proto), ['a', '__proto__']);
  }
  t.strictSame(pairs('a=1;b=2').cp, { a: '1', b: '2' });
  t.strictSame(pairs('a=1').cp, { a: '1' }, 'a prefix of a known sequence is its own shape');
});

t.test('key caches stay correct under a stream of new keys (slot reuse)', async (t) => {
  let bad = 0;
  for (let i = 0; i < 30_000; i++) {
    const cp = pairs(`k${i}-Rtd=${i};x${i % 7}=1;k${i}-Flag=N`).cp;
    if (cp?.[`k${i}-Rtd`] !== String(i) || Object.keys(cp).length !== 3) bad++;
  }
  t.equal(bad, 0, 'every map right');
  t.equal(pairs('a=1;b=2;a=3').code, 'HJ_ERR_FIELD', 'duplicates still found after the churn');
  t.equal(pairs('k5-Rtd=1;k29999-Rtd=2;k5-Rtd=3').code, 'HJ_ERR_FIELD', 'duplicate of a key whose slot was reused');
});

t.test('readCp gives the same readings whatever was parsed last (its memo of the last CP is checked key by key)', async (t) => {
  const a = pairs('DataTime=20240315103000;a34013-Rtd=12.31,a34013-Flag=N;a21026-Rtd=19.41,a21026-Flag=N').cp!;
  const expected = readCp({ ...a });
  pairs('DataTime=20240315103000;a34013-Rtd=abc,a34013-Flag=N;w01018-Rtd=1');
  t.strictSame(readCp(a), expected, 'after another CP was parsed');
  const changed = pairs('DataTime=20240315103000;a34013-Rtd=12.31,a34013-Flag=N').cp!;
  changed['a34013-Rtd'] = 'not a number';
  t.equal(readCp(changed).factors[0]!.valid, false, 'a value changed after the parse is checked again');
  t.equal(readCp(changed).factors[0]!.rtd, 'not a number');
});

t.test('readCp reads own keys only, as Object.keys does', async (t) => {
  const proto = { 'w99999-Rtd': '1' };
  const cp = Object.assign(Object.create(proto) as Record<string, string>, { 'w01018-Rtd': '2.5' });
  t.strictSame(
    readCp(cp).factors.map((f) => f.code),
    ['w01018'],
    'an enumerable key of the prototype is not a reading',
  );
  const bare = Object.assign(Object.create(null) as Record<string, string>, { DataTime: '20240315103000' });
  t.equal(readCp(bare).dataTime, '20240315103000', 'a map without prototype');
});

t.test('zoneOffset: interleaved zones and instants get their own offsets (the recent answers are per zone and bucket)', async (t) => {
  const reference = (ms: number, zone: string): number => {
    const p: Record<string, number> = {};
    const f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    for (const part of f.formatToParts(ms)) p[part.type] = Number(part.value);
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(ms / 1000) * 1000;
  };
  // New York's spring-forward instant and the quarter hours around it, Shanghai and Kathmandu at the same instants.
  const spring = Date.UTC(2024, 2, 10, 7, 0, 0);
  const zones = ['America/New_York', 'Asia/Shanghai', 'America/New_York', 'Asia/Kathmandu', 'UTC'];
  for (const delta of [-15, 0, 15, -15, 0]) {
    for (const zone of zones) {
      const ms = spring + delta * 60_000;
      t.equal(zoneOffset(ms, zone), reference(ms, zone), `${zone} at ${new Date(ms).toISOString()}`);
    }
  }
  t.equal(parseDataTime('20240310015959', 'America/New_York'), Date.UTC(2024, 2, 10, 6, 59, 59), 'before the gap');
  t.equal(parseDataTime('20240315103000', 'Asia/Shanghai'), Date.UTC(2024, 2, 15, 2, 30, 0));
  t.equal(parseDataTime('20240310030000', 'America/New_York'), Date.UTC(2024, 2, 10, 7, 0, 0), 'after the gap');
});

t.test('QN and DataTime read on the codes: a date-hour seen before does not excuse a bad minute, second or another hour', async (t) => {
  const frame = (qn: string, dataTime: string): Uint8Array => {
    const packet = uploadPacket({ st: '32', pw: '123456', mn: '33010600000001W00000001A', qn }, '2011', { dataTime, factors: [{ code: 'a34013', rtd: '1.5' }] });
    return encodeFrame(packet);
  };
  const cases: [string, string, string | number][] = [
    ['20240315104000001', '20240315103000', Date.UTC(2024, 2, 15, 2, 30, 0)],
    ['20240315106000001', '20240315103000', 'HJ_ERR_QN'],
    ['20240315104060001', '20240315103000', 'HJ_ERR_QN'],
    ['20240315104000001', '20240315106000', 'no DataTime ms'],
    ['20240315104000001', '20240315103059', Date.UTC(2024, 2, 15, 2, 30, 59)],
    ['20240231104000001', '20240315103000', 'HJ_ERR_QN'],
    ['20240315104000001', '20240231103000', 'no DataTime ms'],
    ['20240315244000001', '20240315103000', 'HJ_ERR_QN'],
    ['20240316004000001', '20240316000001', Date.UTC(2024, 2, 15, 16, 0, 1)],
    ['20240315104000001', '20240315105959', Date.UTC(2024, 2, 15, 2, 59, 59)],
  ];
  for (const [qn, dataTime, want] of cases) {
    const r = parseFrame(frame(qn, dataTime));
    if (want === 'HJ_ERR_QN') {
      t.equal(r.ok ? 'ok' : r.code, 'HJ_ERR_QN', `QN ${qn}`);
      continue;
    }
    if (!r.ok) throw new Error(r.message);
    const cp = readCp(r.packet.cp);
    t.equal(cp.dataTimeMs ?? 'no DataTime ms', want, `QN ${qn}, DataTime ${dataTime}`);
    t.equal(cp.dataTimeMs, parseDataTime(dataTime), `DataTime ${dataTime} as parseDataTime reads it`);
  }
});
