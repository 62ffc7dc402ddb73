/**
 * The routes every ledger has (list, one entry, review) and those of the ledgers an enterprise explains (gaps,
 * anomalies): each ledger's route file names its path, schemas, view and summaries; the steps are here.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { LedgerEntry, LedgerQuery, LedgerType } from '../domain/ledgers.js';
import type { ApiDeps, RouteOptions } from './deps.js';
import { ledgerDepsOf, loadEntry } from './ledger-access.js';
import { explainEntry, listEntries, reviewEntry, type ListQueryInput } from './ledger-handlers.js';
import { entryParams, explainBody, pageOf, reviewBody } from './ledger-schemas.js';
import { ENTERPRISE_ACTORS, EVERYONE, REVIEWERS } from './role-sets.js';
import { errorResponses } from './schemas.js';

type App = Parameters<FastifyPluginAsyncZod<RouteOptions>>[0];
type EntryOf<T extends LedgerType> = Extract<LedgerEntry, { type: T }>;

/** What is special about one ledger's routes. */
export interface LedgerSpec<T extends LedgerType, Q extends z.ZodObject> {
  type: T;
  /** Collection path, e.g. `/gaps`. */
  path: string;
  /** The entry as returned. */
  schema: z.ZodType;
  /** Listing filters (listQueryOf, maybe extended). */
  listQuery: Q;
  /** Extra listing filters taken from the query (beyond those of listQueryOf). */
  filters?(query: z.infer<Q>): Partial<LedgerQuery>;
  view(entry: EntryOf<T>, timeZone: string): unknown;
}

/** Registers one ledger's common routes, each with its summary. */
export interface LedgerRoutes {
  /** GET `path` (a page of entries, an enterprise its own) and GET `path/:id`. */
  read(summaries: { list: string; one: string }): void;
  /** POST `path/:id/explanation` (原因说明 of the enterprise); gaps and anomalies only. */
  explain(summary: string): void;
  /** POST `path/:id/review` (a regulator's decision). */
  review(summary: string): void;
}

export function ledgerRoutes<T extends LedgerType, Q extends z.ZodObject>(app: App, deps: ApiDeps, timeZone: string, spec: LedgerSpec<T, Q>): LedgerRoutes {
  const tags = ['ledgers'];
  const ledgers = ledgerDepsOf(deps);
  const { type, path, schema } = spec;
  const view = (entry: EntryOf<T>): unknown => spec.view(entry, timeZone);

  return {
    read(summaries) {
      app.get(
        path,
        { config: { roles: EVERYONE }, schema: { tags, summary: summaries.list, querystring: spec.listQuery, response: { 200: pageOf(schema), ...errorResponses } } },
        async (req) => {
          const query = req.query as z.infer<Q> & ListQueryInput;
          const page = await listEntries(ledgers, req, type, query, spec.filters?.(query));
          return { ...page, items: page.items.map(view) };
        },
      );
      app.get(
        `${path}/:id`,
        { config: { roles: EVERYONE }, schema: { tags, summary: summaries.one, params: entryParams, response: { 200: schema, ...errorResponses } } },
        async (req) => view(await loadEntry(ledgers, req, type, req.params.id)),
      );
    },
    explain(summary) {
      if (type !== 'gap' && type !== 'anomaly') throw new Error(`${type} entries are not explained`);
      app.post(
        `${path}/:id/explanation`,
        { config: { roles: ENTERPRISE_ACTORS }, schema: { tags, summary, params: entryParams, body: explainBody, response: { 200: schema, ...errorResponses } } },
        async (req) => view((await explainEntry(deps, ledgers, req, type as 'gap' | 'anomaly', req.params.id, req.body.text)) as EntryOf<T>),
      );
    },
    review(summary) {
      app.post(
        `${path}/:id/review`,
        { config: { roles: REVIEWERS }, schema: { tags, summary, params: entryParams, body: reviewBody, response: { 200: schema, ...errorResponses } } },
        async (req) => view(await reviewEntry(deps, ledgers, req, type, req.params.id, req.body)),
      );
    },
  };
}
