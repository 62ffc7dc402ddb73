/**
 * `HJ212_BENCH_TRACE=1`: the gateway child writes one line to stderr every 500 ms, to see where ack latency comes
 * from during a run (queueing in the InfluxDB writer, a blocked event loop, paused sockets, CPU starvation):
 *   TRACE t=12.5 conns=5000 cpu%=43 eld.max=105 gc.minor=12 gc.major=0 buffered=25002 paused=0/0 writes=9 write.ms=41 acks=3332 >100ms=3332 >250ms=... >1s=483
 * cpu% is the process's CPU over the interval (100 = one core), eld.max the longest event-loop delay (ms), gc.minor
 * and gc.major the milliseconds of scavenge and of old-generation pauses,
 * buffered the points accepted and not yet durable, writes the InfluxDB writes in the interval and write.ms their mean
 * latency, acks the 9014s sent in the interval and how many of them took
 * longer than 100 ms / 250 ms / 500 ms / 1 s from receipt (hj212_ack_latency_seconds, the gateway's side).
 */
import { PerformanceObserver, constants, monitorEventLoopDelay, type PerformanceEntry } from 'node:perf_hooks';
import type { Metrics } from '../../src/metrics.js';

type Sample = Array<{ labels: Record<string, unknown>; value: number }>;
const EVERY_MS = 500;

export function startTrace(metrics: Metrics, connections: () => number): void {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const t0 = Date.now();
  let cpu = process.cpuUsage();
  let before = new Map<string, number>();
  // Garbage collection pauses in the interval: scavenges (young generation) and the rest (old generation).
  const gc = { minor: 0, major: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as Array<PerformanceEntry & { detail?: { kind?: number } }>) {
      if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) gc.minor += e.duration;
      else gc.major += e.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  const values = async (name: string): Promise<Sample> => ((await metrics.registry.getSingleMetric(name)?.get())?.values ?? []) as Sample;
  setInterval(() => {
    const used = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    const head = `TRACE t=${((Date.now() - t0) / 1000).toFixed(1)} conns=${connections()} cpu%=${Math.round((used.user + used.system) / (EVERY_MS * 10))} eld.max=${Math.round(delay.max / 1e6)} gc.minor=${Math.round(gc.minor)} gc.major=${Math.round(gc.major)}`;
    delay.reset();
    gc.minor = 0;
    gc.major = 0;
    void Promise.all([values('hj212_buffered_points'), values('hj212_sockets_paused'), values('hj212_ack_latency_seconds'), values('hj212_influx_batch_seconds')]).then(([buffered, paused, latency, writes]) => {
      const now = new Map<string, number>();
      for (const v of latency) if (v.labels.le !== undefined) now.set(String(v.labels.le), v.value);
      // InfluxDB writes in the interval: how many, and their mean latency (sum and count of the histogram).
      const total = (name: string): number => (writes as Array<{ metricName?: string; value: number }>).find((v) => v.metricName === name)?.value ?? 0;
      now.set('writes', total('hj212_influx_batch_seconds_count'));
      now.set('writeSeconds', total('hj212_influx_batch_seconds_sum'));
      const d = (le: string): number => (now.get(le) ?? 0) - (before.get(le) ?? 0);
      const acks = d('+Inf');
      const over = ['0.1', '0.25', '0.5', '1'].map((le, i) => `>${['100ms', '250ms', '500ms', '1s'][i]}=${acks - d(le)}`).join(' ');
      const w = d('writes');
      const writeMs = w > 0 ? Math.round((d('writeSeconds') * 1000) / w) : 0;
      process.stderr.write(`${head} buffered=${buffered[0]?.value ?? 0} paused=${paused.map((v) => v.value).join('/')} writes=${w} write.ms=${writeMs} acks=${acks} ${over}\n`);
      before = now;
    });
  }, EVERY_MS).unref();
}
