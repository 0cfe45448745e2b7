import type { FastifyInstance, FastifyRequest } from 'fastify';
import { verifyIdentityToken, type VerifiedIdentity } from '../auth/identity-tokens.ts';
import { hashResumeToken, isResumeToken } from '../auth/resume-tokens.ts';
import { bearerToken, hashVisitorToken, isVisitorToken, newVisitorToken } from '../auth/visitor-tokens.ts';
import { ApiError, badRequest } from '../http/errors.ts';
import {
  agentProfileResponse,
  errorResponses,
  handoffRequestResponse,
  messageResponse,
  pollQuery,
  publicPollResponse,
  publicThreadParams,
  resumedVisitorResponse,
  sendMessageBody,
  slugParams,
  visitorThreadListResponse,
} from '../http/schemas.ts';
import { isEmail, normalizeEmail } from '../http/validation.ts';
import { widgetLanguage } from '../notifications/follow-up-words.ts';
import type { AgentRecord, VisitorRecord, VisitorResolution } from '../storage/storage.ts';
import { visitorSenderId } from '../threads/principal.ts';
import type { AppContext } from './app-context.ts';
import { visitorAttachmentSettingsOf } from '../attachments/visitor-attachment-settings.ts';
import type { SendInput } from '../threads/thread-service.ts';
import { IDENTITY_REQUIRED_MESSAGE, SEND_TOKEN_MESSAGE, limit, publicVisitorAccess } from './public-visitor.ts';

/** The one answer for a resume link that is unknown here (CONTRACT §12): never says whether another agent knows it. */
const RESUME_UNKNOWN_MESSAGE = 'This link does not open a conversation here. Start a new conversation instead.';

/** The most conversations "my conversations" lists (newest first): far more than a visitor starts. */
export const VISITOR_THREAD_LIST_LIMIT = 50;

/** `email=` is still accepted on history (seed 000), and proves nothing. */
const ignoredEmailQuery = { email: { type: 'string', maxLength: 254, description: 'ignored: an email proves nothing' } } as const;

interface ResolveBody {
  email?: string;
  name?: string | null;
  fresh?: boolean;
  identity_token?: string;
  language?: string;
}

/**
 * The visitor endpoints (CONTRACT §7): no sign-in, any website unless the agent lists its
 * allowed ones. A visitor is whoever holds a visitor token (`Authorization: Bearer vt_…`);
 * the email is a label shown to owners, never proof, so it opens nothing.
 */
