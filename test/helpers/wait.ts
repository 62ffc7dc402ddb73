/** Poll a condition until it holds; the deadline is a failure bound, not a synchronisation. */
import { setTimeout as delay } from 'node:timers/promises';

export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await delay(20);
  }
}
