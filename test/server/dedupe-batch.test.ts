/**
 * Batched retransmit checks: lookups of one I/O phase share one store call, stored keys count as seen before the
 * store has them, a failed lookup means "store again", and registry changes still force a password check.
 */
import t from 'tap';
import { parseFrame, encodeFrame, uploadPacket, type ParseOk } from '../../protocol/index.js';
import { newDevice, withPassword } from '../../src/domain/device-defaults.js';
import type { DedupeStore } from '../../src/domain/ports.js';
import { createLogger } from '../../src/log.js';
import { admit } from '../../src/server/authenticate.js';
import { DedupeBatch } from '../../src/server/dedupe-batch.js';
import { createMemoryDedupe } from '../fakes/memory-stores.js';

const logger = createLogger('silent');

function counting(store: DedupeStore): DedupeStore & { seenCalls: string[][]; rememberCalls: string[][] } {
  const seenCalls: string[][] = [];
  const rememberCalls: string[][] = [];
  return {
    seenCalls,
    rememberCalls,
    seen: (keys) => (seenCalls.push([...keys]), store.seen(keys)),
    remember: (keys) => (rememberCalls.push([...keys]), store.remember(keys)),
  };
}

t.test('lookups made in one tick go out as one store call and each gets its own answer', async (t) => {
  const store = counting(createMemoryDedupe({ ttlSeconds: 60 }));
  await store.remember(['old']);
  const batch = new DedupeBatch(store, logger);
  const answers = await Promise.all([batch.seen(['a', 'b']), batch.seen(['old']), batch.seen(['c'])]);
  t.same(answers, [false, true, false]);
  t.same(store.seenCalls, [['a', 'b', 'old', 'c']], 'one call with every key');
});

t.test('a stored frame is a duplicate before its remember has reached the store', async (t) => {
  let release: () => void = () => undefined;
  const slow: DedupeStore = {
    seen: async () => new Set(),
    remember: () => new Promise<void>((resolve) => (release = resolve)),
  };
  const batch = new DedupeBatch(slow, logger);
  batch.remember(['k1', 'q1']);
  const flushed = batch.flush();
  t.equal(await batch.seen(['k1']), true, 'content key known from memory');
  t.equal(await batch.seen(['x', 'q1']), true, 'any key of the frame counts');
  t.equal(await batch.seen(['other']), false);
  release();
  await flushed;
  t.equal(await batch.seen(['k1']), false, 'after the remember landed the store answers (this one forgets)');
});

t.test('remembers are batched into one store call', async (t) => {
  const store = counting(createMemoryDedupe({ ttlSeconds: 60 }));
  const batch = new DedupeBatch(store, logger);
  batch.remember(['a', 'qa']);
  batch.remember(['b']);
  await batch.flush();
  t.same(store.rememberCalls, [['a', 'qa', 'b']]);
  t.same([...(await store.seen(['a', 'qa', 'b', 'c']))].sort(), ['a', 'b', 'qa']);
});

t.test('a failed lookup answers "not seen" (store again; InfluxDB overwrites the same point)', async (t) => {
  const broken: DedupeStore = { seen: async () => Promise.reject(new Error('redis down')), remember: async () => undefined };
  const batch = new DedupeBatch(broken, logger);
  t.same(await Promise.all([batch.seen(['a']), batch.seen(['b'])]), [false, false]);
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
