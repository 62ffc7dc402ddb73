/**
 * InfluxDB unavailable: nothing is acked while it is down, the frame stays buffered, and once it is back the
 * reading is stored and then acked. The outage is a proxy we cut, so the shared influxd keeps running.
 */
import t from 'tap';
import { encodeFrame, uploadPacket } from '../../protocol/index.js';
import { connectCollector } from '../helpers/collector.js';
import { startTestGateway } from '../helpers/gateway.js';
import { influxUrl } from '../helpers/services.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait.js';

const MN = '33010600000001W00000009Z';

t.test('no ack while InfluxDB is down; stored and acked after it returns', async (t) => {
  const upstream = new URL(influxUrl());
  const proxy = await startTcpProxy({ host: upstream.hostname, port: Number(upstream.port) });
  t.teardown(() => proxy.close());
  const gw = await startTestGateway({ HJ212_INFLUX_URL: proxy.url });
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: '654321' });
  await proxy.cut();

  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());
  const p = uploadPacket({ st: '32', pw: '654321', mn: MN, qn: '20240315103000123' }, '2061', {
    dataTime: '20240315100000',
    factors: [{ code: 'w01018', avg: '12.5', flag: 'N' }],
  });
  c.send(encodeFrame(p));
  await waitFor(async () => (await gw.metrics.bufferedPoints.get()).values[0]?.value === 1, 'point buffered in the sink');
  t.equal(c.received.length, 0, 'no reply while InfluxDB is unreachable');

  await proxy.restore();
  const ack = await c.next((r) => r.qn === p.qn, 30_000);
  t.equal(ack.cn, '9014', 'acked once durable');
  const rows = await gw.rows('hour', MN);
  t.equal(rows.length, 1, 'the reading is stored');
  t.equal(rows[0]?.avg, 12.5);
});
