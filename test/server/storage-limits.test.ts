/** Pure parts of the storage limits: DataTime window, missing-part ranges, sub-packet bounds, archive entries. */
import t from 'tap';
import { ArchiveRecorder } from '../../src/server/archive-recorder.js';
import { SubpacketTracker, missingRanges } from '../../src/server/subpackets.js';
import { checkDataTime, isTableFactor } from '../../src/server/upload-limits.js';
import { createMetrics } from '../../src/metrics.js';
import type { ArchivedFrame } from '../../src/domain/ports.js';

t.test('DataTime window', async (t) => {
  const limits = { maxFutureSkewMs: 3_600_000, minDataTimeMs: Date.UTC(2000, 0, 1) };
  const now = Date.UTC(2026, 0, 1);
  t.equal(checkDataTime(undefined, now, limits), undefined, 'no DataTime: the receive time is used');
  t.equal(checkDataTime(now + 3_600_000, now, limits), undefined, 'exactly the skew is accepted');
  t.match(checkDataTime(now + 3_600_001, now, limits), { verdict: 'datatime-future' });
  t.match(checkDataTime(Date.UTC(1999, 11, 31), now, limits), { verdict: 'datatime-too-old', detail: /before 2000-01-01/ });
});

t.test('factor table, 2005 codes and equipment codes need no budget', async (t) => {
  t.ok(isTableFactor('w01018'));
  t.ok(isTableFactor('011'));
  t.ok(isTableFactor('SB1') && isTableFactor('SB99'));
  t.notOk(isTableFactor('SB100') || isTableFactor('SB0') || isTableFactor('y00001'));
});

t.test('missing parts as ranges, at most 20 ranges shown', async (t) => {
  t.equal(missingRanges(9999, new Set([1])), '2-9999');
  t.equal(missingRanges(7, new Set([1, 3, 4, 7])), '2,5-6');
  t.equal(missingRanges(3, new Set([1, 2, 3])), '');
  const odd = new Set(Array.from({ length: 50 }, (_, i) => 2 * i + 1));
  t.match(missingRanges(100, odd), /^2,4,6,.*,40,… \(30 more ranges\)$/);
});

t.test('sub-packet tracker: PNUM and PNO bounds, sets per MN', async (t) => {
  const tracker = new SubpacketTracker({ timeoutMs: 1000, maxPnum: 100, maxSetsPerMn: 2 });
  t.equal(tracker.add('M', 'q0', '2061', 101, 1, 0), 'untracked', 'PNUM over the limit');
  t.equal(tracker.add('M', 'q0', '2061', 5, 6, 0), 'untracked', 'PNO beyond PNUM');
  t.equal(tracker.add('M', 'q0', '2061', 5, 0, 0), 'untracked', 'PNO 0');
  t.equal(tracker.add('M', 'q1', '2061', 2, 1, 0), 'open');
  t.equal(tracker.add('M', 'q2', '2061', 2, 1, 0), 'open');
  t.equal(tracker.add('N', 'q1', '2061', 2, 1, 0), 'open', 'another MN has its own bound');
  t.equal(tracker.add('M', 'q3', '2061', 2, 1, 0), 'open', 'a third set of M evicts its oldest');
  t.equal(tracker.size, 3);
  t.equal(tracker.add('M', 'q3', '2061', 2, 2, 0), 'complete');
  const early = tracker.expire(1);
  t.same(early.map((s) => [s.qn, s.evicted, s.missing]), [['q1', true, '2']]);
  t.same(tracker.expire(1000).map((s) => s.mn).sort(), ['M', 'N'], 'the rest expires by time');
  t.equal(tracker.size, 0);
});

