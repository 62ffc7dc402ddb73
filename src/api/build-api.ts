/**
 * The HTTP API as a Fastify instance that never listens by itself (fastify/demo `app.ts`): the composition root
 * calls `listen`, tests call `inject`. zod schemas validate input and serialize output and generate the OpenAPI
 * document at /docs/json (UI at /docs).
 */
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { TUNING } from '../config.js';
import type { Logger } from '../log.js';
import { registerAuth, type AuthFailureLimit } from './auth.js';
import { DEFAULT_CONSOLE_DIR, registerConsole } from './console.js';
import type { ApiDeps, RouteOptions } from './deps.js';
import { handleError, handleNotFound } from './error-handler.js';
import { BULK_MAX } from './ledger-bulk.js';
import { LIST_MAX_LIMIT } from './list-page.js';
import { createReadCache } from './read-cache.js';
import { createTokenCache } from './token-cache.js';
import { createTokenGuard } from './token-guard.js';
import { registerZoneTimes } from './zone-times.js';
import { pruneComponents, shapeOperation } from './openapi-shape.js';
import { anomalyRoutes } from './routes/anomalies.js';
import { auditRoutes } from './routes/audit.js';
import { backfillRoutes } from './routes/backfills.js';
import { collectorRoutes } from './routes/collectors.js';
import { commandRoutes } from './routes/commands.js';
import { frameRoutes } from './routes/frames.js';
import { enterpriseRoutes } from './routes/enterprises.js';
import { gapRoutes } from './routes/gaps.js';
import { healthRoutes } from './routes/health.js';
import { itemRoutes } from './routes/items.js';
import { monthlyLedgerRoutes } from './routes/monthly-ledger.js';
import { metricsRoutes } from './routes/metrics.js';
import { pendingRoutes } from './routes/pending.js';
import { pointRoutes } from './routes/points.js';
import { readingRoutes } from './routes/readings.js';
import { registrationRoutes } from './routes/registrations.js';
import { reviewRoutes } from './routes/reviews.js';
import { siteRoutes } from './routes/sites.js';
import { statusRoutes } from './routes/status.js';
import { tokenRoutes } from './routes/tokens.js';
import { accountRoutes } from './routes/accounts.js';

export type { ApiDeps, ReadinessProbe } from './deps.js';

/** Options of {@link buildApi}. */
export interface ApiOptions {
  /** Request body limit in bytes (HJ212_HTTP_BODY_LIMIT). */
  bodyLimit: number;
  /** Default zone for times in answers (HJ212_TIME_ZONE). */
  timeZone: string;
  /** Largest `limit` of a registry listing (HJ212_API_PAGE_MAX). Default 1000. */
  pageMax?: number;
  /** Entries one bulk explain / review call changes at most (HJ212_API_BULK_MAX). Default 1000. */
  bulkMax?: number;
  /** pino logger; none (silent) when absent. */
  logger?: Logger;
  /** Failed authentications allowed per client address. Default src/config.ts `TUNING.api.authFailures`. */
  authFailures?: AuthFailureLimit;
  /** Identical reading queries within this many ms share one InfluxDB query (src/api/read-cache.ts). Default `TUNING.api.readCacheMs`; 0 disables. */
  readCacheMs?: number;
  /** Verified tokens are trusted this long without a Redis lookup (src/api/token-cache.ts). Default `TUNING.api.tokenCacheMs`; 0 disables. */
  tokenCacheMs?: number;
  /** Directory of the built web console (src/api/console.ts); default dist/console; false serves no console. */
  consoleDir?: string | false;
  /** Clock of session expiry and sign-in lockouts, ms since the epoch; default Date.now (tests pass their own). */
  now?: () => number;
}

export const DOCS_PREFIX = '/docs';

