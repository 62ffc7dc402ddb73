#!/usr/bin/env node
/**
 * `hj212-sim`: HJ212 collector simulator and load tester. Progress lines go to stderr, the JSON summary to stdout.
 * Exit codes: 0 run finished, 1 run failed, 2 usage or scenario error. See docs/simulator.md.
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
    const n = await registerFleet(fleet.identities, extras.register, extras.redisPrefix);
    process.stderr.write(`[hj212-sim] registered ${n} devices under ${extras.redisPrefix}\n`);
  }
  const running = fleet;
  const interrupt = (): void => void running.stop();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const summary = await fleet.run((p) => process.stderr.write(progressLine(p)));
  process.stdout.write(extras.json ? `${JSON.stringify(summary)}\n` : `${JSON.stringify(summary, null, 2)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`hj212-sim: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