export function publicRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { agentFor, tokenVisitor, callingVisitor, visitorOf } = publicVisitorAccess(ctx);

  async function identityOf(agent: AgentRecord, token: string | undefined): Promise<VerifiedIdentity | null> {
    if (token === undefined) return null;
    const check = await verifyIdentityToken(token, agent.identitySecret, agent.slug);
    if (!check.ok) throw new ApiError('identity_invalid', check.reason);
    return check.identity;
  }

  /** Resolve, in the order of CONTRACT §7: the visitor token, else the identity token, else a new visitor. */
  async function resolve(request: FastifyRequest<{ Params: { slug: string }; Body: ResolveBody }>) {
    const agent = await agentFor(request);
    const { body } = request;
    const email = body.email === undefined ? null : normalizeEmail(body.email);
    if (email !== null && !isEmail(email)) throw badRequest('email is not a valid email address.');
    const name = body.name?.trim() || null;
    const fresh = body.fresh === true;
    const identity = await identityOf(agent, body.identity_token);
    // An expired token with an identity token is a new device of that identity.
    const presented = await tokenVisitor(request, agent, identity !== null);
    const known = presented?.visitor;

    if (presented && known && (await mayResume(agent, known, identity))) {
      const binds = identity !== null && known.identitySub === null;
      if (agent.requireVerifiedIdentity && !known.verified && !binds) throw new ApiError('identity_required', IDENTITY_REQUIRED_MESSAGE);
      // Becoming verified issues a new token in place of every earlier one (session fixation).
      const upgraded = binds ? newVisitorToken() : null;
      const verified = known.verified || binds;
      const resolution = await ctx.storage.visitors.resume({
        agent,
        visitorId: known.id,
        // A verified visitor's labels are the identity's claims, never typed ones; a typed email is set once.
        email: verified ? (identity?.email ?? null) : known.email === null ? email : null,
        name: verified ? (identity?.name ?? null) : name,
        fresh,
        bind:
          identity && upgraded
            ? { sub: identity.sub, email: identity.email, name: identity.name, tokenHash: hashVisitorToken(upgraded) }
            : null,
      });
      if (resolution?.bound && upgraded) {
        // Sockets opened with the old token close, here and on every other process.
        ctx.visitorTokensRevoked(known.id, null);
        return { resolution, token: upgraded };
      }
      if (resolution) return { resolution, token: presented.token };
    }
    const token = newVisitorToken();
    if (identity) {
      const resolution = await ctx.storage.visitors.resolveIdentified({
        agent,
        sub: identity.sub,
        // The identity's claims only: a typed email or name is not shown as verified.
        email: identity.email,
        name: identity.name,
        fresh,
        tokenHash: hashVisitorToken(token),
      });
      return { resolution, token };
    }
    if (agent.requireVerifiedIdentity) throw new ApiError('identity_required', IDENTITY_REQUIRED_MESSAGE);
    // The email is optional: a visitor may write first and give it later (set once, above).
    return { resolution: await ctx.storage.visitors.create({ agent, email, name, tokenHash: hashVisitorToken(token) }), token };
  }

  /**
   * A token's visitor resumes unless an identity token in the same call names someone else:
   * a visitor bound to another `sub`, or an anonymous one while that `sub` already has its own visitor.
   */
  async function mayResume(agent: AgentRecord, known: VisitorRecord, identity: VerifiedIdentity | null): Promise<boolean> {
    if (!identity || known.identitySub === identity.sub) return true;
    if (known.identitySub !== null) return false;
    return (await ctx.storage.visitors.byIdentity(agent.id, identity.sub)) === undefined;
  }

  app.get<{ Params: { slug: string } }>(
    '/chat/public/:slug',
    {
      schema: {
        tags: ['public'],
        summary: "An agent's public profile",
        params: slugParams,
        response: { 200: agentProfileResponse, ...errorResponses },
      },
    },
    async (request) => {
      const agent = await agentFor(request);
      return {
        slug: agent.slug,
        name: agent.name,
        avatar_url: agent.avatarUrl,
        greeting: agent.greeting,
        theme: { color: agent.themeColor },
        require_verified_identity: agent.requireVerifiedIdentity,
        expected_reply_minutes: agent.expectedReplyMinutes,
        attachments: visitorAttachmentSettingsOf(agent),
      };
    },
  );

  app.post<{ Params: { slug: string }; Body: ResolveBody }>(
    '/chat/public/:slug/threads',
    {
      schema: {
        tags: ['public'],
        summary: "Resume the visitor's conversation (visitor token or identity token) or start a new one",
        params: slugParams,
        body: {
          type: 'object',
          properties: {
            email: {
              type: 'string',
              minLength: 3,
              maxLength: 254,
              description: 'a label for the owners; optional (a visitor may give it later, once)',
            },
            name: { type: ['string', 'null'], maxLength: 100 },
            fresh: { type: 'boolean', description: '[ext] start a new conversation instead of resuming the open one' },
            identity_token: {
              type: 'string',
              minLength: 1,
              maxLength: 4096,
              description: "[ext] HS256 JWT signed by the website's backend",
            },
            language: {
              type: 'string',
              maxLength: 35,
              description: "[ext] the widget's language (its locale, e.g. de-at): the visitor's follow-up emails are written in it",
            },
          },
        },
        response: {
          200: { $ref: 'ResolvedThread#' },
          201: { $ref: 'ResolvedThread#' },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      await limit(ctx, ctx.limiters.threadCreates, request, 'new conversations');
      const { resolution, token }: { resolution: VisitorResolution; token: string } = await resolve(request);
      const { thread, resumed, events, visitor } = resolution;
      if (!resumed) await ctx.threads.announceThread(thread, events, null);
      // Written only when it changed: a returning visitor's resolve stays a read.
      const language = widgetLanguage(request.body.language);
      if (language !== null && language !== visitor.language) await ctx.storage.visitors.setLanguage(visitor.id, language);
      reply.code(resumed ? 200 : 201);
      return {
        thread_id: thread.id,
        resumed,
        sender_id: visitorSenderId(visitor.id),
        visitor_token: token,
        verified: visitor.verified,
        email: visitor.email,
      };
    },
  );

  app.post<{ Params: { slug: string }; Body: { resume_token: string } }>(
    '/chat/public/:slug/resume',
    {
      schema: {
        tags: ['public'],
        summary: "[ext] Resume the conversation of a follow-up email's one-time link, with a new visitor token (CONTRACT §12)",
        params: slugParams,
        body: {
          type: 'object',
          properties: { resume_token: { type: 'string', minLength: 1, maxLength: 200, description: 'vrt_… from the link' } },
          required: ['resume_token'],
        },
        response: { 200: resumedVisitorResponse, ...errorResponses, 409: { $ref: 'Error#' }, 410: { $ref: 'Error#' } },
      },
    },
    async (request) => {
      // It issues a visitor token, as resolve does: the same limit.
      await limit(ctx, ctx.limiters.threadCreates, request, 'resumed conversations');
      const agent = await agentFor(request);
      const presented = request.body.resume_token;
      if (!isResumeToken(presented)) throw new ApiError('not_found', RESUME_UNKNOWN_MESSAGE);
      const token = newVisitorToken();
      const spent = await ctx.storage.resumeTokens.spend({
        tokenHash: hashResumeToken(presented),
        agentId: agent.id,
        at: new Date().toISOString(),
        visitorTokenHash: hashVisitorToken(token),
      });
      if (spent.outcome === 'unknown') throw new ApiError('not_found', RESUME_UNKNOWN_MESSAGE);
      if (spent.outcome === 'spent') {
        throw new ApiError(
          'conflict',
          'This link was already used. Your conversation is still there if you opened it in this browser; otherwise start a new one.',
        );
      }
      if (spent.outcome === 'expired') {
        throw new ApiError('not_found', 'This link has expired (links work for 7 days). Start a new conversation instead.', {
          status: 410,
        });
      }
      const visitor = await ctx.storage.visitors.ofThread(spent.threadId);
      if (!visitor) throw new ApiError('not_found', RESUME_UNKNOWN_MESSAGE);
      if (agent.requireVerifiedIdentity && !visitor.verified) throw new ApiError('identity_required', IDENTITY_REQUIRED_MESSAGE);
      return { thread_id: spent.threadId, sender_id: visitorSenderId(visitor.id), visitor_token: token, verified: visitor.verified };
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/chat/public/:slug/threads',
    {
      schema: {
        tags: ['public'],
        summary: "[ext] The visitor's own conversations with this agent, newest first (resume one with its id); Bearer visitor token",
        params: slugParams,
        response: { 200: visitorThreadListResponse, ...errorResponses },
      },
    },
    async (request) => {
      await limit(ctx, ctx.limiters.messages, request, 'requests');
      const visitor = await callingVisitor(request);
      const threads = await ctx.storage.visitors.threadsOf(visitor.id, VISITOR_THREAD_LIST_LIMIT);
      return {
        threads: threads.map((summary) => ({
          id: summary.id,
          status: summary.status,
          last_message: summary.lastMessage,
          updated_at: summary.updatedAt,
        })),
      };
    },
  );

  app.get<{ Params: { slug: string; thread_id: string }; Querystring: { last_thread_seq: number; limit: number } }>(
    '/chat/public/:slug/threads/:thread_id/events',
    {
      schema: {
        tags: ['public'],
        summary: "A visitor's thread history (poll); Bearer visitor token; team-only events as hidden placeholders",
        params: publicThreadParams,
        querystring: { ...pollQuery, properties: { ...pollQuery.properties, ...ignoredEmailQuery } },
        response: { 200: publicPollResponse, ...errorResponses },
      },
    },
    async (request) => {
      const visitor = await visitorOf(request);
      return ctx.threads.listEvents(visitor, request.params.thread_id, request.query.last_thread_seq, request.query.limit);
    },
  );

  app.post<{ Params: { slug: string; thread_id: string }; Body: SendInput }>(
    '/chat/public/:slug/threads/:thread_id/messages',
    {
      schema: {
        tags: ['public'],
        summary: 'Send as the visitor (fallback when the socket is down); Bearer visitor token',
        params: publicThreadParams,
        querystring: { type: 'object', properties: ignoredEmailQuery },
        body: sendMessageBody,
        response: { 200: messageResponse, 201: messageResponse, 409: { $ref: 'Error#' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      await limit(ctx, ctx.limiters.messages, request, 'messages');
      const visitor = await visitorOf(request);
      const { created, message } = await ctx.threads.postMessage(visitor, request.params.thread_id, request.body);
      reply.code(created ? 201 : 200);
      return { message };
    },
  );

  app.post<{ Params: { slug: string; thread_id: string } }>(
    '/chat/public/:slug/threads/:thread_id/handoff-request',
    {
      schema: {
        tags: ['public'],
        summary:
          '[ext] The visitor asks for a person: commits escalation_created (visitor_request) and waiting (201); while waiting, 200 and nothing; Bearer visitor token',
        params: publicThreadParams,
        response: { 200: handoffRequestResponse, 201: handoffRequestResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      await limit(ctx, ctx.limiters.messages, request, 'requests');
      const visitor = await visitorOf(request);
      const { committed, thread } = await ctx.ownership.requestPerson(visitor, request.params.thread_id);
      reply.code(committed ? 201 : 200);
      return { thread_id: thread.id, status: thread.status, waiting_since: thread.waitingSince };
    },
  );

  app.delete<{ Params: { slug: string } }>(
    '/chat/public/:slug/visitor-token',
    {
      schema: {
        tags: ['public'],
        summary:
          '[ext] Forget this device: revoke the Bearer visitor token (the conversation stays with the owners); 204 also when it was no longer valid',
        params: slugParams,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const agent = await agentFor(request);
      const token = bearerToken(request.headers.authorization);
      if (!token || !isVisitorToken(token)) throw new ApiError('unauthorized', SEND_TOKEN_MESSAGE);
      const tokenHash = hashVisitorToken(token);
      // Expired tokens are revoked too; an unknown one is already as good as revoked.
      const visitor = await ctx.storage.visitors.byToken(agent.id, tokenHash);
      if (visitor && (await ctx.storage.visitors.revokeToken(agent.id, tokenHash))) ctx.visitorTokensRevoked(visitor.id, tokenHash);
      reply.code(204);
      return null;
    },
  );
}
