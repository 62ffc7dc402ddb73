/** zod schemas of the account routes (/auth/*, /users): user names, passwords within their byte bounds, accounts as shown. */
import { z } from 'zod';
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_BYTES, USERNAME_PATTERN } from '../domain/accounts.js';
import { roleSchema } from './schemas.js';

export const usernameSchema = z.string().regex(USERNAME_PATTERN, 'a user name: a letter or digit, then up to 63 letters, digits, `_`, `.`, `@` or `-`');

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** A new password: PASSWORD_MIN_BYTES to PASSWORD_MAX_BYTES UTF-8 bytes. */
export const newPasswordSchema = z
  .string()
  .max(PASSWORD_MAX_BYTES)
  .refine((s) => bytes(s) >= PASSWORD_MIN_BYTES, `at least ${PASSWORD_MIN_BYTES} bytes`)
  .refine((s) => bytes(s) <= PASSWORD_MAX_BYTES, `at most ${PASSWORD_MAX_BYTES} bytes`)
  .describe(`${PASSWORD_MIN_BYTES} to ${PASSWORD_MAX_BYTES} bytes (UTF-8)`);

/** A password being checked: bounded so an oversized one costs no hashing, otherwise anything. */
export const givenPasswordSchema = z
  .string()
  .min(1)
  .max(PASSWORD_MAX_BYTES)
  .refine((s) => bytes(s) <= PASSWORD_MAX_BYTES, `at most ${PASSWORD_MAX_BYTES} bytes`);

export const userSchema = z
  .object({
    username: z.string(),
    role: roleSchema,
    enterpriseId: z.string().optional(),
    main: z.boolean().describe('enterprise main account: manages the sub-accounts of its enterprise'),
    createdBy: z.string().describe('principal that created it: `user:<name>`, a token id, or `cli`'),
    createdAt: z.string(),
    disabledAt: z.string().optional().describe('present while the account is disabled'),
    passwordChangedAt: z.string().optional(),
  })
  .meta({ id: 'User' });

/** What POST /auth/login and GET /auth/me answer. */
export const sessionSchema = z
  .object({
    user: z.object({ username: z.string(), role: roleSchema, enterpriseId: z.string().optional(), main: z.boolean() }),
    csrfToken: z.string().describe('send it in header X-CSRF-Token with every POST, PUT, PATCH and DELETE of this session'),
    expiresAt: z.string().describe('when the session ends unless used again (idle expiry, or the absolute one if sooner), ISO 8601 UTC'),
  })
  .meta({ id: 'Session' });
