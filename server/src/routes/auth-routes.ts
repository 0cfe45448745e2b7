import type { FastifyInstance } from 'fastify';
import { decoyHash, verifyPassword } from '../auth/passwords.ts';
import { hashAgentToken, newAgentToken } from '../auth/tokens.ts';
import { requireUser } from '../http/authenticate.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { errorResponses, slugParams } from '../http/schemas.ts';
import { normalizeEmail } from '../http/validation.ts';
import type { UserRecord } from '../storage/storage.ts';
import type { AppContext } from './app-context.ts';

const publicUser = (user: UserRecord) => ({ id: user.id, name: user.name, email: user.email, avatar_url: user.avatarUrl });

/** Sign-in, the current user, and the directories the "new thread" dialog needs (CONTRACT §1, [ext]). */
export function authRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Body: { email: string; password: string } }>(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password',
        body: {
          type: 'object',
          properties: { email: { type: 'string', minLength: 1, maxLength: 254 }, password: { type: 'string', minLength: 1, maxLength: 1024 } },
          required: ['email', 'password'],
        },
        response: {
          200: { type: 'object', properties: { token: { type: 'string' }, user: { $ref: 'User#' } }, required: ['token', 'user'] },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const email = normalizeEmail(request.body.email);
      ctx.loginThrottle.admit(request.ip, email);
      const user = await ctx.storage.getUserByEmail(email);
      // Hash even for an unknown email, so the answer takes as long either way.
      const valid = await verifyPassword(request.body.password, user?.passwordHash ?? (await decoyHash()));
      if (!user || !valid) throw new ApiError('unauthorized', 'Wrong email or password.');
      ctx.loginThrottle.succeeded(email);
      return { token: await ctx.tokens.issue(user.id), user: publicUser(user) };
    },
  );

  app.get('/me', { schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: { $ref: 'User#' }, ...errorResponses } } }, async (request) => {
    const principal = requireUser(await ctx.authenticate(request));
    const user = await ctx.storage.getUser(principal.id);
    if (!user) throw notFound('The user');
    return publicUser(user);
  });

  app.get(
    '/users',
    {
      schema: {
        tags: ['directory'],
        summary: 'People one can start a thread with',
        response: { 200: { type: 'object', properties: { users: { type: 'array', items: { $ref: 'User#' } } } }, ...errorResponses },
      },
    },
    async (request) => {
      requireUser(await ctx.authenticate(request));
      return { users: (await ctx.storage.listUsers()).map(publicUser) };
    },
  );

  app.get(
    '/agents',
    {
      schema: {
        tags: ['directory'],
        summary: 'Agents one can add to a thread',
        response: {
          200: {
            type: 'object',
            properties: {
              agents: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    sender_id: { type: 'string' },
                    slug: { type: 'string' },
                    name: { type: 'string' },
                    avatar_url: { type: ['string', 'null'] },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      requireUser(await ctx.authenticate(request));
      const agents = await ctx.storage.listAgents();
      return {
        agents: agents.map((agent) => ({
          id: agent.id,
          sender_id: `agent:${agent.id}`,
          slug: agent.slug,
          name: agent.name,
          avatar_url: agent.avatarUrl,
        })),
      };
    },
  );

  app.post<{ Params: { slug: string } }>(
    '/agents/:slug/tokens',
    {
      schema: {
        tags: ['directory'],
        summary: "Issue an external agent token (ama_eat_…) for an agent you own; it is shown once",
        params: slugParams,
        response: {
          201: { type: 'object', properties: { token: { type: 'string' }, agent_id: { type: 'string' } } },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const user = requireUser(await ctx.authenticate(request));
      const agent = await ctx.storage.getAgentBySlug(request.params.slug);
      if (!agent) throw notFound('The agent');
      const owners = await ctx.storage.listAgentOwners(agent.id);
      if (!owners.includes(user.id)) throw new ApiError('forbidden', 'Only the agent\'s owners can issue its tokens.');
      const token = newAgentToken();
      await ctx.storage.addAgentToken(agent.id, hashAgentToken(token));
      reply.code(201);
      return { token, agent_id: agent.id };
    },
  );
}
