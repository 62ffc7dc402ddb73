/**
 * `HJ212_BENCH_ALLOC=<dir>`: the gateway child samples every allocation (V8's sampling heap profiler, one sample per
 * ~16 KB allocated, objects collected by the young- and old-generation GC included) and writes
 * `<dir>/alloc-<pid>.heapprofile` on quit. Garbage is 15–20 % of the gateway's CPU; this shows which functions make
 * it (Chrome DevTools opens the file; `node scripts/alloc-summary.mjs <file>` lists the top allocation sites).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

export interface AllocSampler {
  stop(): Promise<void>;
}

export function startAllocSampling(dir: string): AllocSampler {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
  const started = post('HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return {
    async stop() {
      await started;
      const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: unknown };
      writeFileSync(`${dir}/alloc-${process.pid}.heapprofile`, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
