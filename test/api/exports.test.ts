/**
 * Exports people open in Excel, parsed as CSV: UTF-8 BOM, enterprise/site/point names and factor names and units
 * beside the ids (the unit from the monitoring item, else the factor table), long and wide readings, and the
 * monthly ledger with names.
 */
import t, { type Test } from 'tap';
import { body, buildTestApi } from './helper.js';

const api = await buildTestApi();
t.teardown(() => api.close());
const MN = '010000A8900016F000169EX0';
const T0 = Date.parse('2024-05-01T00:00:00+08:00');
const HOUR = 3_600_000;

const created = (url: string, payload: Record<string, unknown>) => api.create(url, payload);
const ent = await created('/enterprises', { name: '江苏某化工有限公司, 南厂' });
const site = await created('/sites', { enterpriseId: ent.id, name: '南京工厂' });
const point = await created(`/sites/${site.id}/points`, { name: '总排口' });
await created(`/points/${point.id}/items`, { factor: 'w01018', mode: 'manual', unit: 'mg/l (COD)' });
await created(`/points/${point.id}/items`, { factor: 'w01001', mode: 'manual' });
await created('/collectors', { mn: MN, password: 'x1y2z3', pointId: point.id });
const lines: string[] = [];
for (let h = 0; h < 3; h++) {
  lines.push(`hour,mn=${MN},factor=w01018,st=32 avg=${20 + h},flag="N",raw="x" ${T0 + h * HOUR}`);
  if (h !== 1) lines.push(`hour,mn=${MN},factor=w01001,st=32 avg=7.${h},flag="N",raw="x" ${T0 + h * HOUR}`);
  lines.push(`hour,mn=${MN},factor=w21003,st=32 avg=0.${h + 1},flag="N",raw="x" ${T0 + h * HOUR}`);
}
await api.writeLines(lines);
const range = `from=${encodeURIComponent('2024-05-01T00:00:00+08:00')}&to=${encodeURIComponent('2024-05-02T00:00:00+08:00')}`;

/** RFC 4180 parser: quoted fields with doubled quotes, commas and line breaks; CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

/** Rows as objects keyed by the header, after checking the BOM. */
function records(t: Test, csv: string): Array<Record<string, string>> {
  t.equal(csv.charCodeAt(0), 0xfeff, 'starts with a UTF-8 BOM');
  const [header, ...rows] = parseCsv(csv.slice(1));
  return rows.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
}

t.test('long readings CSV: names and units beside the ids, Chinese text intact', async (tt) => {
  const res = await api.call(api.token.reader, { url: `/readings/csv?mn=${MN}&${range}` });
  tt.equal(res.statusCode, 200);
  tt.match(res.headers['content-type'], /^text\/csv; charset=utf-8/);
  tt.match(res.headers['content-disposition'], /filename="readings-hour.csv"/);
  const rows = records(tt, res.body);
  tt.equal(rows.length, 8);
  tt.match(rows[0], { time: '2024-05-01T00:00:00+08:00', enterprise_id: ent.id, enterprise: '江苏某化工有限公司, 南厂', site_id: site.id, site: '南京工厂', point_id: point.id, point: '总排口', mn: MN });
  const byFactor = Object.fromEntries(rows.slice(0, 3).map((r) => [r.factor, r]));
  tt.match(byFactor.w01018, { factor_name: '化学需氧量', unit: 'mg/l (COD)', avg: '20' }, "the item's unit wins");
  tt.match(byFactor.w01001, { factor_name: 'pH值', unit: 'dimensionless', avg: '7' }, "else the factor table's");
  tt.match(byFactor.w21003, { factor_name: '氨氮', avg: '0.1' });
  const viaFormat = await api.call(api.token.reader, { url: `/readings?mn=${MN}&${range}&format=csv` });
  tt.equal(viaFormat.body, res.body, 'format=csv on /readings answers the same file');
});

t.test('wide readings CSV: a row per time, a column per factor, gaps left empty', async (tt) => {
  const res = await api.call(api.token.reader, { url: `/readings/csv?mn=${MN}&${range}&format=wide` });
  tt.equal(res.statusCode, 200);
  tt.match(res.headers['content-disposition'], /readings-hour-wide\.csv/);
  const [header] = parseCsv(res.body.slice(1));
  tt.same(header, ['time', 'enterprise', 'site', 'point', 'mn', 'w01001 pH值 (dimensionless)', 'w01018 化学需氧量 (mg/l (COD))'], "the point's items as columns");
  const rows = records(tt, res.body);
  tt.same(
    rows.map((r) => [r.time, r['w01018 化学需氧量 (mg/l (COD))'], r['w01001 pH值 (dimensionless)']]),
    [
      ['2024-05-01T00:00:00+08:00', '20', '7'],
      ['2024-05-01T01:00:00+08:00', '21', ''],
      ['2024-05-01T02:00:00+08:00', '22', '7.2'],
    ],
  );
  tt.same(rows.map((r) => r.point), ['总排口', '总排口', '总排口']);
  const chosen = records(tt, (await api.call(api.token.reader, { url: `/readings?mn=${MN}&${range}&format=wide&factor=w21003` })).body);
  tt.same(chosen.map((r) => r['w21003 氨氮 (mg/L)']), ['0.1', '0.2', '0.3'], 'factor= picks the columns');
  tt.match(body(await api.call(api.token.reader, { url: `/readings/csv?mn=${MN}&${range}&format=tall` })), { code: 'APP_ERR_VALIDATION' });
});
