/**
 * The application's error table (fastify `lib/errors.js` style): one entry per code with its HTTP status and a fixed
 * message. The API maps every error to one of these in one place (src/api/error-handler.ts); docs/api.md lists them,
 * and test/errors.test.ts checks that codes are unique and documented.
 */

/** One row of the table. `message` is the RFC 7807 `title`: fixed per code, never built from user input. */
export interface AppErrorDefinition {
  readonly code: string;
  readonly status: number;
  readonly message: string;
}

function define<const C extends string>(code: C, status: number, message: string): { code: C; status: number; message: string } {
  return { code, status, message };
}

/** Every application error code. Keys equal the `code` of their entry. */
export const APP_ERRORS = {
  APP_ERR_VALIDATION: define('APP_ERR_VALIDATION', 400, 'request does not match the schema'),
  APP_ERR_BAD_REQUEST: define('APP_ERR_BAD_REQUEST', 400, 'malformed request'),
  APP_ERR_INVALID_MN: define('APP_ERR_INVALID_MN', 400, 'MN is not acceptable'),
  APP_ERR_UNKNOWN_FACTOR: define('APP_ERR_UNKNOWN_FACTOR', 400, 'factor code is not in the factor table'),
  APP_ERR_INVALID_RANGE: define('APP_ERR_INVALID_RANGE', 400, 'lower bound is above upper bound'),
  APP_ERR_COMMAND_UNSUPPORTED: define('APP_ERR_COMMAND_UNSUPPORTED', 400, "command is not defined in the collector's HJ 212 edition"),
  APP_ERR_INVALID_CURSOR: define('APP_ERR_INVALID_CURSOR', 400, 'cursor is malformed or belongs to another query'),
  APP_ERR_UNAUTHENTICATED: define('APP_ERR_UNAUTHENTICATED', 401, 'missing or invalid bearer token or session'),
  APP_ERR_FORBIDDEN: define('APP_ERR_FORBIDDEN', 403, 'this token or account may not do that'),
  APP_ERR_CSRF: define('APP_ERR_CSRF', 403, 'missing or wrong X-CSRF-Token for a signed-in session'),
  APP_ERR_WRONG_PASSWORD: define('APP_ERR_WRONG_PASSWORD', 403, 'the current password is wrong'),
  APP_ERR_NOT_FOUND: define('APP_ERR_NOT_FOUND', 404, 'no such resource'),
  APP_ERR_ROUTE_NOT_FOUND: define('APP_ERR_ROUTE_NOT_FOUND', 404, 'no such route'),
  APP_ERR_CONFLICT: define('APP_ERR_CONFLICT', 409, 'conflicts with an existing resource'),
  APP_ERR_BODY_TOO_LARGE: define('APP_ERR_BODY_TOO_LARGE', 413, 'request body too large'),
  APP_ERR_UNSUPPORTED_MEDIA_TYPE: define('APP_ERR_UNSUPPORTED_MEDIA_TYPE', 415, 'unsupported content type'),
  APP_ERR_RATE_LIMITED: define('APP_ERR_RATE_LIMITED', 429, 'too many failed authentication attempts'),
  APP_ERR_INTERNAL: define('APP_ERR_INTERNAL', 500, 'internal error'),
  APP_ERR_STORAGE_UNAVAILABLE: define('APP_ERR_STORAGE_UNAVAILABLE', 503, 'storage unavailable'),
  APP_ERR_NOT_READY: define('APP_ERR_NOT_READY', 503, 'a dependency is not reachable'),
  APP_ERR_CONSOLE_NOT_BUILT: define('APP_ERR_CONSOLE_NOT_BUILT', 503, 'the web console is not built: run npm run build'),
  APP_ERR_BUSY: define('APP_ERR_BUSY', 503, 'too many sign-ins at once, retry shortly'),
} as const;

/** Union of the application error codes. */
export type AppErrorCode = keyof typeof APP_ERRORS;

/**
 * An expected failure with a code from {@link APP_ERRORS}. `detail` explains this occurrence (shown to clients for
 * 4xx only); `errors` lists field problems for validation failures.
 */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly status: number;
  readonly detail?: string;
  /** Field problems (location, JSON pointer, message) of a 4xx answer, as APP_ERR_VALIDATION lists them. */
  readonly errors?: ReadonlyArray<{ location: string; path: string; message: string }>;

  constructor(code: AppErrorCode, detail?: string, options?: { cause?: unknown; errors?: ReadonlyArray<{ location: string; path: string; message: string }> }) {
    const def = APP_ERRORS[code];
    super(detail === undefined ? def.message : `${def.message}: ${detail}`, options);
    this.name = 'AppError';
    this.code = code;
    this.status = def.status;
    this.detail = detail;
    if (options?.errors) this.errors = options.errors;
  }
}

