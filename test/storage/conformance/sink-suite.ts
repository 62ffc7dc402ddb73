/** ReadingSink conformance for the in-memory fake and the InfluxDB writers. */
import { SinkError, type ReadingSink } from '../../../src/domain/ports.js';
import type { SeriesPoint } from '../../../src/domain/series-point.js';
import type { Tap } from './tap-types.js';
import { readCp } from '../../../protocol/index.js';

export interface SinkUnderTest {
  sink: ReadingSink;
  /**
   * How many points of the measurement are durable in the backing store. `expected` lets eventually-consistent
   * stores (VictoriaMetrics indexes new series after a moment) poll until it is reached, within a deadline.
   */
  stored(measurement: string, expected: number): Promise<number>;
}

function points(measurement: string, n: number, base = 1_700_000_000_000): SeriesPoint[] {
  return Array.from({ length: n }, (_, i) => ({ measurement, tags: { mn: 'M1', factor: `f${i}` }, fields: { rtd: i + 0.5 }, timeMs: base + i }));
}

/** `prefix` keeps measurement names apart in stores that outlive the test run. */
export function sinkSuite(t: Tap, factory: () => Promise<SinkUnderTest>, prefix = ''): void {
  t.test('sink: a resolved write is durable and no longer pending', async (tt) => {
    const { sink, stored } = await factory();
    const writes = [sink.write(points(`${prefix}conf_a`, 3)), sink.write(points(`${prefix}conf_a`, 2, 1_700_000_100_000))];
    tt.equal(sink.pending, 5);
    await Promise.all(writes);
    tt.equal(sink.pending, 0);
    tt.equal(sink.saturated, false);
    tt.equal(await stored(`${prefix}conf_a`, 5), 5);
    await sink.close();
  });

  t.test('sink: an empty write resolves; a write after close rejects as not permanent', async (tt) => {
    const { sink } = await factory();
    await sink.write([]);
    await sink.close();
    const err = await sink.write(points(`${prefix}conf_b`, 1)).then(
      () => undefined,
      (e: unknown) => e,
    );
    tt.ok(err instanceof SinkError && !err.permanent, 'rejected with a transient SinkError');
  });

  t.test('sink: writeUpload stores one point per factor', async (tt) => {
    const { sink, stored } = await factory();
    const wire = { DataTime: '20240101000000', 'a21026-Rtd': '1.5', 'a21026-Flag': 'N', 'a34004-Rtd': '2' };
    const upload = { kind: `${prefix}conf_u`, mn: 'M1', st: '32', cn: '2011', timeMs: 1_700_000_000_000, cp: readCp(wire, { timeZone: 'UTC' }), wire };
    const write = new Promise<Error | undefined>((resolve) => sink.writeUpload(upload, resolve));
    tt.equal(sink.pending, 2);
    tt.equal(await write, undefined, 'done without an error once durable');
    tt.equal(await stored(`${prefix}conf_u`, 2), 2);
    await sink.close();
  });

  t.test('sink: close waits for accepted points to become durable', async (tt) => {
    const { sink, stored } = await factory();
    const write = sink.write(points(`${prefix}conf_c`, 4));
    await sink.close();
    tt.equal(sink.pending, 0);
    tt.equal(await stored(`${prefix}conf_c`, 4), 4);
    await write;
  });
}
