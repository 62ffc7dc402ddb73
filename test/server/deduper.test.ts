/**
 * The deduper: a retransmit of a recent frame is answered from memory, a frame above the collector's mark needs no
 * store lookup, one below it is looked up (all lookups of one I/O phase in one call), marks and keys reach the store
 * in one call per batch, a restarted gateway (new deduper, same store) still recognises a retransmit, and a failed
 * lookup means "store again". Also: registry changes still force a password check.
 */
import t from 'tap';
import { parseFrame, encodeFrame, uploadPacket, type Packet, type ParseOk } from '../../protocol/index.js';
import { newDevice, withPassword } from '../../src/domain/device-defaults.js';
import type { DedupeStore } from '../../src/domain/ports.js';
import { createLogger } from '../../src/log.js';
import { admit } from '../../src/server/authenticate.js';
import { Deduper } from '../../src/server/deduper.js';
import { frameIdentity, identityKey } from '../../src/server/frame-identity.js';
import { createMemoryDedupe } from '../fakes/memory-stores.js';

const logger = createLogger('silent');
const MN = 'DEDUPE0000000000000001';

function counting(store: DedupeStore): DedupeStore & { seenCalls: string[][]; rememberCalls: string[][]; markCalls: string[][] } {
  const seenCalls: string[][] = [];
  const rememberCalls: string[][] = [];
  const markCalls: string[][] = [];
  return {
    seenCalls,
    rememberCalls,
    markCalls,
    seen: (keys) => (seenCalls.push([...keys]), store.seen(keys)),
    remember: (keys, marks) => (rememberCalls.push([...keys]), store.remember(keys, marks)),
    marks: (owners) => (markCalls.push([...owners]), store.marks(owners)),
  };
}

function frame(dataTime: string, qn: string, rtd = '1.5'): { packet: Packet; raw: Buffer } {
  const raw = Buffer.from(encodeFrame(uploadPacket({ st: '32', pw: '123456', mn: MN, qn }, '2051', { dataTime, factors: [{ code: 'a21026', avg: rtd }] })));
  const parsed = parseFrame(raw);
  if (!parsed.ok) throw new Error('test frame does not parse');
  return { packet: parsed.packet, raw };
}

type Outcome = 'stored' | 'duplicate' | 'refused';
const fate = (o: Outcome): 'stored' | 'not-stored' => (o === 'stored' ? 'stored' : 'not-stored');

function runner(dedupe: Deduper): { writes: string[]; run(f: { packet: Packet; raw: Buffer }, outcome?: Outcome): Promise<Outcome> } {
  const writes: string[] = [];
  return {
    writes,
    run: (f, outcome = 'stored') =>
      new Promise<Outcome>((resolve) =>
        dedupe.run(
          MN,
          f.packet,
          f.raw,
          (done) => {
            writes.push(f.packet.cp.DataTime ?? '');
            // Settled on a later tick, like a real write: a retransmit meanwhile joins it.
            void Promise.resolve().then(() => done(outcome));
          },
          fate,
          'duplicate' as Outcome,
          resolve,
        ),
      ),
  };
}

t.test('identity: a fresh QN is the same frame, other values or another DataTime are not', async (t) => {
  const a = frameIdentity(frame('20240401080000', '20240401080000100').packet, frame('20240401080000', '20240401080000100').raw);
  const b = frameIdentity(frame('20240401080000', '20240401080005999').packet, frame('20240401080000', '20240401080005999').raw);
  const c = frameIdentity(frame('20240401080000', '20240401080000100', '1.6').packet, frame('20240401080000', '20240401080000100', '1.6').raw);
  const d = frameIdentity(frame('20240401080100', '20240401080000100').packet, frame('20240401080100', '20240401080000100').raw);
  t.equal(identityKey(a), identityKey(b));
  t.not(identityKey(a), identityKey(c));
  t.not(identityKey(a), identityKey(d));
  t.ok(identityKey(a).length < 32, `compact key ${identityKey(a)}`);
  t.equal(d.mark! - a.mark!, 60_000, 'marks keep the order and distance of DataTimes');
});

