/** hj212-sim as a child process: a short bounded run against the real gateway, its JSON summary, its refusals. */
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { runScript, type ChildResult } from '../helpers/child.js';
import { startTestGateway } from '../helpers/gateway.js';

const CLI = fileURLToPath(new URL('../../src/cli/hj212-sim.js', import.meta.url));

const sim = (args: string[]): Promise<ChildResult> => runScript(CLI, args);

t.test('registers its fleet, runs a bounded virtual-time run, prints a JSON summary', async (tt) => {
  const gw = await startTestGateway({ HJ212_INFLUX_FLUSH_MS: '10' });
  tt.teardown(() => gw.close());
  const args = ['--port', String(gw.port), '--collectors', '3', '--count', '4', '--ack', '--speed', 'max', '--start', '2024-01-01T00:00:00+08:00', '--version', '2025', '--profile', 'air', '--mn-prefix', 'CLI', '--register', gw.config.redis.url, '--redis-prefix', gw.config.redis.prefix, '--json', '--progress', '0.05'];
  const { code, stdout, stderr } = await sim(args);
  tt.equal(code, 0, 'exit code 0');
  const summary = JSON.parse(stdout) as Record<string, unknown>;
  tt.match(summary, { collectors: 3, uploads: 12, acked: 12, rejected: 0, timeouts: 0, connectionsOpen: 3 });
  tt.notOk('ackLatencyAfterWarmupMs' in summary, 'no warm-up, no second latency');
  tt.match(stderr, /registered 3 devices/);
  tt.match(stderr, /rate=\d+\/s acked=\d+ rejected=\d+ .* p99=[\d.]+ms/, 'progress lines on stderr');
  const rows = await gw.rows('realtime', 'CLI000000000000000000000');
  tt.ok(rows.some((r) => r.factor === 'a21026' && typeof r.zs_rtd === 'number'), 'air profile with ZsRtd stored');
});

t.test('--warmup: the acks of uploads sent after it are also summarised on their own', async (tt) => {
  const gw = await startTestGateway({ HJ212_INFLUX_FLUSH_MS: '10' });
  tt.teardown(() => gw.close());
  // Real time, 2 collectors phased half a second apart, one realtime upload a second each for 3 s: uploads are sent
  // both in the first second after connecting (warm-up) and after it.
  const args = ['--port', String(gw.port), '--collectors', '2', '--duration', '3', '--realtime-interval', '1', '--minute-interval', '0', '--no-hour', '--no-day', '--ack', '--warmup', '1', '--mn-prefix', 'WRM', '--register', gw.config.redis.url, '--redis-prefix', gw.config.redis.prefix, '--json', '--progress', '0'];
  const { code, stdout } = await sim(args);
  tt.equal(code, 0, 'exit code 0');
  const summary = JSON.parse(stdout) as { acked: number; ackLatencyMs: { samples: number }; ackLatencyAfterWarmupMs?: { samples: number; p99: number } };
  tt.equal(summary.ackLatencyMs.samples, summary.acked, 'every ack sampled once in the run');
  const after = summary.ackLatencyAfterWarmupMs;
  tt.ok(after && after.samples > 0 && after.samples < summary.ackLatencyMs.samples, `after warm-up: ${after?.samples} of ${summary.ackLatencyMs.samples} samples`);
  tt.ok(after && after.p99 > 0, 'with its own quantiles');
});

t.test('refuses a non-loopback target without --allow-remote, and unknown flags', async (tt) => {
  const remote = await sim(['--host', '10.1.2.3', '--count', '1']);
  tt.equal(remote.code, 2);
  tt.match(remote.stderr, /--allow-remote/);
  const typo = await sim(['--colectors', '2', '--count', '1']);
  tt.equal(typo.code, 2);
  const unbounded = await sim(['--collectors', '1']);
  tt.equal(unbounded.code, 2);
  tt.match(unbounded.stderr, /--duration or --count/, 'names the flags, not the scenario keys');
  const bad = await sim(['--collectors', '0', '--over-time=-1', '--fault', 'badCrc=2', '--warmup=-1', '--count', '1']);
  tt.equal(bad.code, 2);
  tt.match(bad.stderr, /--collectors \(collectors\): Too small/);
  tt.match(bad.stderr, /--over-time \(overTimeS\): Too small/);
  tt.match(bad.stderr, /--fault badCrc: Too big/);
  tt.match(bad.stderr, /--warmup \(warmupS\): Too small/);
});
