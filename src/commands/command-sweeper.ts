/**
 * The worker loop that resends and times out reverse-control commands (reverse-control.ts `sweepCommands`). Several
 * workers may run: one holds the `commands` lease and sweeps, so a command is resent by one process only.
 */
import type { CheckState } from '../domain/ledgers.js';
import { startLeasedLoop } from '../domain/leased-loop.js';
import { sweepCommands, type ReverseControlDeps } from './reverse-control.js';

const LEASE = 'commands';

export interface CommandSweeperOptions {
  state: Pick<CheckState, 'lease' | 'release'>;
  owner: string;
  leaseMs: number;
  pollMs: number;
}

/** Sweep every `pollMs` while holding the lease (again at once after 100 commands); errors are reported and the loop goes on. */
export function startCommandSweeper(deps: ReverseControlDeps, opts: CommandSweeperOptions, onError: (err: unknown) => void): { close(): Promise<void> } {
  const sweep = async (): Promise<number> => ((await opts.state.lease(LEASE, opts.owner, opts.leaseMs)) ? sweepCommands(deps) : 0);
  return startLeasedLoop({ state: opts.state, lease: LEASE, owner: opts.owner, pollMs: opts.pollMs, fullBatch: 100 }, sweep, onError);
}