t.test('in-order frames need no store lookup; a retransmit is answered from memory', async (t) => {
  const store = counting(createMemoryDedupe({ ttlSeconds: 600 }));
  const dedupe = new Deduper(store, logger);
  const r = runner(dedupe);
  const first = frame('20240401080000', '20240401080000100');
  t.same(await Promise.all([r.run(first), r.run(first)]), ['stored', 'duplicate'], 'a retransmit during the write waits for it');
  t.equal(await r.run(frame('20240401080100', '20240401080100100')), 'stored');
  t.equal(await r.run(first), 'duplicate', 'retransmit of a stored frame');
  t.same(r.writes, ['20240401080000', '20240401080100']);
  t.same(store.seenCalls, [], 'no lookup: every frame was above the mark or in memory');
  t.same(store.markCalls, [[MN]], 'marks loaded once');
  await dedupe.flush();
  const firstMark = frameIdentity(first.packet, first.raw).mark!;
  t.same(await store.marks([MN]), new Map([[MN, new Map([['2051', firstMark + 15 * 60_000]])]]), 'a ceiling ahead of the first frame, stored once');
  t.equal(store.rememberCalls.length, 1);
});

t.test('a restarted gateway still recognises a retransmit (marks and keys from the store)', async (t) => {
  const store = counting(createMemoryDedupe({ ttlSeconds: 600 }));
  const before = new Deduper(store, logger);
  const f1 = frame('20240401080000', '20240401080000100');
  const f2 = frame('20240401080100', '20240401080100100');
  await runner(before).run(f1);
  await runner(before).run(f2);
  await before.flush();
  const after = new Deduper(store, logger);
  const r = runner(after);
  t.same(await Promise.all([r.run(f1), r.run(f2), r.run(frame('20240401080200', '20240401080200100'))]), ['duplicate', 'duplicate', 'stored']);
  t.same(r.writes, ['20240401080200'], 'only the new frame written');
  t.equal(store.seenCalls.length, 1, 'frames below the stored ceiling looked up in one call');
  t.equal(store.seenCalls[0]?.length, 3);
});

t.test('after a restart, frames below the stored ceiling are looked up, frames above it are not', async (t) => {
  const store = counting(createMemoryDedupe({ ttlSeconds: 600 }));
  const before = new Deduper(store, logger);
  await runner(before).run(frame('20240401080000', '20240401080000100'));
  await before.flush();
  const r = runner(new Deduper(store, logger));
  t.equal(await r.run(frame('20240401080500', '20240401080500100')), 'stored', 'below the ceiling: looked up, new');
  t.equal(await r.run(frame('20240401090000', '20240401090000100')), 'stored', 'above the ceiling');
  t.equal(store.seenCalls.length, 1, 'one lookup');
});

t.test('a frame not stored (refused) is tried again and raises no mark', async (t) => {
  const store = counting(createMemoryDedupe({ ttlSeconds: 600 }));
  const dedupe = new Deduper(store, logger);
  const r = runner(dedupe);
  const future = frame('20990101000000', '20990101000000100');
  t.equal(await r.run(future, 'refused'), 'refused');
  t.equal(await r.run(future, 'refused'), 'refused', 'tried again');
  t.equal(await r.run(frame('20240401080000', '20240401080000100')), 'stored');
  t.same(store.seenCalls, [], 'the refused DataTime did not raise the mark');
  await dedupe.flush();
  t.same(store.rememberCalls.flat().length, 1, 'only the stored frame remembered');
});

t.test('after release the marks are loaded again (the collector may have uploaded elsewhere)', async (t) => {
  const store = counting(createMemoryDedupe({ ttlSeconds: 600 }));
  const dedupe = new Deduper(store, logger);
  const elsewhere = new Deduper(store, logger);
  const f1 = frame('20240401080000', '20240401080000100');
  const f2 = frame('20240401080100', '20240401080100100');
  await runner(dedupe).run(f1);
  dedupe.release(MN);
  await runner(elsewhere).run(f2);
  await elsewhere.flush();
  const r = runner(dedupe);
  t.equal(await r.run(f2), 'duplicate', 'stored by the other gateway');
  t.same(r.writes, []);
});

