/** Liveness and readiness, the only routes without a token (load balancers and orchestrators call them). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteOptions } from '../deps.js';
import { problemOf } from '../error-handler.js';
import { errorResponses } from '../schemas.js';

/** Each probe gets this long before it counts as down, so /ready answers even when a dependency hangs. */
const PROBE_TIMEOUT_MS = 2_000;

async function probe(check: () => Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/health',
    {
      config: { public: true },
      schema: { tags: ['operations'], summary: 'The process is up', response: { 200: z.object({ status: z.literal('ok') }), ...errorResponses } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      config: { public: true },
      schema: {
        tags: ['operations'],
        summary: 'InfluxDB and Redis are reachable',
        description: '503 with a problem document (code APP_ERR_NOT_READY) when any dependency is down.',
        response: { 200: z.object({ status: z.literal('ready'), checks: z.record(z.string(), z.enum(['up', 'down'])) }), ...errorResponses },
      },
    },
    async (_req, reply) => {
      const results = await Promise.all(deps.probes.map(async (p) => [p.name, (await probe(() => p.check())) ? 'up' : 'down'] as const));
      const checks = Object.fromEntries(results);
      if (results.some(([, state]) => state === 'down')) {
        return reply.code(503).type('application/problem+json; charset=utf-8').send(problemOf('APP_ERR_NOT_READY', { checks, instance: '/ready' }));
      }
      return { status: 'ready' as const, checks };
    },
  );
};
