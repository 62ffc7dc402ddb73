/**
 * The console's one way to the API: same-origin fetch with the session cookie, the CSRF header on unsafe methods
 * (console contract), JSON in and out, and every failure as an {@link ApiError} built from the API's problem document
 * (src/api/error-handler.ts: `{ type, title, status, code, detail?, errors?: [{ location, path, message }] }`).
 */

/** One field problem as the API lists it (`path` is a JSON pointer into `location`). */
export interface FieldProblem {
  location: string;
  path: string;
  message: string;
}

/** A failed API call. `fieldErrors` maps a form field name (pointer without the leading `/`, `.`-joined) to its message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string | undefined;
  readonly fieldErrors: Readonly<Record<string, string>>;
  readonly retryAfter: number | undefined;

  constructor(init: { status: number; code: string; title: string; detail?: string; fieldErrors?: Record<string, string>; retryAfter?: number }) {
    super(init.detail === undefined ? init.title : `${init.title}: ${init.detail}`);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.fieldErrors = init.fieldErrors ?? {};
    this.retryAfter = init.retryAfter;
  }
}

/** `/uploads/0/kind` → `uploads.0.kind`; the root pointer `/` (or empty) → `` (a form-level error). */
export function fieldNameOf(pointer: string): string {
  return pointer
    .split('/')
    .filter((p) => p !== '')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/**
 * Turn an answer's status and parsed body into an ApiError. Bodies that are not problem documents (a proxy's HTML
 * page, nothing at all) still give a usable error: code `HTTP_<status>`.
 */
export function problemToError(status: number, body: unknown, retryAfterHeader?: string | null): ApiError {
  const doc = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const code = typeof doc.code === 'string' ? doc.code : `HTTP_${status}`;
  const title = typeof doc.title === 'string' ? doc.title : `HTTP ${status}`;
  const detail = typeof doc.detail === 'string' ? doc.detail : undefined;
  const fieldErrors: Record<string, string> = {};
  if (Array.isArray(doc.errors)) {
    for (const e of doc.errors as unknown[]) {
      if (e === null || typeof e !== 'object') continue;
      const { path, message } = e as Partial<FieldProblem>;
      if (typeof path !== 'string' || typeof message !== 'string') continue;
      const name = fieldNameOf(path);
      // The first problem of a field is the one shown.
      if (!(name in fieldErrors)) fieldErrors[name] = message;
    }
  }
  const seconds = retryAfterHeader ? Number(retryAfterHeader) : NaN;
  return new ApiError({ status, code, title, ...(detail === undefined ? {} : { detail }), fieldErrors, ...(Number.isFinite(seconds) ? { retryAfter: seconds } : {}) });
}

export type QueryValue = string | number | boolean | undefined | null;

/** `path?k=v&…` skipping empty values (undefined, null, ''), so filter forms can pass their state as is. */
export function withQuery(path: string, query?: Readonly<Record<string, QueryValue | readonly QueryValue[]>>): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v === undefined || v === null || v === '') continue;
      params.append(key, String(v));
    }
  }
  const qs = params.toString();
  return qs === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${qs}`;
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** An API client; the console uses the one {@link api}, tests make their own with a fake fetch. */
export function createApi(options: { fetch?: Fetch; base?: string } = {}) {
  let csrfToken: string | undefined;
  let onUnauthenticated: (() => void) | undefined;
  const base = options.base ?? '';

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (UNSAFE.has(method) && csrfToken !== undefined) headers['x-csrf-token'] = csrfToken;
    const doFetch = options.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init));
    let res: Response;
    try {
      res = await doFetch(base + path, { method, headers, credentials: 'same-origin', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch {
      throw new ApiError({ status: 0, code: 'NETWORK', title: 'network error' });
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (!res.ok) {
      const err = problemToError(res.status, parsed, res.headers.get('retry-after'));
      if (res.status === 401 && !path.startsWith('/auth/login')) onUnauthenticated?.();
      throw err;
    }
    return parsed as T;
  }

  return {
    get: <T>(path: string, query?: Parameters<typeof withQuery>[1]) => request<T>('GET', withQuery(path, query)),
    post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
    put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {}),
    patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body ?? {}),
    del: <T>(path: string) => request<T>('DELETE', path),
    /** Remember the session's CSRF token (from POST /auth/login or GET /auth/me). */
    setCsrfToken(token: string | undefined) {
      csrfToken = token;
    },
    /** Called when any call answers 401 (the session ended): the shell shows the sign-in screen. */
    onUnauthenticated(handler: (() => void) | undefined) {
      onUnauthenticated = handler;
    },
  };
}

export type Api = ReturnType<typeof createApi>;

/** The console's client. */
export const api = createApi();

/** The signed-in user as /auth/login and /auth/me answer it (console contract). */
export interface SessionUser {
  username: string;
  role: Role;
  enterpriseId?: string;
  main: boolean;
}

export interface Session {
  user: SessionUser;
  csrfToken: string;
  expiresAt: string;
}

/** Roles of the platform (src/domain/catalog.ts ROLES). */
export const ROLES = ['admin', 'ops', 'enterprise', 'regulator', 'reader'] as const;
export type Role = (typeof ROLES)[number];
