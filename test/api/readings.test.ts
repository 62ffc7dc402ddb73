/** Readings from a real InfluxDB: filters, time zones, cursor pagination, scoping, CSV (streamed), latest values. */
import t from 'tap';
import { body, buildTestApi } from './helper.js';

const api = await buildTestApi();
t.teardown(() => api.close());
const ops = api.token.ops;
const A = '010000A8900016F000169DC0';
const B = '010000A8900016F000169DC1';
const HOUR = 3_600_000;
/** 2024-05-01T00:00:00+08:00 */
const T0 = Date.parse('2024-05-01T00:00:00+08:00');

const created = (url: string, payload: Record<string, unknown>) => api.create(url, payload);
const acme = await created('/enterprises', { name: 'ACME' });
const other = await created('/enterprises', { name: 'Other' });
const site = await created('/sites', { enterpriseId: acme.id, name: 'Plant' });
const point = await created(`/sites/${site.id}/points`, { name: 'Outfall' });
const otherSite = await created('/sites', { enterpriseId: other.id, name: 'Mill' });
await created('/collectors', { mn: A, password: 'x1y2z3', pointId: point.id });
await created('/collectors', { mn: B, password: 'x1y2z3', siteId: otherSite.id, profile: { timeZone: 'UTC' } });
const acmeToken = await api.enterpriseToken(acme.id);

// 24 hours of COD and pH for A (pH invalid at 12:00), one COD reading with text fields for B, and realtime ties.
const lines: string[] = [];
for (let h = 0; h < 24; h++) {
  const time = T0 + h * HOUR;
  lines.push(`hour,mn=${A},factor=w01018,st=32 avg=${10 + h},min=${5 + h},max=${20 + h},cou=${h * 2},flag="N",raw="Avg=${10 + h},Flag=N" ${time}`);
  lines.push(
    h === 12 ? `hour,mn=${A},factor=w01001,st=32 flag="N",raw="Avg=***,Flag=N",invalid=true ${time}` : `hour,mn=${A},factor=w01001,st=32 avg=7.${h % 10},flag="N",raw="Avg=7.${h % 10},Flag=N" ${time}`,
  );
}
lines.push(`hour,mn=${B},factor=w01018,st=32 avg=99,flag="D",info="=cmd|' /C calc'!A0",raw="Avg=99,Flag=D" ${T0}`);
for (let s = 0; s < 5; s++) for (const f of ['a01', 'a02', 'a03']) lines.push(`realtime,mn=${A},factor=${f},st=32 rtd=${s},raw="Rtd=${s}" ${T0 + s * 1000}`);
lines.push(`realtime,mn=${A},st=32 cn="2011" ${T0 + 9000}`);
await api.writeLines(lines);

const from = encodeURIComponent('2024-05-01T00:00:00+08:00');
const to = encodeURIComponent('2024-05-02T00:00:00+08:00');
type Page = { kind: string; timeZone: string; readings: Array<Record<string, unknown>>; nextCursor?: string };

async function page(url: string, token = api.token.reader): Promise<Page> {
  const res = await api.call(token, { url });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return body<Page>(res);
}

t.test('hourly readings of one collector and factor, in the collector zone', async (tt) => {
  const res = await page(`/readings?mn=${A}&factor=w01018&kind=hour&from=${from}&to=${to}`);
  tt.equal(res.timeZone, 'Asia/Shanghai');
  tt.equal(res.readings.length, 24);
  tt.same(res.readings[0], { kind: 'hour', time: '2024-05-01T00:00:00+08:00', mn: A, factor: 'w01018', st: '32', invalid: false, source: 'collector', rejected: false, avg: 10, min: 5, max: 20, cou: 0, flag: 'N', raw: 'Avg=10,Flag=N' });
  tt.equal(res.readings[23]?.time, '2024-05-01T23:00:00+08:00');
  tt.notOk(res.nextCursor, 'one page');
  const utc = await page(`/readings?mn=${A}&factor=w01018&from=${from}&to=${to}&limit=1&tz=UTC`);
  tt.equal(utc.readings[0]?.time, '2024-04-30T16:00:00+00:00', 'tz changes the offset, not the instant');
  tt.equal((await page(`/readings?mn=${B}&from=${from}&to=${to}`)).timeZone, 'UTC', "default is the collector's zone");
});

