/** The APP_ERR_* table (fastify test/internals/errors.test.js): codes unique, well-formed and documented. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { APP_ERRORS, AppError, type AppErrorCode } from '../src/errors.js';

const entries = Object.entries(APP_ERRORS);

t.test('every key equals its code and codes are unique', async (tt) => {
  for (const [key, def] of entries) tt.equal(def.code, key, `${key} names itself`);
  const codes = entries.map(([, def]) => def.code);
  tt.equal(new Set(codes).size, codes.length, 'no code twice');
  for (const code of codes) tt.match(code, /^APP_ERR_[A-Z_]+$/);
});

t.test('statuses are HTTP error statuses and messages are distinct', async (tt) => {
  for (const [key, def] of entries) tt.ok(def.status >= 400 && def.status <= 599, `${key}: ${def.status}`);
  const messages = entries.map(([, def]) => def.message);
  tt.equal(new Set(messages).size, messages.length, 'no two codes share a message');
});

t.test('AppError carries code, status and detail', async (tt) => {
  const err = new AppError('APP_ERR_NOT_FOUND', 'site x');
  tt.equal(err.code, 'APP_ERR_NOT_FOUND');
  tt.equal(err.status, 404);
  tt.equal(err.detail, 'site x');
  tt.equal(err.message, 'no such resource: site x');
  tt.equal(new AppError('APP_ERR_INTERNAL').message, 'internal error');
});

t.test('docs/api.md lists every code with its status', async (tt) => {
  const doc = readFileSync(fileURLToPath(new URL('../../docs/api.md', import.meta.url)), 'utf8');
  for (const [key, def] of entries) tt.match(doc, new RegExp(`\\| \`${key}\` \\| ${def.status} \\|`), `${key as AppErrorCode} documented`);
});
