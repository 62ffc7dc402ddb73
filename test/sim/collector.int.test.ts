/**
 * A simulated collector against the real gateway (real Redis/InfluxDB) and against a scripted host: schedules
 * produce the expected stored readings, missing acks cause OverTime/ReCount retransmits, host requests are answered.
 */
import t from 'tap';
import { dataAck, formatDataTime, getRtdIntervalRequest, historyRequest, parseDataTime, setRtdIntervalRequest } from '../../protocol/index.js';
import { PROFILES } from '../../src/sim/profiles.js';
import { startTestGateway } from '../helpers/gateway.js';
import { START, runFleet, startFakeHost } from './sim-helpers.js';

const T0 = Date.parse(START);
const HOUR = 3_600_000;

t.test('schedule: 70 uploads = 60 realtime, 6 minute, 1 hour … stored with their DataTimes', async (tt) => {
  // A short group-commit window keeps 70 serial upload/ack round trips quick.
  const gw = await startTestGateway({ HJ212_INFLUX_FLUSH_MS: '10' });
  tt.teardown(() => gw.close());
  // From 00:00: realtime every 60 s, minute data every 10 min, hourly data at 01:00 → 70 scheduled uploads end
  // with the 01:00 realtime frame (60 realtime at 00:00..00:59, 6 minute, 1 hour, then 01:00 … counted in order).
  const { fleet, summary } = await runFleet(gw.port, { collectors: 2, count: 70, ack: true, schedule: { realtimeS: 60, minuteMin: 10, hour: true, day: false } }, gw);
  tt.equal(summary.uploads, 140, 'every scheduled upload sent');
  tt.equal(summary.acked, 140, 'and acknowledged with 9014 (stored)');
  tt.equal(summary.retransmits, 0);
  tt.ok(summary.ackLatencyMs.samples === 140 && summary.ackLatencyMs.p99 > 0, 'ack latency measured');
  const mn = fleet.identities[0]!.mn;
  const minute = await gw.rows('minute', mn);
  const minuteTimes = [...new Set(minute.map((r) => Number(r.time)))];
  tt.same(minuteTimes, [0, 1, 2, 3, 4, 5].map((i) => T0 + i * 600_000), '2051 DataTime = interval start, every 10 min');
  tt.equal(minute.length, 6 * PROFILES.water.length, 'one point per factor');
  const hour = await gw.rows('hour', mn);
  tt.same([...new Set(hour.map((r) => Number(r.time)))], [T0], '2061 at 01:00 carries 00:00');
  const realtime = await gw.rows('realtime', mn);
  tt.equal(realtime.length / PROFILES.water.length, 70 - 7, 'the rest are realtime uploads');
  const cod = minute.find((r) => r.factor === 'w01018');
  const expected = fleet.collectors[0]!.builder.model.interval(T0, 600_000).find((r) => r.code === 'w01018');
  tt.equal(cod?.avg, Number(expected?.avg), 'stored value = the collector model value');
});

t.test('retransmit: no 9014 within OverTime → resend up to ReCount times, then give up', async (tt) => {
  const host = await startFakeHost(() => undefined);
  tt.teardown(() => host.close());
  const { summary } = await runFleet(host.port, { ack: true, overTimeS: 0.2, reCount: 3, schedule: { realtimeS: 30, minuteMin: 0, hour: false, day: false } });
  const qns = host.packets.map((p) => p.qn);
  tt.equal(host.packets.length, 4, 'the frame and ReCount=3 retransmits');
  tt.equal(new Set(qns).size, 1, 'the same QN each time');
  tt.match(summary, { retransmits: 3, timeouts: 1, acked: 0 });
});

t.test('retransmit: a withheld first ack is covered by one retransmit', async (tt) => {
  let seen = 0;
  const host = await startFakeHost((p, socket, h) => {
    if (p.cn === '2011' && ++seen > 1) h.send(socket, dataAck(p));
  });
  tt.teardown(() => host.close());
  const { summary } = await runFleet(host.port, { ack: true, overTimeS: 0.2, schedule: { realtimeS: 30, minuteMin: 0, hour: false, day: false } });
  tt.match(summary, { retransmits: 1, acked: 1, timeouts: 0 });
  tt.equal(summary.ackLatencyMs.samples, 0, "Karn's rule: no latency sample from a retransmitted upload");
});

