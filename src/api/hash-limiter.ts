/**
 * Bounds the password hashing (scrypt, 32 MiB and tens of milliseconds each) one API process does at once: at most
 * `concurrency` run, up to `queue` more wait, and beyond that a sign-in is refused at once with 503 APP_ERR_BUSY
 * instead of piling up memory and latency (SECURITY.md "Sign-in guessing"). HJ212_LOGIN_HASH_CONCURRENCY / _QUEUE.
 */
import { AppError } from '../errors.js';

/** Run `work` (one password hash or check) within the bounds; throws APP_ERR_BUSY when they are full. */
export type HashLimiter = <T>(work: () => Promise<T>) => Promise<T>;

export function createHashLimiter(options: { concurrency: number; queue: number }): HashLimiter {
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return async (work) => {
    if (running >= options.concurrency) {
      if (waiting.length >= options.queue) throw new AppError('APP_ERR_BUSY', 'password checks are queued to their limit');
      // The releasing call hands its slot over: `running` stays the same.
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else running++;
    try {
      return await work();
    } finally {
      release();
    }
  };
}
