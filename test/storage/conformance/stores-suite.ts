/** DedupeStore, LatestStore and FrameArchive conformance, run against the in-memory and the Redis versions. */
import fc from 'fast-check';
import type { ArchivedFrame, DedupeStore, FrameArchive, LatestEntry, LatestStore } from '../../../src/domain/ports.js';
import type { Tap } from './tap-types.js';

export interface StoreFactories {
  dedupe(ttlSeconds: number): Promise<DedupeStore>;
  latest(): Promise<LatestStore>;
  archive(maxLength: number): Promise<FrameArchive>;
}

function entry(mn: string, kind: string, factor: string, timeMs: number, rtd: string): LatestEntry {
  return { mn, kind, factor, timeMs, values: { rtd } };
}

function dedupeSuite(t: Tap, factory: StoreFactories['dedupe']): void {
  t.test('dedupe: remembers keys and answers with the subset seen', async (tt) => {
    const store = await factory(3600);
    tt.same(await store.seen([]), new Set());
    tt.same(await store.seen(['a', 'b']), new Set());
    await store.remember(['a', 'c']);
    await store.remember([]);
    tt.same(await store.seen(['a', 'b', 'c', 'd']), new Set(['a', 'c']));
  });

  t.test('dedupe: marks are kept per owner and stream and only ever raised', async (tt) => {
    const store = await factory(3600);
    tt.same(await store.marks(['M1', 'M2']), new Map());
    await store.remember(['M1|k1'], [{ owner: 'M1', stream: '2051', mark: 2000 }, { owner: 'M1', stream: '2011', mark: 5 }]);
    await store.remember([], [{ owner: 'M1', stream: '2051', mark: 1000 }, { owner: 'M2', stream: '2051', mark: 7 }]);
    tt.same(
      await store.marks(['M1', 'M2', 'M3']),
      new Map([
        ['M1', new Map([['2051', 2000], ['2011', 5]])],
        ['M2', new Map([['2051', 7]])],
      ]),
    );
    tt.same(await store.seen(['M1|k1', 'M2|k1']), new Set(['M1|k1']));
  });
}

function latestSuite(t: Tap, factory: StoreFactories['latest']): void {
  t.test('latest: newer or equal time replaces, older is ignored, per mn + kind + factor', async (tt) => {
    const store = await factory();
    await store.update([entry('M1', 'minute', 'a21026', 2000, '1'), entry('M1', 'hour', 'a21026', 1000, 'h')]);
    await store.update([entry('M1', 'minute', 'a21026', 1000, 'old')]);
    tt.same(await store.get('M1'), [entry('M1', 'hour', 'a21026', 1000, 'h'), entry('M1', 'minute', 'a21026', 2000, '1')]);
    await store.update([entry('M1', 'minute', 'a21026', 2000, 'resent'), entry('M1', 'minute', 'a34004', 500, 'x')]);
    tt.same((await store.get('M1')).map((e) => e.values.rtd), ['h', 'resent', 'x']);
    tt.same(await store.get('M2'), []);
  });

  t.test('latest: any order of updates ends at the greatest time (property)', async (tt) => {
    const store = await factory();
    let run = 0;
    const update = fc.record({ factor: fc.constantFrom('a', 'b'), timeMs: fc.integer({ min: 0, max: 2e12 }), rtd: fc.string({ maxLength: 4 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(update, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }), async (batches) => {
        const mn = `P${run++}`;
        const best = new Map<string, number>();
        for (const batch of batches) {
          await store.update(batch.map((u) => entry(mn, 'rt', u.factor, u.timeMs, u.rtd)));
          for (const u of batch) best.set(u.factor, Math.max(best.get(u.factor) ?? -1, u.timeMs));
        }
        const got = await store.get(mn);
        tt.same(Object.fromEntries(got.map((e) => [e.factor, e.timeMs])), Object.fromEntries(best));
      }),
      { numRuns: 40 },
    );
  });
}

function frame(i: number, extra: Partial<ArchivedFrame> = {}): ArchivedFrame {
  return { receivedAt: 1_700_000_000_000 + i, sourceIp: '10.1.1.1', verdict: 'ok', raw: Buffer.from(`##frame${i}`), ...extra };
}

function archiveSuite(t: Tap, factory: StoreFactories['archive']): void {
  t.test('archive: recent() is newest first, limited, and keeps absent fields absent', async (tt) => {
    const archive = await factory(1000);
    tt.same(await archive.recent(5), []);
    await archive.append([frame(1, { mn: 'M1', cn: '2011' }), frame(2, { verdict: 'bad-crc', code: 'HJ_ERR_CRC' })]);
    await archive.append([]);
    await archive.append([frame(3)]);
    tt.same(await archive.recent(2), [frame(3), frame(2, { verdict: 'bad-crc', code: 'HJ_ERR_CRC' })]);
    tt.same(await archive.recent(10), [frame(3), frame(2, { verdict: 'bad-crc', code: 'HJ_ERR_CRC' }), frame(1, { mn: 'M1', cn: '2011' })]);
    tt.same(await archive.recent(0), []);
  });

  t.test('archive: retention is bounded near maxLength', async (tt) => {
    const archive = await factory(10);
    for (let i = 0; i < 20; i++) await archive.append(Array.from({ length: 50 }, (_, j) => frame(i * 50 + j)));
    const kept = await archive.recent(10_000);
    // Redis trims approximately (whole stream nodes of 100 entries); never below the maximum.
    tt.ok(kept.length >= 10 && kept.length <= 10 + 100, `kept ${kept.length}`);
    tt.same(kept[0], frame(999));
  });
}

/** All three store suites. */
export function storesSuite(t: Tap, factories: StoreFactories): void {
  dedupeSuite(t, factories.dedupe);
  latestSuite(t, factories.latest);
  archiveSuite(t, factories.archive);
}