t.test('history request 2061: 9011 QnRtn=1, hourly data within BeginTime..EndTime with the request QN, 9012', async (tt) => {
  const host = await startFakeHost((p, socket, h) => {
    if (/^20[1-6]1$/.test(p.cn) && (p.flag ?? 0) & 1) h.send(socket, dataAck(p));
  });
  tt.teardown(() => host.close());
  // The collector runs one upload a day apart so it is connected and its clock is past the requested hours.
  const run = runFleet(host.port, { ack: true, count: 2, speed: 1, start: new Date(T0 + 5 * HOUR).toISOString(), schedule: { realtimeS: 2, minuteMin: 0, hour: false, day: false } });
  const socket = await host.connection;
  const target = { st: '32', pw: '123456', mn: 'SIM000000000000000000000', qn: '20240101050000123', now: T0 };
  host.send(socket, historyRequest(target, '2061', formatDataTime(T0 + HOUR), formatDataTime(T0 + 3 * HOUR)));
  const done = await host.waitFor((p) => p.cn === '9012');
  await run;
  const answers = host.packets.filter((p) => p.qn === target.qn);
  tt.same(answers.map((p) => p.cn), ['9011', '2061', '2061', '2061', '9012'], '9011, data, 9012 in order');
  tt.equal(answers[0]?.cp.QnRtn, '1');
  tt.equal(done.cp.ExeRtn, '1');
  const times = answers.filter((p) => p.cn === '2061').map((p) => parseDataTime(p.cp.DataTime ?? ''));
  tt.same(times, [T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR], 'one frame per hour in the range');
  tt.ok(answers.filter((p) => p.cn === '2061').every((p) => p.cp['w01018-Avg'] !== undefined), 'carrying hourly averages');
});

t.test('interval commands: 1062 set then 1061 get answers the new RtdInterval', async (tt) => {
  const host = await startFakeHost(() => undefined);
  tt.teardown(() => host.close());
  const run = runFleet(host.port, { count: 2, speed: 1, schedule: { realtimeS: 2, minuteMin: 0, hour: false, day: false } });
  const socket = await host.connection;
  const target = { st: '32', pw: '123456', mn: 'SIM000000000000000000000' };
  host.send(socket, setRtdIntervalRequest({ ...target, qn: '20240101000000001' }, 45));
  const set = await host.waitFor((p) => p.cn === '9012' && p.qn === '20240101000000001');
  host.send(socket, getRtdIntervalRequest({ ...target, qn: '20240101000000002' }));
  const got = await host.waitFor((p) => p.cn === '1061' && p.qn === '20240101000000002');
  await run;
  tt.equal(set.cp.ExeRtn, '1');
  tt.equal(got.cp.RtdInterval, '45');
});

t.test('history re-pull through the real gateway: every requested hour is stored', async (tt) => {
  const gw = await startTestGateway({ HJ212_INFLUX_FLUSH_MS: '10' });
  tt.teardown(() => gw.close());
  const run = runFleet(gw.port, { ack: true, count: 2, speed: 1, mnPrefix: 'REPULL', start: new Date(T0 + 5 * HOUR).toISOString(), schedule: { realtimeS: 2, minuteMin: 0, hour: false, day: false } }, gw);
  const mn = 'REPULL000000000000000000';
  const cmd = { id: 'c1', mn, cn: '2061', qn: '20240101050000999', cp: { BeginTime: formatDataTime(T0 + HOUR), EndTime: formatDataTime(T0 + 3 * HOUR) } };
  // The gateway can address the collector once its first frame bound the session; bounded wait for that state.
  const deadline = Date.now() + 10_000;
  while (!gw.role.gateway.deliver(cmd)) {
    if (Date.now() > deadline) throw new Error('collector never bound to a session');
    await new Promise((r) => setImmediate(r));
  }
  const { summary } = await run;
  tt.equal(summary.requests, 1, 'the collector answered one request');
  const hours = [...new Set((await gw.rows('hour', mn)).map((r) => Number(r.time)))];
  tt.same(hours, [T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR], 'three hourly uploads with the request QN, three hours stored');
});