t.test('several factors, invalid values flagged, range end exclusive', async (tt) => {
  const res = await page(`/readings?mn=${A}&factor=w01018,w01001&from=${from}&to=${encodeURIComponent('2024-05-01T13:00:00+08:00')}`);
  tt.equal(res.readings.length, 26, '13 hours x 2 factors');
  const noon = res.readings.filter((r) => r.time === '2024-05-01T12:00:00+08:00');
  tt.match(noon, [{ factor: 'w01001', invalid: true, raw: 'Avg=***,Flag=N' }, { factor: 'w01018', avg: 22 }]);
  tt.notOk('avg' in (noon[0] ?? {}), 'no value for the invalid reading');
});

t.test('cursor pagination never repeats or skips, also across readings sharing a timestamp', async (tt) => {
  const all = await page(`/readings?mn=${A}&kind=realtime&from=${from}&to=${to}`);
  tt.equal(all.readings.length, 15, 'the factor-less upload is not a reading');
  for (const limit of [1, 2, 4, 7]) {
    const seen: Array<Record<string, unknown>> = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const p = await page(`/readings?mn=${A}&kind=realtime&from=${from}&to=${to}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...p.readings);
      cursor = p.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    tt.same(seen, all.readings, `limit ${limit}`);
    tt.equal(pages, Math.ceil(15 / limit), `limit ${limit}: no empty trailing page`);
  }
});

t.test('bad cursors, ranges and targets are 400s', async (tt) => {
  const first = await page(`/readings?mn=${A}&kind=realtime&from=${from}&to=${to}&limit=2`);
  const misuse = await api.call(api.token.reader, { url: `/readings?mn=${A}&kind=hour&from=${from}&to=${to}&cursor=${first.nextCursor}` });
  tt.match(body(misuse), { status: 400, code: 'APP_ERR_INVALID_CURSOR' });
  const garbage = await api.call(api.token.reader, { url: `/readings?mn=${A}&from=${from}&cursor=bm9wZQ` });
  tt.equal(body(garbage).code, 'APP_ERR_INVALID_CURSOR');
  const cases: Array<[string, string]> = [
    [`/readings?mn=${A}&from=${to}&to=${from}`, 'APP_ERR_INVALID_RANGE'],
    [`/readings?mn=${A}`, 'APP_ERR_VALIDATION'],
    [`/readings?mn=${A}&from=2024-05-01T00:00:00`, 'APP_ERR_VALIDATION'],
    [`/readings?mn=${A}&siteId=${site.id}&from=${from}`, 'APP_ERR_VALIDATION'],
    [`/readings?from=${from}`, 'APP_ERR_VALIDATION'],
    [`/readings?mn=${A}&from=${from}&kind=weekly`, 'APP_ERR_VALIDATION'],
    [`/readings?mn=${A}&from=${from}&limit=10001`, 'APP_ERR_VALIDATION'],
    [`/readings?mn=${A}&from=${from}&tz=Mars/Base`, 'APP_ERR_VALIDATION'],
    [`/readings?mn=${A}&from=${from}&factor=a,,b`, 'APP_ERR_VALIDATION'],
  ];
  for (const [url, code] of cases) {
    const res = await api.call(api.token.reader, { url });
    tt.equal(res.statusCode, 400, url);
    tt.equal(body(res).code, code, url);
  }
  const noTarget = body<{ errors: Array<{ message: string }> }>(await api.call(api.token.reader, { url: `/readings?from=${from}` }));
  tt.match(noTarget.errors[0]?.message, /exactly one of mn, siteId, pointId/);
});

t.test('an injection attempt in mn is refused by validation (quotes are outside the MN alphabet)', async (tt) => {
  const mn = encodeURIComponent(`${A}' OR "mn" != '`);
  const res = await api.call(api.token.reader, { url: `/readings?mn=${mn}&from=${from}&to=${to}` });
  tt.equal(res.statusCode, 400);
  tt.match(JSON.parse(res.body), { code: 'APP_ERR_VALIDATION', errors: [{ location: 'querystring', path: '/mn' }] });
});

t.test('by site or point: the bound collectors only; enterprise scoping', async (tt) => {
  const byPoint = await page(`/readings?pointId=${point.id}&factor=w01018&from=${from}&to=${to}&limit=5`, acmeToken.secret);
  tt.ok(byPoint.readings.length === 5 && byPoint.readings.every((r) => r.mn === A));
  const bySite = await page(`/readings?siteId=${otherSite.id}&from=${from}&to=${to}`, api.token.regulator);
  tt.same(bySite.readings.map((r) => r.mn), [B]);
  tt.equal((await api.call(acmeToken.secret, { url: `/readings?mn=${B}&from=${from}` })).statusCode, 404, "another enterprise's collector");
  tt.equal((await api.call(acmeToken.secret, { url: `/readings?siteId=${otherSite.id}&from=${from}` })).statusCode, 404, "another enterprise's site");
  tt.equal((await api.call(acmeToken.secret, { url: `/readings?mn=99999999999999&from=${from}` })).statusCode, 404, 'an unregistered MN');
  tt.equal((await api.call(acmeToken.secret, { url: `/collectors/${B}/latest` })).statusCode, 404);
  tt.equal((await api.call(api.token.reader, { url: `/readings?pointId=missing&from=${from}` })).statusCode, 404);
  const empty = await page(`/readings?siteId=${site.id}&kind=day&from=${from}&to=${to}`);
  tt.same(empty.readings, [], 'a site without data');
});

t.test('CSV: header, RFC 4180 quoting, spreadsheet formulas defused', async (tt) => {
  const res = await api.call(api.token.reader, { url: `/readings?mn=${B}&from=${from}&to=${to}`, headers: { accept: 'text/csv' } });
  tt.equal(res.statusCode, 200);
  tt.match(res.headers['content-type'], /^text\/csv/);
  tt.match(res.headers['content-disposition'], /attachment; filename="readings-hour.csv"/);
  tt.ok(res.body.startsWith('\uFEFF'), 'UTF-8 byte order mark for Excel');
  const rows = res.body.slice(1).split('\r\n');
  tt.equal(rows[0], 'time,enterprise_id,enterprise,site_id,site,point_id,point,factor_name,unit,mn,factor,st,rtd,min,avg,max,zs_rtd,zs_min,zs_avg,zs_max,cou,rs,rt,flag,eflag,sample_time,info,raw,invalid,source,rejected');
  tt.equal(rows[1], `2024-04-30T16:00:00+00:00,${other.id},Other,${otherSite.id},Mill,,,化学需氧量,mg/L,${B},w01018,32,,,99,,,,,,,,,D,,,'=cmd|' /C calc'!A0,"Avg=99,Flag=D",false,collector,false`);
  tt.equal(rows[2], '', 'ends with CRLF');
  const limited = await api.call(api.token.reader, { url: `/readings?mn=${A}&from=${from}&to=${to}&format=csv&limit=3` });
  tt.equal(limited.body.split('\r\n').length, 5, 'header, 3 rows, final empty line');
  // A JSON page is bounded (10,000); CSV is streamed, so a larger limit is accepted as docs/api.md says.
  const large = await api.call(api.token.reader, { url: `/readings?mn=${A}&from=${from}&to=${to}&format=csv&limit=50000` });
  tt.equal(large.statusCode, 200, 'CSV limit above 10,000 accepted');
  const all = await api.call(api.token.reader, { url: `/readings?mn=${A}&from=${from}&to=${to}&format=csv` });
  tt.ok(all.body.split('\r\n').length > 5, 'no limit: every row');
  tt.equal(large.body, all.body, 'a limit above the row count: every row, as without a limit');
  const tooLarge = await api.call(api.token.reader, { url: `/readings?mn=${A}&from=${from}&to=${to}&limit=50000` });
  tt.equal(tooLarge.statusCode, 400, 'JSON limit above 10,000 refused');
  tt.match(body(tooLarge), { code: 'APP_ERR_VALIDATION', errors: [{ location: 'querystring', path: '/limit' }] });
});

t.test('CSV streams ranges larger than one InfluxDB page', async (tt) => {
  const many: string[] = [];
  for (let i = 0; i < 12_001; i++) many.push(`minute,mn=${A},factor=w00000,st=32 avg=${i},raw="Avg=${i}" ${T0 + i * 1000}`);
  await api.writeLines(many);
  const res = await api.call(api.token.reader, { url: `/readings?mn=${A}&kind=minute&from=${from}&to=${to}&format=csv` });
  const rows = res.body.slice(1).trimEnd().split('\r\n');
  tt.equal(rows.length, 12_002, 'header and every row, over three pages');
  tt.match(rows[1], /,0,/);
  tt.match(rows[12_001], /,12000,/);
  const avgs = rows.slice(1).map((r) => Number(r.split(',')[14]));
  tt.ok(
    avgs.every((v, i) => v === i),
    'in order, none repeated or skipped at page boundaries',
  );
});

t.test('latest values per kind and factor', async (tt) => {
  const res = await api.call(api.token.reader, { url: `/collectors/${A}/latest?kind=hour,realtime` });
  tt.equal(res.statusCode, 200);
  const latest = body<{ mn: string; readings: Array<Record<string, unknown>> }>(res);
  const key = (r: Record<string, unknown>): string => `${r.kind}/${r.factor}`;
  tt.same(latest.readings.map(key).sort(), ['hour/w01001', 'hour/w01018', 'realtime/a01', 'realtime/a02', 'realtime/a03']);
  tt.match(
    latest.readings.find((r) => key(r) === 'hour/w01018'),
    { time: '2024-05-01T23:00:00+08:00', avg: 33 },
  );
  tt.match(
    latest.readings.find((r) => key(r) === 'realtime/a02'),
    { rtd: 4 },
  );
  tt.equal((await api.call(api.token.reader, { url: `/collectors/${A}/latest?kind=weekly` })).statusCode, 400);
  const none = body<{ readings: unknown[] }>(await api.call(ops, { url: '/collectors/99999999999999/latest' }));
  tt.same(none.readings, []);
});

t.test('every value kind: minute, day and five-minute data are served like hourly data', async (tt) => {
  const kinds = ['minute', 'day', 'five_minute'] as const;
  const when = T0 + 7 * HOUR;
  await api.writeLines(kinds.map((kind, i) => `${kind},mn=${B},factor=w01018,st=32 avg=${i + 1},flag="N",raw="Avg=${i + 1},Flag=N" ${when}`));
  for (const [i, kind] of kinds.entries()) {
    const res = await page(`/readings?mn=${B}&kind=${kind}&from=${from}&to=${to}`, api.token.regulator);
    tt.equal(res.kind, kind);
    tt.same(res.readings, [{ kind, time: '2024-04-30T23:00:00+00:00', mn: B, factor: 'w01018', st: '32', invalid: false, source: 'collector', rejected: false, avg: i + 1, flag: 'N', raw: `Avg=${i + 1},Flag=N` }], kind);
  }
  const latest = body<{ readings: Array<{ kind: string; avg?: number }> }>(await api.call(api.token.reader, { url: `/collectors/${B}/latest?kind=five_minute,day` }));
  tt.same(latest.readings.map((r) => [r.kind, r.avg]).sort(), [['day', 2], ['five_minute', 3]]);
});

t.test('query validation failures name the query field', async (tt) => {
  const res = await api.call(api.token.reader, { url: `/readings?mn=${A}&from=yesterday&limit=0` });
  tt.equal(res.statusCode, 400);
  const problem = body<{ code: string; errors: Array<{ location: string; path: string }> }>(res);
  tt.equal(problem.code, 'APP_ERR_VALIDATION');
  tt.same(problem.errors.map((e) => `${e.location}${e.path}`).sort(), ['querystring/from', 'querystring/limit']);
});

t.test('the same page in two zones: same instants, each with its own offset', async (tt) => {
  const url = `/readings?mn=${A}&factor=w01018&from=${from}&to=${to}&limit=2`;
  const shanghai = await page(url);
  const utc = await page(`${url}&tz=UTC`);
  const again = await page(url);
  tt.same(shanghai.readings.map((r) => r.time), ['2024-05-01T00:00:00+08:00', '2024-05-01T01:00:00+08:00']);
  tt.same(utc.readings.map((r) => r.time), ['2024-04-30T16:00:00+00:00', '2024-04-30T17:00:00+00:00']);
  tt.same(again, shanghai, 'a shared answer shown in another zone in between is unaffected');
});
