/**
 * The web console (web/, built by `npm run build` into dist/console) served by the API process: `GET /` answers
 * index.html, `GET /assets/*` the hashed files Vite wrote. Files are read once when the API is built and kept in
 * memory (a plant's network has no CDN; the console must work offline), bounded by {@link CONSOLE_MAX_BYTES} and
 * {@link CONSOLE_MAX_FILES} so a wrong directory cannot fill the heap. Only names present in that in-memory table are
 * answered, so no request path ever reaches the file system (no traversal by construction).
 *
 * Public routes: the page itself holds nothing secret; every API call it makes is authenticated. Hidden from the
 * OpenAPI document (they are not part of the API).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from '../log.js';
import { AppError } from '../errors.js';
import { problemOf } from './error-handler.js';

/** Total bytes of dist/console loaded at most (the built console is about 1 MB). */
export const CONSOLE_MAX_BYTES = 32 * 1024 * 1024;
/** Files of dist/console/assets loaded at most. */
export const CONSOLE_MAX_FILES = 1_000;

/** Where `npm run build` writes the console, relative to this module (dist/src/api/console.js). */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../console/', import.meta.url));

/**
 * Content Security Policy of the console: everything from this origin only. No 'unsafe-inline' styles: Preact and
 * ECharts' canvas renderer set styles through the CSSOM, which CSP does not restrict; the chart tooltips use
 * ECharts' richText mode (no HTML with style attributes).
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface ConsoleFile {
  body: Buffer;
  type: string;
}

/** The loaded console: index.html and the assets by file name. */
export interface ConsoleBundle {
  index: ConsoleFile;
  assets: Map<string, ConsoleFile>;
  bytes: number;
}

/** Read dist/console into memory; undefined when it has no index.html. Throws when it exceeds the bounds. */
export function loadConsole(dir: string): ConsoleBundle | undefined {
  let index: Buffer;
  try {
    index = readFileSync(join(dir, 'index.html'));
  } catch {
    return undefined;
  }
  let bytes = index.length;
  const assets = new Map<string, ConsoleFile>();
  const assetDir = join(dir, 'assets');
  let names: string[] = [];
  try {
    names = readdirSync(assetDir);
  } catch {
    // A console without assets (hand-made or partial): index.html alone.
  }
  for (const name of names) {
    const path = join(assetDir, name);
    if (!statSync(path).isFile()) continue;
    if (assets.size >= CONSOLE_MAX_FILES) throw new Error(`console directory ${dir} holds more than ${CONSOLE_MAX_FILES} assets`);
    const body = readFileSync(path);
    bytes += body.length;
    if (bytes > CONSOLE_MAX_BYTES) throw new Error(`console directory ${dir} holds more than ${CONSOLE_MAX_BYTES} bytes`);
    assets.set(name, { body, type: TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream' });
  }
  return { index: { body: index, type: TYPES['.html']! }, assets, bytes };
}

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer');
}

/** Register `GET /` and `GET /assets/*` (HEAD too) serving the console from `dir`. */
export function registerConsole(app: FastifyInstance, dir: string, logger?: Logger): void {
  const bundle = loadConsole(dir);
  if (bundle) logger?.info({ dir, files: bundle.assets.size + 1, bytes: bundle.bytes }, 'web console loaded');
  else logger?.warn({ dir }, 'web console not built (no index.html): GET / answers 503; run npm run build');

  const hidden = { hide: true } as Record<string, unknown>;
  app.get('/', { config: { public: true }, schema: hidden }, async (req, reply) => {
    if (!bundle) {
      return reply.code(503).header('cache-control', 'no-store').type('application/problem+json; charset=utf-8').send(problemOf('APP_ERR_CONSOLE_NOT_BUILT', { instance: '/' }));
    }
    // index.html names the hashed assets of this build: always revalidate it so an upgrade is picked up.
    return secure(reply).header('cache-control', 'no-cache').type(bundle.index.type).send(bundle.index.body);
  });
  app.get('/assets/*', { config: { public: true }, schema: hidden }, async (req, reply) => {
    const name = (req.params as Record<string, string>)['*'] ?? '';
    const file = bundle?.assets.get(name);
    if (!file) throw new AppError('APP_ERR_ROUTE_NOT_FOUND', `${req.method} /assets/${name}`);
    // Vite names every asset by its content hash: a name never changes meaning.
    return secure(reply).header('cache-control', 'public, max-age=31536000, immutable').type(file.type).send(file.body);
  });
}
