/**
 * Field-type poisoning (issue 11 finding 2): InfluxDB field names come from the fixed schema in README "InfluxDB
 * schema", never from the wire. A collector that sends parameters without a factor suffix (`avg=x;min=x`) cannot make
 * another collector's numeric readings be refused with "field type conflict".
 */
import t from 'tap';
import { encodeFrame, uploadPacket, type Packet } from '../../protocol/index.js';
import { connectCollector } from '../helpers/collector.js';
import { startTestGateway } from '../helpers/gateway.js';

const A = '33010600000001W0000000PA';
const B = '33010600000001W0000000PB';
let seq = 0;
const qn = (): string => `20240315103000${String(100 + (seq++ % 900))}`;

function packet(mn: string, cp: Record<string, string>, cn = '2061'): Packet {
  return { qn: qn(), st: '32', cn, pw: '123456', mn, flag: 5, cp };
}

t.test('parameters without a factor suffix never become reading fields', async (t) => {
  const gw = await startTestGateway();
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: A, password: '123456', version: '2017' });
  await gw.addDevice({ mn: B, password: '123456', version: '2017' });
  const a = await connectCollector(gw.port);
  const b = await connectCollector(gw.port);
  t.teardown(() => (a.close(), b.close()));

  // Collector A: the poisoning frame, then an upload whose numeric suffixes hold text.
  const poison = packet(A, { DataTime: '20240315100000', avg: 'x', min: 'x', max: 'x', cou: 'x', zs_avg: 'x', rtd: 'x', flag: 'x', raw: '1', invalid: 'x' });
  a.send(encodeFrame(poison));
  t.equal((await a.next((r) => r.qn === poison.qn)).cn, '9014', 'the poisoning frame is stored (its parameters as text) and acked');
  const text = uploadPacket({ st: '32', pw: '123456', mn: A, qn: qn() }, '2061', {
    dataTime: '20240315110000',
    factors: [{ code: 'w01018', min: 'x', avg: '***', max: 'NaN', flag: 'N' }],
  });
  a.send(encodeFrame(text));
  t.equal((await a.next((r) => r.qn === text.qn)).cn, '9014', 'a reading with text in numeric suffixes is stored as invalid');

  // Collector B of another enterprise: its normal hour readings are still stored and acked.
  const normal = uploadPacket({ st: '32', pw: '123456', mn: B, qn: qn() }, '2061', {
    dataTime: '20240315100000',
    factors: [{ code: 'w01018', min: '20.1', avg: '28.40', max: '40.2', cou: '1', zsAvg: '3', rtd: '5', flag: 'N' }],
  });
  b.send(encodeFrame(normal));
  t.equal((await b.next((r) => r.qn === normal.qn)).cn, '9014', 'B is acked');
  const rowsB = await gw.rows('hour', B);
  const cod = rowsB.find((r) => r.factor === 'w01018');
  t.equal(cod?.avg, 28.4, 'B reading readable as a float');
  t.equal(cod?.min, 20.1);

  const rowsA = await gw.rows('hour', A);
  const params = rowsA.find((r) => r.factor === null || r.factor === undefined);
  t.ok(params, 'the parameter-only upload left a trace');
  t.equal(params?.avg, null, 'no `avg` field written from the wire key');
  t.match(String(params?.params), /avg=x/, 'parameters kept verbatim in the string field `params`');
  const invalid = rowsA.find((r) => r.factor === 'w01018');
  t.equal(invalid?.invalid, true, 'text in a numeric suffix marks the reading invalid');
  t.equal(invalid?.avg, null, 'and is not written as a number');
  t.match(String(invalid?.raw), /Avg=\*\*\*/, 'the text is kept in `raw`');

  const fields = await gw.influx.query('SHOW FIELD KEYS FROM "hour"');
  const types = Object.fromEntries((fields[0]?.values ?? []).map((v) => [v[0], v[1]]));
  for (const name of ['rtd', 'min', 'avg', 'max', 'zs_avg', 'cou']) t.equal(types[name], 'float', `${name} is float`);
  t.same(Object.keys(types).sort(), ['avg', 'cn', 'cou', 'flag', 'invalid', 'max', 'min', 'params', 'raw', 'rtd', 'zs_avg'].sort(), 'only schema field names');
});
