import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireUser } from '../http/authenticate.ts';
import { ApiError, badRequest, notFound } from '../http/errors.ts';
import { errorResponses, slugParams } from '../http/schemas.ts';
import { SLUG_PATTERN, UUID_PATTERN } from '../http/validation.ts';
import { visitorWire } from '../privacy/privacy-service.ts';
import { AGENT_PREFIX, userSenderId, visitorSenderId } from '../threads/principal.ts';
import type { AgentRecord, ThreadRecord } from '../storage/storage.ts';
import type { AppContext } from './app-context.ts';
import { SEND_TOKEN_MESSAGE, publicVisitorAccess } from './public-visitor.ts';
import { bearerToken } from '../auth/visitor-tokens.ts';

/** Visitors one find answers at most (a search by email may match several: it is a label, not a key). */
export const MAX_FOUND_VISITORS = 50;
/** Audit entries per page. */
export const AUDIT_PAGE_SIZE = 50;
/** The longest email or sub a find takes. */
const MAX_QUERY_LENGTH = 320;

const visitorParams = {
  type: 'object',
  properties: { slug: { type: 'string', pattern: SLUG_PATTERN }, visitor_id: { type: 'string', pattern: UUID_PATTERN } },
  required: ['slug', 'visitor_id'],
} as const;

const messageParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: UUID_PATTERN }, message_id: { type: 'string', pattern: UUID_PATTERN } },
  required: ['id', 'message_id'],
} as const;

const publicMessageParams = {
  type: 'object',
  properties: {
    slug: { type: 'string', pattern: SLUG_PATTERN },
    thread_id: { type: 'string', pattern: UUID_PATTERN },
    message_id: { type: 'string', pattern: UUID_PATTERN },
  },
  required: ['slug', 'thread_id', 'message_id'],
} as const;

const visitorResponse = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    sender_id: { type: 'string' },
    email: { type: ['string', 'null'] },
    name: { type: ['string', 'null'] },
    verified: { type: 'boolean' },
    sub: { type: ['string', 'null'] },
    created_at: { type: 'string' },
    last_seen_at: { type: ['string', 'null'] },
    thread_ids: { type: 'array', items: { type: 'string' } },
  },
  required: ['id', 'sender_id', 'email', 'name', 'verified', 'sub', 'created_at', 'last_seen_at', 'thread_ids'],
} as const;

interface FindQuery {
  email?: string;
  sub?: string;
  thread_id?: string;
}

/**
 * Privacy operations (CONTRACT §14 [ext]): owners find, export and erase a visitor of their
 * agent; a visitor erases themselves. Another agent's visitor is not found (404), so that
 * ids cannot be probed across agents; a signed-in user who is not an owner gets 403.
 */
