/** The audit trail: every change made through the API or the token CLI, newest first, with before/after. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AUDIT_ENTITY_TYPES } from '../../domain/catalog.js';
import type { RouteOptions } from '../deps.js';
import { auditEntrySchema, errorResponses } from '../schemas.js';
import { OVERSEERS } from '../role-sets.js';
import { notFound } from '../not-found.js';

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z
    .string()
    .regex(/^\d{1,20}-\d{1,20}$/, 'an entry id from a previous page')
    .optional()
    .describe('return entries older than this entry id'),
});
const entityParams = z.object({ type: z.enum(AUDIT_ENTITY_TYPES), id: z.string().min(1).max(300) });
const pageSchema = z.object({ entries: z.array(auditEntrySchema), nextBefore: z.string().optional().describe('pass as `before` for the next page') });

/** The `before` value of the next page, when the page was full. */
function nextBefore(entries: ReadonlyArray<{ id: string }>, limit: number): string | undefined {
  return entries.length === limit ? entries[entries.length - 1]?.id : undefined;
}

export const auditRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  const tags = ['audit'];
  const roles = OVERSEERS;

  app.get(
    '/audit',
    {
      config: { roles },
      schema: { tags, summary: 'Recent changes of all entities (bounded view; per-entity trails are complete)', querystring: pageQuery, response: { 200: pageSchema, ...errorResponses } },
    },
    async (req) => {
      const entries = await deps.audit.list(req.query);
      return { entries, nextBefore: nextBefore(entries, req.query.limit) };
    },
  );

  app.get(
    '/audit/:type/:id',
    {
      config: { roles },
      schema: { tags, summary: 'Complete change history of one entity', params: entityParams, querystring: pageQuery, response: { 200: pageSchema, ...errorResponses } },
    },
    async (req) => {
      const entries = await deps.audit.list({ entity: req.params, ...req.query });
      if (entries.length === 0 && req.query.before === undefined) throw notFound(`no audit trail for ${req.params.type} ${req.params.id}`);
      return { entries, nextBefore: nextBefore(entries, req.query.limit) };
    },
  );
};
