#!/usr/bin/env node
/**
 * `hj212-sim`: HJ212 collector simulator and load tester. Progress lines go to stderr, the JSON summary to stdout.
 * Exit codes: 0 run finished with the whole fleet connected, 1 run failed or the fleet was short (connections
 * refused), 2 usage or scenario error. The process exits after the summary. See docs/simulator.md.
 */
import { createFleet, type Progress } from '../sim/fleet.js';
import { parseScenario, scenarioSchema } from '../sim/scenario.js';
import { inFlagWords, SIM_FLAGS, simFlagOf } from './cli-wording.js';
import { USAGE, parseSimArgs } from './sim-args.js';
import { registerFleet } from './sim-register.js';

function progressLine(p: Progress): string {
  return `[hj212-sim] ${p.elapsedS}s rate=${p.uploadsPerS}/s acked=${p.acked} rejected=${p.rejected} timeouts=${p.timeouts} errors=${p.errors} open=${p.open} ack p50=${p.p50}ms p99=${p.p99}ms\n`;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  let fleet;
  try {
    parsed = await parseSimArgs(argv);
    if (parsed.extras.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const checked = scenarioSchema.safeParse(parsed.scenario);
    if (!checked.success) {
      // Name the flag the user typed (--duration), with the scenario key for values that came from a file.
      const lines = checked.error.issues.map((i) => `  - ${simFlagOf(i.path)}: ${inFlagWords(i.message, SIM_FLAGS, i.path.length === 0)}`);
      throw new Error(`invalid options:\n${lines.join('\n')}`);
    }
    fleet = createFleet(parseScenario(checked.data));
  } catch (err) {
    process.stderr.write(`hj212-sim: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { extras } = parsed;
  if (extras.register) {
    const r = await registerFleet(fleet.identities, extras.register, extras.redisPrefix, extras.overwrite);
    const kept = r.kept > 0 ? `; ${r.kept} already registered, kept unchanged (--overwrite replaces them)` : '';
    const over = r.overwritten > 0 ? `; ${r.overwritten} existing overwritten` : '';
    process.stderr.write(`[hj212-sim] registered ${r.created} devices under ${extras.redisPrefix}${over}${kept}\n`);
  }
  const running = fleet;
  const interrupt = (): void => void running.stop();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const summary = await fleet.run((p) => process.stderr.write(progressLine(p)));
  const short = summary.connected < summary.collectors;
  process.stderr.write(`[hj212-sim] connected ${summary.connected} of ${summary.collectors} collectors; refused connections ${summary.refused}, errors ${summary.errors}\n`);
  if (short) {
    process.stderr.write(
      '[hj212-sim] fleet short: the gateway refused connections. A gateway admits at most HJ212_MAX_CONNECTIONS_PER_IP connections per source address: spread the fleet with --local-addresses N (127.0.0.1..N) or raise the cap on a test gateway (docs/simulator.md)\n',
    );
  }
  process.stdout.write(extras.json ? `${JSON.stringify(summary)}\n` : `${JSON.stringify(summary, null, 2)}\n`);
  return short ? 1 : 0;
}

/** Exit once stdout and stderr are flushed: a straggling socket or timer must never keep a finished run alive. */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(exit, (err: unknown) => {
  process.stderr.write(`hj212-sim: ${(err as Error).stack ?? String(err)}\n`);
  exit(1);
});
