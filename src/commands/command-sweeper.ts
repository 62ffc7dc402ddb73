/**
 * The worker loop that resends and times out reverse-control commands (reverse-control.ts `sweepCommands`). Several
 * workers may run: one holds the `commands` lease and sweeps, so a command is resent by one process only.
 */
import type { CheckState } from '../domain/ledgers.js';
import { sweepCommands, type ReverseControlDeps } from './reverse-control.js';

const LEASE = 'commands';

export interface CommandSweeperOptions {
  state: Pick<CheckState, 'lease' | 'release'>;
  owner: string;
  leaseMs: number;
  pollMs: number;
}

/** Sweep every `pollMs` while holding the lease; errors are reported and the loop goes on. */
export function startCommandSweeper(deps: ReverseControlDeps, opts: CommandSweeperOptions, onError: (err: unknown) => void): { close(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = (): void => {
    running = (async () => {
      if (!(await opts.state.lease(LEASE, opts.owner, opts.leaseMs))) return 0;
      return sweepCommands(deps);
    })().then(
      (n) => schedule(n >= 100 ? 0 : opts.pollMs),
      (err: unknown) => {
        onError(err);
        schedule(opts.pollMs);
      },
    );
  };
  const schedule = (ms: number): void => {
    if (!stopped) timer = setTimeout(tick, ms);
  };
  schedule(0);
  return {
    async close() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await opts.state.release(LEASE, opts.owner);
    },
  };
}
