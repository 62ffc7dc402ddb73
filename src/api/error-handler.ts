/**
 * The one place errors become HTTP answers: RFC 7807 problem documents (`application/problem+json`) carrying an
 * APP_ERR_* code from src/errors.ts. Validation failures list every field problem; 5xx answers say only the code's
 * fixed message (the cause is logged); no answer ever holds a stack trace.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { APP_ERRORS, AppError, type AppErrorCode } from '../errors.js';
import { InfluxQueryError } from '../storage/influx/errors.js';

/** One field problem of a 400 APP_ERR_VALIDATION answer. */
export interface FieldProblem {
  /** body, querystring, params or headers. */
  location: string;
  /** JSON pointer into that part, e.g. `/uploads/0/kind`. */
  path: string;
  message: string;
}

/** The problem document as sent. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: AppErrorCode;
  detail?: string;
  instance?: string;
  errors?: FieldProblem[];
  checks?: Record<string, 'up' | 'down'>;
}

/** Build a problem document for a code. `detail` is dropped for 5xx so internals never leak. */
export function problemOf(code: AppErrorCode, extra: Omit<Problem, 'type' | 'title' | 'status' | 'code'> = {}): Problem {
  const def = APP_ERRORS[code];
  const problem: Problem = { type: `urn:hj212:error:${code}`, title: def.message, status: def.status, code, ...extra };
  if (def.status >= 500) delete problem.detail;
  return problem;
}

/** Code for an error fastify or a plugin raised itself (bad JSON, body too large, wrong content type...). */
function codeOfStatus(status: number): AppErrorCode {
  if (status === 404) return 'APP_ERR_ROUTE_NOT_FOUND';
  if (status === 413) return 'APP_ERR_BODY_TOO_LARGE';
  if (status === 415) return 'APP_ERR_UNSUPPORTED_MEDIA_TYPE';
  if (status === 429) return 'APP_ERR_RATE_LIMITED';
  return status >= 400 && status < 500 ? 'APP_ERR_BAD_REQUEST' : 'APP_ERR_INTERNAL';
}

function toProblem(err: FastifyError | Error, instance: string): Problem {
  if (err instanceof AppError) return problemOf(err.code, { detail: err.detail, instance, ...(err.errors ? { errors: [...err.errors] } : {}) });
  if (hasZodFastifySchemaValidationErrors(err)) {
    const location = err.validationContext ?? 'body';
    const errors = err.validation.map((v) => ({ location, path: v.instancePath || '/', message: v.message ?? 'invalid' }));
    return problemOf('APP_ERR_VALIDATION', { detail: errors.map((e) => `${e.location}${e.path}: ${e.message}`).join('; '), instance, errors });
  }
  if (err instanceof InfluxQueryError) return problemOf('APP_ERR_STORAGE_UNAVAILABLE', { instance });
  const status = (err as FastifyError).statusCode;
  // Fastify's own 4xx messages describe the request (e.g. "Body cannot be empty..."), never server internals.
  if (typeof status === 'number' && status >= 400 && status < 500) return problemOf(codeOfStatus(status), { detail: err.message, instance });
  return problemOf('APP_ERR_INTERNAL', { instance });
}

/** Fastify error handler. */
export function handleError(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = toProblem(err, req.url.split('?')[0] ?? req.url);
  if (problem.status >= 500) req.log.error({ err }, 'request failed');
  else req.log.debug({ code: problem.code, detail: problem.detail }, 'request rejected');
  return reply.code(problem.status).type('application/problem+json; charset=utf-8').send(problem);
}

/** Not-found handler: unknown routes get the same problem format. */
export function handleNotFound(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return handleError(new AppError('APP_ERR_ROUTE_NOT_FOUND', `${req.method} ${req.url.split('?')[0] ?? ''}`), req, reply);
}
