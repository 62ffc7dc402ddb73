/** Each injected fault against the real gateway, and what the gateway must answer or store. */
import t from 'tap';
import { PROFILES } from '../../src/sim/profiles.js';
import { GBK_INFO_CODE, GBK_INFO_TEXT } from '../../src/sim/packets.js';
import type { FaultRates } from '../../src/sim/faults.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { runFleet } from './sim-helpers.js';

const REALTIME_ONLY = { realtimeS: 60, minuteMin: 0, hour: false, day: false };
const FACTORS = PROFILES.water.length;
let gw: TestGateway;

t.before(async () => {
  gw = await startTestGateway({ HJ212_INFLUX_FLUSH_MS: '10' });
});
t.teardown(() => gw.close());

/** Three realtime uploads of one collector with `faults`, acks on, short OverTime. */
function faulty(faults: Partial<FaultRates>, extra: Record<string, unknown> = {}) {
  return runFleet(gw.port, { ack: true, count: 3, overTimeS: 1, reCount: 3, schedule: REALTIME_ONLY, faults, mnPrefix: `F${Math.random().toString(36).slice(2, 8)}`, ...extra }, gw);
}

t.test('bad CRC → 9011 QnRtn=9, nothing stored', async (tt) => {
  const { fleet, summary } = await faulty({ badCrc: 1 });
  tt.same(summary.rejectedByCode, { '9': 3 });
  tt.equal(summary.acked, 0);
  // The fresh database may not even exist yet when nothing was ever written to it.
  const rows = await gw.rows('realtime', fleet.identities[0]!.mn).catch((err: Error) => (/database not found/.test(err.message) ? [] : Promise.reject(err)));
  tt.equal(rows.length, 0);
});

t.test('wrong password → 9011 QnRtn=3', async (tt) => {
  const { summary } = await faulty({ wrongPassword: 1 });
  tt.same(summary.rejectedByCode, { '3': 3 });
});

t.test('unknown MN → 9011 QnRtn=4 and a pending-device entry', async (tt) => {
  const { fleet, summary } = await faulty({ unknownMn: 1 });
  tt.same(summary.rejectedByCode, { '4': 3 });
  const unknown = `U${fleet.identities[0]!.mn.slice(1)}`;
  tt.ok((await gw.registry.listPending()).some((p) => p.mn === unknown), 'the unknown MN is pending registration');
});

const TRANSPARENT: Array<[string, Partial<FaultRates>]> = [
  ['garbage bytes before frames', { garbage: 1 }],
  ['half frames across reads', { halfFrame: 1 }],
  ['several frames per write', { coalesce: 1 }],
  ['non-standard CRC variants', { crcVariant: 1 }],
  ['legacy MN length (registered with allowMnLength)', { legacyMn: 1 }],
  ['sub-packets (PNUM/PNO)', { subpacket: 1 }],
  ['slow writers', { slowWriter: 1 }],
  ['out-of-order uploads', { outOfOrder: 1 }],
];

for (const [name, faults] of TRANSPARENT) {
  t.test(`${name}: every upload acked and stored`, async (tt) => {
    const { fleet, summary } = await faulty(faults);
    tt.equal(summary.acked, summary.uploads, `${summary.acked}/${summary.uploads} acked`);
    tt.match(summary, { rejected: 0, timeouts: 0, retransmits: 0 });
    const rows = await gw.rows('realtime', fleet.identities[0]!.mn);
    tt.equal(rows.length, 3 * FACTORS, 'all readings stored');
  });
}

t.test('GBK text: the -Info value arrives as Chinese text', async (tt) => {
  const { fleet, summary } = await faulty({ gbk: 1 });
  tt.equal(summary.acked, 3);
  const rows = await gw.rows('realtime', fleet.identities[0]!.mn);
  const infos = rows.filter((r) => r.factor === GBK_INFO_CODE).map((r) => r.info);
  tt.same(infos, [GBK_INFO_TEXT, GBK_INFO_TEXT, GBK_INFO_TEXT], 'every frame, the first of the connection included');
});

t.test('clock skew: DataTimes shifted by the collector clock offset', async (tt) => {
  const { fleet } = await faulty({ clockSkew: 1 }, { skewS: 120 });
  const id = fleet.identities[0]!;
  tt.not(id.skewMs, 0);
  const times = [...new Set((await gw.rows('realtime', id.mn)).map((r) => Number(r.time)))];
  const start = Date.parse('2024-01-01T00:00:00+08:00');
  // DataTime has whole seconds: the stored times are the schedule shifted by the skew, truncated to the second.
  tt.same(times, [0, 1, 2].map((i) => Math.floor((start + i * 60_000 + id.skewMs) / 1000) * 1000));
});

t.test('back-dated history: extra hourly uploads hours in the past are stored', async (tt) => {
  const { fleet, summary } = await faulty({ backdated: 1 });
  tt.equal(summary.acked, 6, 'three realtime + three back-dated hourly uploads');
  const hours = await gw.rows('hour', fleet.identities[0]!.mn);
  tt.ok(hours.length >= FACTORS && hours.every((r) => Number(r.time) < Date.parse('2024-01-01T00:00:00+08:00')), 'before the run started');
});

t.test('disconnects: the collector reconnects and its uploads still get acked', async (tt) => {
  const { summary } = await faulty({ disconnect: 1 }, { reconnectMs: 20, overTimeS: 0.3, reCount: 10 });
  tt.ok(summary.connects >= 3, `reconnected (${summary.connects} connects)`);
  tt.equal(summary.acked + summary.timeouts, 3);
  tt.ok(summary.acked >= 2, `most uploads acked after reconnecting (${summary.acked})`);
});
