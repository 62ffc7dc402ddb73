/** Following a command's ledger entry until it is final (GET /commands/:id), as the 9011/9012 outcome arrives. */
import type { Api } from '../api.js';
import type { Command } from '../api-types.js';

/**
 * Poll `GET /commands/:id` every `intervalMs` until the entry is final, calling `onUpdate` with each new state;
 * stops early when `signal` aborts. Resolves with the last entry seen.
 */
export async function followCommand(api: Pick<Api, 'get'>, first: Command, onUpdate: (c: Command) => void, options: { intervalMs?: number; signal?: AbortSignal; wait?: (ms: number, signal?: AbortSignal) => Promise<void> } = {}): Promise<Command> {
  const wait =
    options.wait ??
    ((ms: number, signal?: AbortSignal) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      }));
  let current = first;
  while (!current.final && !options.signal?.aborted) {
    await wait(options.intervalMs ?? 1500, options.signal);
    if (options.signal?.aborted) break;
    const next = await api.get<Command>(`/commands/${encodeURIComponent(current.id)}`);
    if (next.state !== current.state || next.final !== current.final || next.attempts !== current.attempts) onUpdate(next);
    current = next;
  }
  return current;
}
