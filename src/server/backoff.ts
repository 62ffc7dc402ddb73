/** The keyed backoff and window counter live in src/domain/backoff.ts (the API's sign-in lockout uses them too). */
export { Backoff, WindowCounter, type BackoffOptions } from '../domain/backoff.js';
