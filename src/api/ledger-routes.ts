/**
 * The four routes of a ledger an enterprise explains and a regulator reviews (gaps, anomalies): list, one entry,
 * explanation, review. Each ledger's route file names its path, schemas, view and summaries; the steps are here.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { LedgerEntry, LedgerQuery } from '../domain/ledgers.js';
import type { ApiDeps, RouteOptions } from './deps.js';
import { ledgerDepsOf, loadEntry } from './ledger-access.js';
import { explainEntry, listEntries, reviewEntry, type ListQueryInput } from './ledger-handlers.js';
import { entryParams, explainBody, pageOf, reviewBody } from './ledger-schemas.js';
import { ENTERPRISE_ACTORS, EVERYONE, REVIEWERS } from './role-sets.js';
import { errorResponses } from './schemas.js';

type App = Parameters<FastifyPluginAsyncZod<RouteOptions>>[0];
type Explainable = 'gap' | 'anomaly';

/** What is special about one explainable ledger's routes. */
export interface ExplainableLedger<T extends Explainable, Q extends z.ZodObject> {
  type: T;
  /** Collection path, e.g. `/gaps`. */
  path: string;
  /** The entry as returned, and its listing filters. */
  schema: z.ZodType;
  listQuery: Q;
  /** Extra listing filters taken from the query (beyond those of listQueryOf). */
  filters?(query: z.infer<Q>): Partial<LedgerQuery>;
  view(entry: Extract<LedgerEntry, { type: T }>, timeZone: string): unknown;
  summaries: { list: string; one: string; explain: string; review: string };
}

/** Register the list, get, explanation and review routes of one explainable ledger. */
export function explainableLedgerRoutes<T extends Explainable, Q extends z.ZodObject>(app: App, deps: ApiDeps, timeZone: string, ledger: ExplainableLedger<T, Q>): void {
  const tags = ['ledgers'];
  const ledgers = ledgerDepsOf(deps);
  const { type, path, schema, summaries } = ledger;
  const view = (entry: Extract<LedgerEntry, { type: T }>): unknown => ledger.view(entry, timeZone);

  app.get(
    path,
    { config: { roles: EVERYONE }, schema: { tags, summary: summaries.list, querystring: ledger.listQuery, response: { 200: pageOf(schema), ...errorResponses } } },
    async (req) => {
      const query = req.query as z.infer<Q> & ListQueryInput;
      const page = await listEntries(ledgers, req, type, query, ledger.filters?.(query));
      return { ...page, items: page.items.map(view) };
    },
  );

  app.get(
    `${path}/:id`,
    { config: { roles: EVERYONE }, schema: { tags, summary: summaries.one, params: entryParams, response: { 200: schema, ...errorResponses } } },
    async (req) => view(await loadEntry(ledgers, req, type, req.params.id)),
  );

  app.post(
    `${path}/:id/explanation`,
    { config: { roles: ENTERPRISE_ACTORS }, schema: { tags, summary: summaries.explain, params: entryParams, body: explainBody, response: { 200: schema, ...errorResponses } } },
    async (req) => view(await explainEntry(deps, ledgers, req, type, req.params.id, req.body.text)),
  );

  app.post(
    `${path}/:id/review`,
    { config: { roles: REVIEWERS }, schema: { tags, summary: summaries.review, params: entryParams, body: reviewBody, response: { 200: schema, ...errorResponses } } },
    async (req) => view(await reviewEntry(deps, ledgers, req, type, req.params.id, req.body)),
  );
}
