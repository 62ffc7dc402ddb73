/** Prometheus exposition. Needs a token like every data route: scrape with `authorization: credentials_file`. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteOptions } from '../deps.js';
import { errorResponses } from '../schemas.js';
import { OPERATORS } from '../role-sets.js';

export const metricsRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  const { registry } = deps.metrics;
  app.get(
    '/metrics',
    {
      config: { roles: OPERATORS },
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (text exposition format)',
        response: { 200: { content: { [registry.contentType]: { schema: z.string() } } }, ...errorResponses },
      },
    },
    async (_req, reply) => {
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    },
  );
};
