import type { FastifyInstance } from 'fastify';
import { decoyHash, verifyPassword } from '../auth/passwords.ts';
import { ACCOUNT_DISABLED_MESSAGE, requireUser } from '../http/authenticate.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { agentListResponse, errorResponses, loginResponse, userListResponse } from '../http/schemas.ts';
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
          properties: {
            email: { type: 'string', minLength: 1, maxLength: 254 },
            password: { type: 'string', minLength: 1, maxLength: 1024 },
          },
          required: ['email', 'password'],
        },
        response: {
          200: loginResponse,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const email = normalizeEmail(request.body.email);
      await ctx.loginThrottle.admit(ctx.clientAddresses.keyOf(request.raw), email);
      const user = await ctx.storage.users.byEmail(email);
      // Hash even for an unknown email, so the answer takes as long either way.
      const valid = await verifyPassword(request.body.password, user?.passwordHash ?? (await decoyHash()));
      if (!user || !valid) throw new ApiError('unauthorized', 'Wrong email or password.');
      // Said only to whoever knows the password: it tells nobody else that the account exists.
      if (user.disabled) throw new ApiError('forbidden', ACCOUNT_DISABLED_MESSAGE);
      await ctx.loginThrottle.succeeded(request.ip, email);
      return { token: await ctx.tokens.issue(user.id, user.sessionVersion), user: publicUser(user) };
    },
  );

  app.get(
    '/me',
    { schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: { $ref: 'User#' }, ...errorResponses } } },
    async (request) => {
      const principal = requireUser(await ctx.authenticate(request));
      const user = await ctx.storage.users.get(principal.id);
      if (!user) throw notFound('The user');
      return publicUser(user);
    },
  );

  app.get(
    '/users',
    {
      schema: {
        tags: ['directory'],
        summary: 'People one can start a thread with',
        response: { 200: userListResponse, ...errorResponses },
      },
    },
    async (request) => {
      requireUser(await ctx.authenticate(request));
      // A disabled user cannot sign in to answer: they are not offered for new threads.
      return { users: (await ctx.storage.users.list()).filter((user) => !user.disabled).map(publicUser) };
    },
  );

  app.get(
    '/agents',
    {
      schema: {
        tags: ['directory'],
        summary: 'Agents one can add to a thread',
        response: { 200: agentListResponse, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(await ctx.authenticate(request));
      const agents = await ctx.storage.agents.list();
      const owners = await Promise.all(agents.map((agent) => ctx.storage.agents.owners(agent.id)));
      return {
        agents: agents.map((agent, index) => ({
          id: agent.id,
          sender_id: `agent:${agent.id}`,
          slug: agent.slug,
          name: agent.name,
          avatar_url: agent.avatarUrl,
          is_owner: owners[index]!.includes(user.id),
        })),
      };
    },
  );
}
