/**
 * Tokens: who am I, and token management. Admins manage every token; an enterprise main account manages the
 * sub-account tokens of its own enterprise (as the provincial platforms do). The secret is returned once.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { NewToken, TokenRecord } from '../../domain/catalog.js';
import { DEFAULT_CONFIG } from '../../config.js';
import { AppError } from '../../errors.js';
import { recordChange } from '../audit-trail.js';
import { principalOf } from '../auth.js';
import type { RouteOptions } from '../deps.js';
import { assertEnterpriseCap } from '../enterprise-cap.js';
import { listPageOf, matchesQ, namedPageQuery, oldestFirst, pageByKey } from '../list-page.js';
import { errorResponses, idParams, roleSchema, text, tokenSchema } from '../schemas.js';
import { EVERYONE, ENTERPRISE_ACTORS } from '../role-sets.js';
import { notFound } from '../not-found.js';

const createBody = z.object({
  name: text(100),
  role: roleSchema.default('enterprise').describe('enterprise main accounts may only create enterprise sub-accounts'),
  enterpriseId: z.string().min(1).optional().describe('required for enterprise tokens; forced to their own for enterprise main accounts'),
  main: z.boolean().optional().describe('enterprise main account (admin only; default true for admin-created enterprise tokens)'),
});

function assertTokenManager(token: TokenRecord): void {
  if (token.role === 'enterprise' && !token.main) throw new AppError('APP_ERR_FORBIDDEN', 'only the enterprise main account manages tokens');
}

export const tokenRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, pageMax }) => {
  const tags = ['tokens'];
  const enterpriseMax = (deps.accounts?.settings ?? DEFAULT_CONFIG.accounts).enterpriseAccountsMax;

  /** What the creator may make: admins anything, enterprise main accounts sub-accounts of their enterprise. */
  async function newTokenFor(creator: TokenRecord, body: z.infer<typeof createBody>): Promise<NewToken> {
    if (creator.role === 'enterprise') {
      if (body.role !== 'enterprise' || body.main === true) throw new AppError('APP_ERR_FORBIDDEN', 'enterprise accounts create enterprise sub-accounts only');
      if (body.enterpriseId !== undefined && body.enterpriseId !== creator.enterpriseId) throw notFound(`enterprise ${body.enterpriseId}`);
      return { name: body.name, role: 'enterprise', enterpriseId: creator.enterpriseId, main: false, createdBy: creator.id };
    }
    if (body.role !== 'enterprise') {
      if (body.enterpriseId !== undefined || body.main !== undefined) throw new AppError('APP_ERR_BAD_REQUEST', 'enterpriseId and main apply to enterprise tokens only');
      return { name: body.name, role: body.role, main: false, createdBy: creator.id };
    }
    if (body.enterpriseId === undefined) throw new AppError('APP_ERR_BAD_REQUEST', 'enterprise tokens need an enterpriseId');
    if (!(await deps.catalog.getEnterprise(body.enterpriseId))) throw notFound(`enterprise ${body.enterpriseId}`);
    return { name: body.name, role: 'enterprise', enterpriseId: body.enterpriseId, main: body.main ?? true, createdBy: creator.id };
  }

  app.get(
    '/me',
    {
      config: { roles: EVERYONE },
      schema: { tags, summary: 'The token making the request', response: { 200: tokenSchema, ...errorResponses } },
    },
    async (req) => principalOf(req),
  );

  app.post(
    '/tokens',
    {
      config: { roles: ENTERPRISE_ACTORS },
      schema: {
        tags,
        summary: 'Create a token (the secret is shown once)',
        body: createBody,
        response: { 201: z.object({ token: z.string().describe('bearer secret; not stored, cannot be shown again'), record: tokenSchema }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const creator = principalOf(req);
      assertTokenManager(creator);
      const input = await newTokenFor(creator, req.body);
      if (creator.role === 'enterprise') assertEnterpriseCap(creator, (await deps.tokens.list({ enterpriseId: creator.enterpriseId })).length, enterpriseMax, 'tokens');
      const { record, secret } = await deps.tokens.create(input);
      await recordChange(deps, req, { action: 'create', entity: { type: 'token', id: record.id }, after: record });
      return reply.code(201).send({ token: secret, record });
    },
  );

  app.get(
    '/tokens',
    {
      config: { roles: ENTERPRISE_ACTORS },
      schema: {
        tags,
        summary: 'List tokens, oldest first (enterprise main accounts: their enterprise only); role, revoked, name containing q; paginated',
        querystring: z.object({
          role: roleSchema.optional(),
          revoked: z.enum(['true', 'false']).optional().describe('only revoked (true) or usable (false) tokens'),
          ...namedPageQuery(pageMax),
        }),
        response: { 200: listPageOf(tokenSchema), ...errorResponses },
      },
    },
    async (req) => {
      const token = principalOf(req);
      assertTokenManager(token);
      const { role, revoked, q, limit, cursor } = req.query;
      const tokens = (await deps.tokens.list(token.role === 'enterprise' ? { enterpriseId: token.enterpriseId } : undefined)).filter(
        (x) => (role === undefined || x.role === role) && (revoked === undefined || String(x.revokedAt !== undefined) === revoked) && matchesQ(x.name, q),
      );
      return pageByKey(tokens, oldestFirst, limit, cursor);
    },
  );

  app.delete(
    '/tokens/:id',
    {
      config: { roles: ENTERPRISE_ACTORS },
      schema: { tags, summary: 'Revoke a token', params: idParams, response: { 200: tokenSchema, ...errorResponses } },
    },
    async (req) => {
      const token = principalOf(req);
      assertTokenManager(token);
      const target = await deps.tokens.get(req.params.id);
      // Another enterprise's token answers like an unknown one (docs/api.md "Enterprise scope").
      if (!target || (token.role === 'enterprise' && target.enterpriseId !== token.enterpriseId)) throw notFound(`token ${req.params.id}`);
      if (token.role === 'enterprise' && target.main) {
        throw new AppError('APP_ERR_FORBIDDEN', 'enterprise accounts revoke their own sub-accounts only');
      }
      const revoked = (await deps.tokens.revoke(target.id)) ?? target;
      if (target.revokedAt === undefined) await recordChange(deps, req, { action: 'revoke', entity: { type: 'token', id: target.id }, before: target, after: revoked });
      if (target.role === 'enterprise' && target.main && target.enterpriseId !== undefined) {
        // The main account's sub-accounts go with it (verification refuses them anyway, src/api/token-guard.ts).
        for (const sub of await deps.tokens.list({ enterpriseId: target.enterpriseId })) {
          if (sub.main || sub.createdBy !== target.id || sub.revokedAt !== undefined) continue;
          const after = (await deps.tokens.revoke(sub.id)) ?? sub;
          await recordChange(deps, req, { action: 'revoke', entity: { type: 'token', id: sub.id }, before: sub, after });
        }
      }
      return revoked;
    },
  );
};
