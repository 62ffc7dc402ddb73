/**
 * A worker loop that several processes may run while one holds a lease (the reply reader, the command sweeper):
 * a step again at once after a full batch, otherwise after `pollMs`; errors are reported and the loop goes on;
 * `close()` stops it after the step in progress and gives the lease up, so another worker takes over at once.
 */
import type { CheckState } from './ledgers.js';

export interface LeasedLoopOptions {
  state: Pick<CheckState, 'release'>;
  /** Lease name; the step takes or renews it (CheckState.lease) before it works. */
  lease: string;
  owner: string;
  pollMs: number;
  /** A step that handled this many items or more runs again at once. */
  fullBatch: number;
}

/** Run `step` (resolving to how many items it handled) in a loop until closed. */
export function startLeasedLoop(opts: LeasedLoopOptions, step: () => Promise<number>, onError: (err: unknown) => void): { close(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = (): void => {
    running = step().then(
      (n) => schedule(n >= opts.fullBatch ? 0 : opts.pollMs),
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
      await opts.state.release(opts.lease, opts.owner);
    },
  };
}
