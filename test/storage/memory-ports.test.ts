/** The port conformance suites against the in-memory implementations, plus the fakes' own controls. */
import t from 'tap';
import { SinkError } from '../../src/domain/ports.js';
import { createMemoryRegistry } from '../fakes/memory-registry.js';
import { createMemorySink } from '../fakes/memory-sink.js';
import { createMemoryArchive, createMemoryDedupe, createMemoryLatest } from '../fakes/memory-stores.js';
import { registrySuite } from './conformance/registry-suite.js';
import { sinkSuite } from './conformance/sink-suite.js';
import { storesSuite } from './conformance/stores-suite.js';

t.test('memory registry', async (tt) => registrySuite(tt, async (options) => createMemoryRegistry(options)));

t.test('memory stores', async (tt) =>
  storesSuite(tt, {
    dedupe: async (ttlSeconds) => createMemoryDedupe({ ttlSeconds }),
    latest: async () => createMemoryLatest(),
    archive: async (maxLength) => createMemoryArchive({ maxLength }),
  }),
);

t.test('memory sink', async (tt) =>
  sinkSuite(tt, async () => {
    const sink = createMemorySink();
    return { sink, stored: async (m) => sink.points.filter((p) => p.measurement === m).length };
  }),
);

const point = (i: number) => ({ measurement: 'm', tags: {}, fields: { v: i }, timeMs: i });

t.test('memory dedupe forgets keys after the TTL, by the injected clock', async (tt) => {
  let now = 0;
  const store = createMemoryDedupe({ ttlSeconds: 10, clock: { now: () => now } });
  await store.remember(['k']);
  now = 9_999;
  tt.same(await store.seen(['k']), new Set(['k']));
  now = 10_000;
  tt.same(await store.seen(['k']), new Set());
});

t.test('memory sink: paused writes stay pending and saturate; resume makes them durable and drains', async (tt) => {
  const sink = createMemorySink({ maxPending: 3 });
  let drained = 0;
  sink.onDrain(() => drained++);
  sink.pause();
  let settled = false;
  const write = sink.write([point(1), point(2), point(3), point(4)]).then(() => (settled = true));
  await Promise.resolve();
  tt.equal(settled, false);
  tt.equal(sink.pending, 4);
  tt.equal(sink.saturated, true);
  sink.resume();
  await write;
  tt.equal(sink.saturated, false);
  tt.equal(drained, 1);
  tt.equal(sink.points.length, 4);
});

t.test('memory sink: refused writes reject as permanent and store nothing', async (tt) => {
  const sink = createMemorySink();
  sink.refuseWhen((points) => points.some((p) => p.fields.v === 2));
  const err = await sink.write([point(2)]).catch((e: unknown) => e);
  tt.ok(err instanceof SinkError && err.permanent, 'SinkError(permanent)');
  sink.refuseWhen(undefined);
  await sink.write([point(2)]);
  tt.equal(sink.points.length, 1);
});