async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'HJ 212 platform API',
        version: '1',
        description:
          'Registry for operations companies, time series for portals. Every route except /health, /ready and /auth/login needs a bearer token or the session cookie of a signed-in account; see docs/api.md.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      // Relative: the document is served by the API it describes; a client sets its base URL.
      servers: [{ url: '/', description: 'the API serving this document' }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'token from `hj212 token create` or POST /tokens' },
          sessionCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: 'hj212_session',
            description: 'session of a signed-in account (POST /auth/login); unsafe methods also need header X-CSRF-Token',
          },
        },
      },
    },
    // The UI's own routes are hidden by @fastify/swagger-ui; nothing else is skipped.
    transform: createJsonSchemaTransform({ skipList: [] }),
    transformObject: (input) => pruneComponents(jsonSchemaTransformObject(input) as Parameters<typeof pruneComponents>[0]) as ReturnType<typeof jsonSchemaTransformObject>,
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
}

/**
 * Build the API. Dependencies are ports; closing the app (`app.close()`, graceful: in-flight requests finish, new
 * ones get 503) does not close them, the caller owns them.
 */
export async function buildApi(deps: ApiDeps, options: ApiOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the instance's logger type the default one.
    loggerInstance: options.logger as FastifyBaseLogger | undefined,
    bodyLimit: options.bodyLimit,
    requestTimeout: TUNING.api.requestTimeoutMs,
    return503OnClosing: true,
    routerOptions: { maxParamLength: TUNING.api.maxParamLength },
    // Errors the router raises before any route runs (bad URL encoding, over-long path parameter) get the same
    // problem documents as everything else.
    frameworkErrors: handleError,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);

  const tokens = createTokenCache(createTokenGuard(deps.tokens, deps.catalog), { ttlMs: options.tokenCacheMs ?? TUNING.api.tokenCacheMs });
  const cachedDeps: ApiDeps = {
    ...deps,
    tokens,
    // Disabling an enterprise stops its tokens at once in this process (the cache would trust them for its TTL).
    catalog: {
      ...deps.catalog,
      async putEnterprise(enterprise) {
        await deps.catalog.putEnterprise(enterprise);
        if (!enterprise.enabled) tokens.forgetEnterprise(enterprise.id);
      },
    },
    readings: createReadCache(deps.readings, { ttlMs: options.readCacheMs ?? TUNING.api.readCacheMs }),
  };
  await app.register(rateLimit, { global: false });
  const now = options.now ?? Date.now;
  const accounts = deps.accounts && { users: deps.accounts.users, sessions: deps.accounts.sessions, catalog: deps.catalog, tokens: deps.tokens };
  registerAuth(app, cachedDeps.tokens, { docsPrefix: DOCS_PREFIX, failures: options.authFailures ?? TUNING.api.authFailures, accounts, now });
  // After registerAuth's hook (which marks the docs routes public): operationId and per-status problem responses.
  app.addHook('onRoute', (route) => shapeOperation(route, route.url === DOCS_PREFIX || route.url.startsWith(`${DOCS_PREFIX}/`)));
  app.addHook('onResponse', async (req, reply) => {
    deps.metrics.httpRequests.inc({ route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });

  await registerDocs(app);
  if (options.consoleDir !== false) registerConsole(app, options.consoleDir ?? DEFAULT_CONSOLE_DIR, options.logger);
  registerZoneTimes(app, options.timeZone);
  const routeOptions: RouteOptions = { deps: cachedDeps, timeZone: options.timeZone, pageMax: options.pageMax ?? LIST_MAX_LIMIT, bulkMax: options.bulkMax ?? BULK_MAX, now };
  const zodApp = app.withTypeProvider<ZodTypeProvider>();
  for (const routes of [healthRoutes, metricsRoutes, tokenRoutes, enterpriseRoutes, siteRoutes, pointRoutes, itemRoutes, collectorRoutes, pendingRoutes, statusRoutes, auditRoutes, readingRoutes]) {
    await zodApp.register(routes, routeOptions);
  }
  if (deps.ledgers) {
    for (const routes of [gapRoutes, anomalyRoutes, backfillRoutes, registrationRoutes, monthlyLedgerRoutes, reviewRoutes]) await zodApp.register(routes, routeOptions);
  }
  // Reverse control and the frame log; each registers nothing when its dependency is absent.
  await zodApp.register(commandRoutes, routeOptions);
  await zodApp.register(frameRoutes, routeOptions);
  // Accounts: sign-in, sessions and account management; nothing is registered without deps.accounts.
  await zodApp.register(accountRoutes, routeOptions);
  return app;
}