t.test('a failed lookup answers "not seen" (store again; InfluxDB overwrites the same point)', async (t) => {
  const broken: DedupeStore = {
    seen: async () => Promise.reject(new Error('redis down')),
    remember: async () => undefined,
    marks: async () => Promise.reject(new Error('redis down')),
  };
  const r = runner(new Deduper(broken, logger));
  t.same(await Promise.all([r.run(frame('20240401080000', '20240401080000100')), r.run(frame('20240401080100', '20240401080100100'))]), ['stored', 'stored']);
});

t.test('marks prefetched while the device record is read serve the first frame: one marks call, same answers', async (t) => {
  const store = counting(createMemoryDedupe({ ttlSeconds: 600 }));
  const before = new Deduper(store, logger);
  const f1 = frame('20240401080000', '20240401080000100');
  await runner(before).run(f1);
  await before.flush();
  store.markCalls.length = 0;
  const after = new Deduper(store, logger);
  after.prefetch(MN);
  after.prefetch(MN);
  const r = runner(after);
  t.same(await Promise.all([r.run(f1), r.run(frame('20240401090000', '20240401090000100'))]), ['duplicate', 'stored']);
  t.same(store.markCalls, [[MN]], 'the prefetch was the only marks call');
});

t.test('a prefetch older than 5 s, or one that failed, is not used: the marks are loaded again', async (t) => {
  let now = 1_000_000;
  let failing = true;
  const memory = createMemoryDedupe({ ttlSeconds: 600 });
  const store = counting({ ...memory, marks: (owners) => (failing ? ((failing = false), Promise.reject(new Error('redis down'))) : memory.marks(owners)) });
  const failed = new Deduper(store, logger, () => now);
  failed.prefetch(MN);
  t.equal(await runner(failed).run(frame('20240401080000', '20240401080000100')), 'stored');
  t.equal(store.markCalls.length, 2, 'failed prefetch, then a load');
  const stale = new Deduper(store, logger, () => now);
  stale.prefetch(MN);
  await new Promise((resolve) => setImmediate(resolve));
  now += 5_001;
  t.equal(await runner(stale).run(frame('20240401080100', '20240401080100100')), 'stored');
  t.equal(store.markCalls.length, 4, 'stale prefetch not used, loaded again');
});

t.test('prefetches are bounded: past 10,000 MNs the held ones are dropped (senders of unknown MNs cannot grow it)', async (t) => {
  const store = counting(createMemoryDedupe({ ttlSeconds: 600 }));
  const dedupe = new Deduper(store, logger);
  dedupe.prefetch(MN);
  for (let i = 0; i < 10_000; i++) dedupe.prefetch(`UNKNOWN${String(i).padStart(7, '0')}`);
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(store.markCalls.length, 1, 'asked in one call');
  t.equal(await runner(dedupe).run(frame('20240401080000', '20240401080000100')), 'stored');
  t.same(store.markCalls.at(-1), [MN], 'the dropped prefetch is loaded again');
});

t.test('the password is checked again when the device record or the password changes', async (t) => {
  const mn = '33010600000001W00000003C';
  const frame = (pw: string): ParseOk => {
    const parsed = parseFrame(encodeFrame(uploadPacket({ st: '32', pw, mn, qn: '20240401080000100' }, '2011', { dataTime: '20240401000000', factors: [] })));
    if (!parsed.ok) throw new Error('test frame does not parse');
    return parsed;
  };
  const device = newDevice({ mn, password: '654321' });
  t.equal(admit(frame('654321'), device).ok, true);
  t.equal(admit(frame('000000'), device, { device, password: '654321' }).ok, false, 'another password is verified');
  const changed = withPassword(device, '111111');
  t.equal(admit(frame('654321'), changed, { device, password: '654321' }).ok, false, 'a new record is verified');
  t.equal(admit(frame('111111'), changed, { device, password: '654321' }).ok, true);
});
