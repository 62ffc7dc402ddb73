/** The one 404 of the API: `APP_ERR_NOT_FOUND` with `what` (e.g. `site <id>`) as the problem's detail. */
import { AppError } from '../errors.js';

/** The 404 error for `what`. */
export function notFound(what: string): AppError {
  return new AppError('APP_ERR_NOT_FOUND', what);
}

/** `value`, or a 404 for `what` when there is none. */
export function found<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw notFound(what);
  return value;
}