t.test('archive recorder: masking, truncation, repeats, duplicates', async (t) => {
  const out: ArchivedFrame[] = [];
  const metrics = createMetrics({ defaults: false });
  const rec = new ArchiveRecorder((f) => out.push(f), { maxRawBytes: 64, junkRawBytes: 16, repeatWindowMs: 1000 }, metrics);
  const frame = Buffer.from('##0040QN=1;ST=32;CN=2011;PW=secret;MN=M;CP=&&&&ABCD\r\n');
  const meta = { receivedAt: 0, sourceIp: '1.2.3.4', mn: 'M', cn: '2011', verdict: 'bad-password' };
  rec.record(meta, frame);
  const first = Buffer.from(out[0]?.raw ?? []).toString('latin1');
  t.match(first, /PW=\*\*\*;/, 'masked');
  t.equal(out[0]?.size, undefined, 'short frames whole');
  for (let i = 1; i <= 5; i++) rec.record({ ...meta, receivedAt: i }, frame);
  t.equal(out.length, 1, 'repeats within the window are counted');
  rec.sweep(2000);
  t.match(out[1], { verdict: 'bad-password', repeats: 5 }, 'one summary when the window ends');
  t.equal(out[1]?.raw.length, 0, 'the summary holds no raw bytes');
  rec.record({ ...meta, receivedAt: 3000, verdict: 'HJ_ERR_CRC' }, Buffer.alloc(100, 0x41));
  t.match(out[2], { verdict: 'HJ_ERR_CRC', size: 100 });
  t.equal(Buffer.from(out[2]?.raw ?? []).length, 16, 'junk cut to its limit');
  rec.record({ ...meta, receivedAt: 3000 }, Buffer.alloc(100, 0x42));
  t.equal(Buffer.from(out[3]?.raw ?? []).length, 64, 'parsed frames cut to theirs');
  rec.record({ ...meta, receivedAt: 3000, verdict: 'duplicate' }, frame);
  t.match(out[4], { verdict: 'duplicate', size: frame.length });
  t.equal(out[4]?.raw.length, 0, 'a retransmit keeps no raw bytes');
  rec.sweep(Number.POSITIVE_INFINITY);
  t.equal(out.length, 5, 'windows without repeats close silently');
});

t.test('archive recorder: stored frames are archived each time, without a repeat window', async (t) => {
  const out: ArchivedFrame[] = [];
  const rec = new ArchiveRecorder((f) => out.push(f), { maxRawBytes: 64, junkRawBytes: 16, repeatWindowMs: 1000 }, createMetrics({ defaults: false }));
  const frame = Buffer.from('##0040QN=1;ST=32;CN=2011;PW=secret;MN=M;CP=&&&&ABCD\r\n');
  // Stored twice: the retransmit check let it through again (its store was unavailable); both writes are archived.
  rec.record({ receivedAt: 0, sourceIp: '1.2.3.4', mn: 'M', cn: '2011', verdict: 'stored' }, frame);
  rec.record({ receivedAt: 1, sourceIp: '1.2.3.4', mn: 'M', cn: '2011', verdict: 'stored-partial' }, frame);
  t.equal(out.length, 2);
  t.ok(out.every((f) => /PW=\*\*\*;/.test(Buffer.from(f.raw).toString('latin1'))), 'masked');
  rec.sweep(Number.POSITIVE_INFINITY);
  t.equal(out.length, 2, 'no window, no summary');
});

t.test('factor gate: malformed unknown codes never reach the budget', async (t) => {
  const { FactorGate } = await import('../../src/server/upload-limits.js');
  const { createMemoryFactorBudget } = await import('../fakes/memory-stores.js');
  const { newDevice } = await import('../../src/domain/device-defaults.js');
  const { createLogger } = await import('../../src/log.js');
  const { defaultLimits } = await import('../../src/config.js');
  const budget = createMemoryFactorBudget({ maxUnknown: 2 });
  const gate = new FactorGate(budget, defaultLimits().storageLimits, createMetrics({ defaults: false }), createLogger('silent'));
  const device = newDevice({ mn: '33010600000001W0000000UT', password: '123456' });
  const codes = ['w01018', 'x'.repeat(17), 'a b', 'ok_1', 'ok.2', 'over'];
  const r = await gate.filter(device, codes.map((code) => ({ code, valid: true })), 0);
  t.same(r.kept.map((k) => k.code), ['w01018', 'ok_1', 'ok.2'], 'table code and the first two well-formed unknown codes');
  t.equal(r.dropped, 3);
  t.same((await budget.unknown(device.mn)).codes, ['ok.2', 'ok_1'], 'malformed codes took no budget');
});