export function privacyRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { agentFor, tokenVisitor, visitorOf } = publicVisitorAccess(ctx);

  /** Whether the user owns an agent taking part in the thread (owners may delete any message of it). */
  async function ownsAgentOf(thread: ThreadRecord, userId: string): Promise<boolean> {
    for (const participant of thread.participants) {
      if (!participant.sender_id.startsWith(AGENT_PREFIX)) continue;
      const owners = await ctx.storage.agents.owners(participant.sender_id.slice(AGENT_PREFIX.length));
      if (owners.includes(userId)) return true;
    }
    return false;
  }

  async function ownedAgent(request: FastifyRequest<{ Params: { slug: string } }>): Promise<{ agent: AgentRecord; userId: string }> {
    const user = requireUser(await ctx.authenticate(request));
    const agent = await ctx.storage.agents.bySlug(request.params.slug);
    if (!agent) throw notFound(`The agent "${request.params.slug}"`);
    const owners = await ctx.storage.agents.owners(agent.id);
    if (!owners.includes(user.id)) throw new ApiError('forbidden', "Only the agent's owners can find, export or erase its visitors.");
    return { agent, userId: user.id };
  }

  async function ownedVisitor(request: FastifyRequest<{ Params: { slug: string; visitor_id: string } }>) {
    const { agent, userId } = await ownedAgent(request);
    const visitor = await ctx.storage.privacy.visitor(agent.id, request.params.visitor_id);
    if (!visitor) throw notFound('The visitor');
    return { agent, userId, visitor };
  }

  app.get<{ Params: { slug: string }; Querystring: FindQuery }>(
    '/agents/:slug/visitors',
    {
      schema: {
        tags: ['privacy'],
        summary: "[ext] Find the agent's visitors by email (any case), identity sub or thread; owners only",
        params: slugParams,
        querystring: {
          type: 'object',
          properties: {
            email: { type: 'string', maxLength: MAX_QUERY_LENGTH },
            sub: { type: 'string', maxLength: MAX_QUERY_LENGTH },
            thread_id: { type: 'string', pattern: UUID_PATTERN },
          },
        },
        response: { 200: { type: 'object', properties: { visitors: { type: 'array', items: visitorResponse } } }, ...errorResponses },
      },
    },
    async (request) => {
      const { agent } = await ownedAgent(request);
      const email = request.query.email?.trim() || undefined;
      const sub = request.query.sub || undefined;
      const threadId = request.query.thread_id;
      if (email === undefined && sub === undefined && threadId === undefined) {
        throw badRequest('Say whom to find: give email, sub or thread_id.');
      }
      const visitors = await ctx.storage.privacy.findVisitors(agent.id, { email, sub, threadId }, MAX_FOUND_VISITORS);
      return { visitors: visitors.map(visitorWire) };
    },
  );

  app.get<{ Params: { slug: string; visitor_id: string } }>(
    '/agents/:slug/visitors/:visitor_id/export',
    {
      schema: {
        tags: ['privacy'],
        summary: '[ext] Everything kept about one visitor, as one JSON document (streamed); owners only',
        params: visitorParams,
        response: errorResponses,
      },
    },
    async (request, reply) => {
      const { visitor, agent, userId } = await ownedVisitor(request);
      await ctx.privacy.audit({
        agentId: agent.id,
        actor: userSenderId(userId),
        action: 'visitor.exported',
        target: `visitor:${visitor.id}`,
        address: ctx.clientAddresses.of(request.raw),
      });
      reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="visitor-${visitor.id}.json"`)
        .header('cache-control', 'no-store');
      return reply.send(Readable.from(ctx.privacy.exportVisitor(visitor, new Date().toISOString())));
    },
  );

  app.delete<{ Params: { slug: string; visitor_id: string } }>(
    '/agents/:slug/visitors/:visitor_id',
    {
      schema: {
        tags: ['privacy'],
        summary: '[ext] Erase a visitor: their threads (each first commits thread_deleted), files, tokens and queued emails; owners only',
        params: visitorParams,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { visitor, userId } = await ownedVisitor(request);
      await ctx.privacy.eraseVisitor(visitor, 'erased_by_owner', userSenderId(userId), { address: ctx.clientAddresses.of(request.raw) });
      reply.code(204);
      return null;
    },
  );

  app.get<{ Params: { slug: string }; Querystring: { cursor?: string; action?: string } }>(
    '/agents/:slug/audit',
    {
      schema: {
        tags: ['privacy'],
        summary:
          "[ext] The agent's audit log, newest first, 50 a page (cursor: next_cursor of the page before; action: one action only); owners only",
        params: slugParams,
        querystring: {
          type: 'object',
          properties: { cursor: { type: 'string', pattern: '^[0-9]{1,15}$' }, action: { type: 'string', maxLength: 100 } },
        },
        response: errorResponses,
      },
    },
    async (request) => {
      const { agent } = await ownedAgent(request);
      const page = await ctx.storage.privacy.auditEntries(agent.id, {
        before: request.query.cursor === undefined ? null : Number(request.query.cursor),
        action: request.query.action ?? null,
        limit: AUDIT_PAGE_SIZE,
      });
      return {
        entries: page.entries.map((entry) => ({
          id: entry.id,
          at: entry.at,
          actor: entry.actor,
          action: entry.action,
          target: entry.target,
          details: entry.details,
          address: entry.address,
        })),
        next_cursor: page.next === null ? null : String(page.next),
      };
    },
  );

  app.delete<{ Params: { id: string; message_id: string } }>(
    '/chat/threads/:id/messages/:message_id',
    {
      schema: {
        tags: ['threads'],
        summary: "[ext] Delete a message: its author, or an owner of the thread's agent; commits message_deleted (CONTRACT §14)",
        params: messageParams,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = await ctx.authenticate(request);
      const thread = await ctx.threads.access(principal, request.params.id);
      const message = await ctx.storage.privacy.message(thread.id, request.params.message_id);
      if (!message) throw notFound('The message');
      const mayDelete = message.senderId === principal.senderId || (principal.kind === 'user' && (await ownsAgentOf(thread, principal.id)));
      if (!mayDelete) throw new ApiError('forbidden', "Only the message's author or an owner of the thread's agent can delete it.");
      await ctx.privacy.eraseMessage(thread.id, request.params.message_id, principal.senderId);
      reply.code(204);
      return null;
    },
  );

  app.delete<{ Params: { slug: string; thread_id: string; message_id: string } }>(
    '/chat/public/:slug/threads/:thread_id/messages/:message_id',
    {
      schema: {
        tags: ['public'],
        summary: "[ext] Delete one of the visitor's own messages; commits message_deleted (CONTRACT §14); Bearer visitor token",
        params: publicMessageParams,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const visitor = await visitorOf(request);
      const message = await ctx.storage.privacy.message(request.params.thread_id, request.params.message_id);
      // Someone else's message is not the visitor's to see named: the same answer as none.
      if (!message || message.senderId !== visitor.senderId) throw notFound('The message');
      await ctx.privacy.eraseMessage(request.params.thread_id, request.params.message_id, visitor.senderId);
      reply.code(204);
      return null;
    },
  );

  app.delete<{ Params: { slug: string } }>(
    '/chat/public/:slug/me',
    {
      schema: {
        tags: ['public'],
        summary: "[ext] Erase me: the Bearer visitor token's visitor, their conversations, files and tokens (CONTRACT §14)",
        params: slugParams,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const agent = await agentFor(request);
      if (!bearerToken(request.headers.authorization)) throw new ApiError('unauthorized', SEND_TOKEN_MESSAGE);
      // An unverified visitor where verification is required may still erase what they wrote.
      const found = await tokenVisitor(request, agent);
      if (!found) throw new ApiError('unauthorized', 'This visitor token is not valid; there is nothing of it to erase.');
      const visitor = await ctx.storage.privacy.visitor(agent.id, found.visitor.id);
      if (visitor) {
        await ctx.privacy.eraseVisitor(visitor, 'erased_by_visitor', visitorSenderId(visitor.id), {
          address: ctx.clientAddresses.of(request.raw),
        });
      }
      reply.code(204);
      return null;
    },
  );
}
