/**
 * 不正常运行登记 (abnormal-operation registration): an enterprise registers a site, point or item, a period and a
 * reason (停产 production stopped, maintenance, confidential, other with text); a regulator accepts or rejects
 * (decision `accepted`, the word of every ledger; `approved` is still taken). Acceptance turns the period's unsettled gaps and anomalies into covered-by-registration and stops new ones.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { LEGACY_REGISTRATION_ACCEPTED, REGISTRATION_STATES } from '../../domain/ledgers.js';
import { AppError } from '../../errors.js';
import { sameFactor } from '../../ledgers/entries.js';
import { register } from '../../ledgers/registrations.js';
import { recordChange } from '../audit-trail.js';
import { assertEnterpriseAccess, principalOf } from '../auth.js';
import type { TokenRecord } from '../../domain/catalog.js';
import type { ApiDeps, RouteOptions } from '../deps.js';
import { ledgerAction, ledgerActorOf, ledgerDepsOf, loadEntry } from '../ledger-access.js';
import { listEntries, reviewEntry } from '../ledger-handlers.js';
import { entryParams, listQueryOf, pageOf, registrationBody, registrationSchema, reviewBody } from '../ledger-schemas.js';
import { registrationView } from '../ledger-views.js';
import { errorResponses } from '../schemas.js';
import { ENTERPRISE_ACTORS, EVERYONE, REVIEWERS } from '../role-sets.js';
import { notFound } from '../not-found.js';

/** The enterprise of the registered site, after checking that the point is at the site and the item at the point. */
async function enterpriseOfScope(deps: ApiDeps, token: TokenRecord, scope: { siteId: string; pointId?: string; factor?: string }): Promise<string> {
  const site = await deps.catalog.getSite(scope.siteId);
  if (!site) throw notFound(`site ${scope.siteId}`);
  // Checked before the point and item, so nothing about another enterprise's site shows through.
  assertEnterpriseAccess(token, site.enterpriseId, `site ${scope.siteId}`);
  if (scope.pointId !== undefined) {
    const point = await deps.catalog.getPoint(scope.pointId);
    if (!point) throw notFound(`point ${scope.pointId}`);
    if (point.siteId !== site.id) throw new AppError('APP_ERR_BAD_REQUEST', `point ${point.id} is not at site ${site.id}`);
    const { factor } = scope;
    if (factor !== undefined && !(await deps.catalog.listItems(point.id)).some((i) => sameFactor(i.factor, factor))) {
      throw notFound(`point ${point.id} has no item ${factor}`);
    }
  }
  return site.enterpriseId;
}

export const registrationRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, timeZone }) => {
  const tags = ['ledgers'];
  const ledgers = ledgerDepsOf(deps);

  app.get(
    '/registrations',
    {
      config: { roles: EVERYONE },
      schema: { tags, summary: 'Abnormal-operation registrations by site, point, item, state and period', querystring: listQueryOf([...REGISTRATION_STATES, LEGACY_REGISTRATION_ACCEPTED]), response: { 200: pageOf(registrationSchema), ...errorResponses } },
    },
    async (req) => {
      const page = await listEntries(ledgers, req, 'registration', req.query);
      return { ...page, items: page.items.map((e) => registrationView(e, timeZone)) };
    },
  );

  app.get(
    '/registrations/:id',
    { config: { roles: EVERYONE }, schema: { tags, summary: 'One registration', params: entryParams, response: { 200: registrationSchema, ...errorResponses } } },
    async (req) => registrationView(await loadEntry(ledgers, req, 'registration', req.params.id), timeZone),
  );

  app.post(
    '/registrations',
    {
      config: { roles: ENTERPRISE_ACTORS },
      schema: { tags, summary: '不正常运行登记: register a period of abnormal operation of your site, point or item', body: registrationBody, response: { 201: registrationSchema, ...errorResponses } },
    },
    async (req, reply) => {
      const { periodStart, periodEnd, ...scope } = req.body;
      const start = Date.parse(periodStart);
      const end = Date.parse(periodEnd);
      if (!(end > start)) throw new AppError('APP_ERR_INVALID_RANGE', 'periodEnd must be after periodStart');
      const enterpriseId = await enterpriseOfScope(deps, principalOf(req), scope);
      const entry = await ledgerAction(() => register(ledgers.ledgers, { ...scope, enterpriseId, periodStart: start, periodEnd: end }, ledgerActorOf(req), ledgers.clock.now()));
      await recordChange(deps, req, { action: 'create', entity: { type: 'registration', id: entry.id }, after: entry });
      return reply.code(201).send(registrationView(entry, timeZone));
    },
  );

  app.post(
    '/registrations/:id/review',
    {
      config: { roles: REVIEWERS },
      schema: { tags, summary: 'Accept (covers the period) or reject a registration', params: entryParams, body: reviewBody, response: { 200: registrationSchema, ...errorResponses } },
    },
    async (req) => registrationView(await reviewEntry(deps, ledgers, req, 'registration', req.params.id, req.body), timeZone),
  );
};
