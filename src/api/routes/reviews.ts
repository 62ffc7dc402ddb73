/**
 * Ledger work at scale: bulk explanation and bulk review of gaps and anomalies (a selection of ids or the filters of
 * a listing; each entry audited as by its single-entry route), and the regulator's review inbox
 * `GET /reviews?state=…` across gaps, anomalies, back-fills and registrations, longest waiting first.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteOptions } from '../deps.js';
import { ledgerDepsOf } from '../ledger-access.js';
import { bulkExplain, bulkExplainBody, bulkResultSchema, bulkReview, bulkReviewBody, inboxItemSchema, inboxQuery, reviewInbox } from '../ledger-bulk.js';
import { pageOf } from '../ledger-schemas.js';
import { errorResponses } from '../schemas.js';
import { ENTERPRISE_ACTORS, EVERYONE, REVIEWERS } from '../role-sets.js';

export const reviewRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, timeZone, bulkMax }) => {
  const tags = ['ledgers'];
  const ledgers = ledgerDepsOf(deps);

  app.get(
    '/reviews',
    {
      config: { roles: EVERYONE },
      schema: {
        tags,
        summary: 'Review inbox: gaps, anomalies, back-fills and registrations by state (default: awaiting review), longest waiting first',
        querystring: inboxQuery,
        response: { 200: pageOf(inboxItemSchema), ...errorResponses },
      },
    },
    async (req) => reviewInbox(ledgers, req, req.query, timeZone),
  );

  for (const [type, path] of [
    ['gap', '/gaps'],
    ['anomaly', '/anomalies'],
  ] as const) {
    app.post(
      `${path}/explanations`,
      {
        config: { roles: ENTERPRISE_ACTORS },
        schema: {
          tags,
          summary: `原因说明 for many ${type} entries at once: one text for the ids given or every entry the filter matches (default: explainable states)`,
          body: bulkExplainBody(type, bulkMax),
          response: { 200: bulkResultSchema, ...errorResponses },
        },
      },
      async (req) => bulkExplain(deps, ledgers, req, type, req.body, bulkMax),
    );

    app.post(
      `${path}/reviews`,
      {
        config: { roles: REVIEWERS },
        schema: {
          tags,
          summary: `Accept or reject many explained ${type} entries at once (the ids given or every entry the filter matches; default: explained)`,
          body: bulkReviewBody(type, bulkMax),
          response: { 200: bulkResultSchema, ...errorResponses },
        },
      },
      async (req) => bulkReview(deps, ledgers, req, type, req.body, bulkMax),
    );
  }
};
