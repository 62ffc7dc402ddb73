/**
 * Reads collectors' answers (9011 / 9012) from the gateway's reply stream and hands them to the re-pull logic.
 * Several workers may run: one holds a lease and reads; the cursor is stored in Redis after each batch, so a
 * restart resumes where the last reader stopped (a reply handled twice changes nothing: the request's state moved on).
 */
import type { CheckState } from '../domain/ledgers.js';
import type { DeviceReply } from '../domain/ports.js';
import { startLeasedLoop } from '../domain/leased-loop.js';

/** The gateway's reply stream (src/storage/redis/command-bus.ts `readReplies`). */
export interface ReplySource {
  readReplies(afterId: string, count: number): Promise<Array<{ id: string; reply: DeviceReply }>>;
}

export interface ReplyReaderDeps {
  source: ReplySource;
  state: Pick<CheckState, 'cursor' | 'setCursor' | 'lease' | 'release'>;
  onReply(reply: DeviceReply): Promise<unknown>;
  /** This worker's id, the lease owner. */
  owner: string;
  leaseMs: number;
  batch?: number;
}

const CURSOR = 'replies';

/** Read and handle one batch if this worker holds the lease; resolves to the number of replies handled. */
export async function pumpReplies(deps: ReplyReaderDeps): Promise<number> {
  if (!(await deps.state.lease(CURSOR, deps.owner, deps.leaseMs))) return 0;
  const entries = await deps.source.readReplies((await deps.state.cursor(CURSOR)) ?? '0', deps.batch ?? 100);
  for (const { reply } of entries) await deps.onReply(reply);
  const last = entries[entries.length - 1];
  if (last) await deps.state.setCursor(CURSOR, last.id);
  return entries.length;
}

/**
 * Pump continuously: again at once after a full batch, otherwise after `pollMs`. Errors are reported and the loop
 * goes on. `close()` stops it after the batch in progress and gives the lease up.
 */
export function startReplyReader(deps: ReplyReaderDeps, pollMs: number, onError: (err: unknown) => void): { close(): Promise<void> } {
  return startLeasedLoop({ state: deps.state, lease: CURSOR, owner: deps.owner, pollMs, fullBatch: deps.batch ?? 100 }, () => pumpReplies(deps), onError);
}
