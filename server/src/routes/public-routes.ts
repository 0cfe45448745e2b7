import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, badRequest, notFound } from '../http/errors.ts';
import type { RateLimiter } from '../http/rate-limiter.ts';
import { errorResponses, messageResponse, pollQuery, pollResponse, publicThreadParams, sendMessageBody, slugParams } from '../http/schemas.ts';
import { isEmail, normalizeEmail } from '../http/validation.ts';
import { visitorSenderId, type Principal } from '../threads/principal.ts';
import type { AppContext } from './app-context.ts';

const emailQuery = {
  type: 'object',
  properties: { email: { type: 'string', minLength: 3, maxLength: 254 } },
  required: ['email'],
} as const;

function limit(limiter: RateLimiter, request: FastifyRequest, what: string): void {
  const decision = limiter.take(request.ip);
  if (!decision.ok) {
    const seconds = Math.ceil(decision.retryAfterMs / 1000);
    throw new ApiError('rate_limited', `Too many ${what}; try again in ${seconds} s.`, { retryAfterSeconds: seconds });
  }
}

/**
 * The visitor endpoints (CONTRACT §7): no sign-in, any origin. A visitor is known by agent
 * slug + thread id + the email the thread was opened with, and sees only that thread.
 */
export function publicRoutes(app: FastifyInstance, ctx: AppContext): void {
  async function agentOf(slug: string) {
    const agent = await ctx.storage.getAgentBySlug(slug);
    if (!agent) throw notFound(`The agent "${slug}"`);
    return agent;
  }

  /** The visitor principal, if the email is the thread's visitor email; 404 otherwise. */
  async function visitorOf(slug: string, threadId: string, rawEmail: string): Promise<Principal> {
    const email = normalizeEmail(rawEmail);
    if (!isEmail(email)) throw badRequest('email is not a valid email address.');
    const agent = await agentOf(slug);
    const visitor = await ctx.storage.getVisitorOfThread(threadId);
    if (!visitor || visitor.agentId !== agent.id || normalizeEmail(visitor.email) !== email) {
      throw notFound('The conversation');
    }
    return { kind: 'visitor', id: visitor.id, senderId: visitorSenderId(visitor.id), name: visitor.name ?? email, threadId };
  }

  app.get<{ Params: { slug: string } }>(
    '/chat/public/:slug',
    {
      schema: {
        tags: ['public'],
        summary: "An agent's public profile",
        params: slugParams,
        response: {
          200: {
            type: 'object',
            properties: {
              slug: { type: 'string' },
              name: { type: 'string' },
              avatar_url: { type: ['string', 'null'] },
              greeting: { type: 'string' },
              theme: { type: 'object', properties: { color: { type: 'string' } } },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const agent = await agentOf(request.params.slug);
      return { slug: agent.slug, name: agent.name, avatar_url: agent.avatarUrl, greeting: agent.greeting, theme: { color: agent.themeColor } };
    },
  );

  app.post<{ Params: { slug: string }; Body: { email: string; name?: string | null; fresh?: boolean } }>(
    '/chat/public/:slug/threads',
    {
      schema: {
        tags: ['public'],
        summary: 'Resolve or create the thread of (agent, email)',
        params: slugParams,
        body: {
          type: 'object',
          properties: {
            email: { type: 'string', minLength: 3, maxLength: 254 },
            name: { type: ['string', 'null'], maxLength: 100 },
            fresh: { type: 'boolean', description: '[ext] start a new conversation instead of resuming the open one' },
          },
          required: ['email'],
        },
        response: {
          200: { $ref: 'ResolvedThread#' },
          201: { $ref: 'ResolvedThread#' },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      limit(ctx.limiters.threadCreates, request, 'new conversations');
      const email = normalizeEmail(request.body.email);
      if (!isEmail(email)) throw badRequest('email is not a valid email address.');
      const agent = await agentOf(request.params.slug);
      const name = request.body.name?.trim() || null;
      const { thread, resumed, events, visitor } = await ctx.storage.resolvePublicThread({ agent, email, name, fresh: request.body.fresh === true });
      if (!resumed) await ctx.threads.announceThread(thread, events, null);
      reply.code(resumed ? 200 : 201);
      return { thread_id: thread.id, resumed, sender_id: `visitor:${visitor.id}` };
    },
  );

  app.get<{ Params: { slug: string; thread_id: string }; Querystring: { email: string; last_thread_seq: number; limit: number } }>(
    '/chat/public/:slug/threads/:thread_id/events',
    {
      schema: {
        tags: ['public'],
        summary: "A visitor's thread history (poll)",
        params: publicThreadParams,
        querystring: { ...pollQuery, properties: { ...pollQuery.properties, ...emailQuery.properties }, required: ['email'] },
        response: { 200: pollResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { slug, thread_id: threadId } = request.params;
      const visitor = await visitorOf(slug, threadId, request.query.email);
      return ctx.threads.listEvents(visitor, threadId, request.query.last_thread_seq, request.query.limit);
    },
  );

  app.post<{ Params: { slug: string; thread_id: string }; Querystring: { email: string }; Body: unknown }>(
    '/chat/public/:slug/threads/:thread_id/messages',
    {
      schema: {
        tags: ['public'],
        summary: 'Send as the visitor (fallback when the socket is down)',
        params: publicThreadParams,
        querystring: emailQuery,
        body: sendMessageBody,
        response: { 200: messageResponse, 201: messageResponse, 409: { $ref: 'Error#' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      limit(ctx.limiters.messages, request, 'messages');
      const { slug, thread_id: threadId } = request.params;
      const visitor = await visitorOf(slug, threadId, request.query.email);
      const { created, message } = await ctx.threads.postMessage(visitor, threadId, request.body);
      reply.code(created ? 201 : 200);
      return { message };
    },
  );
}
