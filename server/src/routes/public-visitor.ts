import type { FastifyRequest } from 'fastify';
import { expiredTokenMessage } from '../auth/visitor-token-check.ts';
import { bearerToken } from '../auth/visitor-tokens.ts';
import { isOriginAllowed } from '../http/allowed-origins.ts';
import { ApiError, notFound } from '../http/errors.ts';
import type { Limiter } from '../http/rate-limiter.ts';
import type { AgentRecord, VisitorRecord } from '../storage/storage.ts';
import { VISITOR_DEFAULT_NAME, visitorSenderId, type Principal } from '../threads/principal.ts';
import type { AppContext } from './app-context.ts';

/** The one answer for a refused website (CONTRACT §7); the widget shows it. */
const ORIGIN_REFUSED_MESSAGE = 'This website is not allowed to use this chat.';
export const SEND_TOKEN_MESSAGE = 'Send the visitor token from the resolve call as "Authorization: Bearer vt_…".';
export const IDENTITY_REQUIRED_MESSAGE =
  'This chat is only for signed-in customers: the website must identify the visitor with an identity token.';

/** Takes one from `limiter` for the request's client address, or throws 429 with `Retry-After` (CONTRACT §7). */
export async function limit(ctx: AppContext, limiter: Limiter, request: FastifyRequest, what: string): Promise<void> {
  const decision = await limiter.take(ctx.clientAddresses.keyOf(request.raw));
  if (!decision.ok) {
    const seconds = Math.ceil(decision.retryAfterMs / 1000);
    throw new ApiError('rate_limited', `Too many ${what}; try again in ${seconds} s.`, { retryAfterSeconds: seconds });
  }
}

/**
 * Who a public call comes from (CONTRACT §7): the slug's agent if the calling website may use
 * it, and the visitor behind the Bearer visitor token. Shared by the public routes and the
 * visitors' attachment routes.
 */
export function publicVisitorAccess(ctx: AppContext) {
  /** The agent of the slug (404), if the calling website may use it (403). */
  async function agentFor(request: FastifyRequest<{ Params: { slug: string } }>): Promise<AgentRecord> {
    const agent = await ctx.storage.agents.bySlug(request.params.slug);
    if (!agent) throw notFound(`The agent "${request.params.slug}"`);
    if (!isOriginAllowed(agent.allowedOrigins, request.headers.origin)) throw new ApiError('forbidden', ORIGIN_REFUSED_MESSAGE);
    return agent;
  }

  /**
   * The visitor behind the request's Bearer token, if it is one of this agent's and not
   * revoked; a token unused for `VISITOR_TOKEN_IDLE_DAYS` is 401 unless `expiredIsNone`.
   */
  async function tokenVisitor(
    request: FastifyRequest,
    agent: AgentRecord,
    expiredIsNone = false,
  ): Promise<{ visitor: VisitorRecord; token: string } | undefined> {
    const token = bearerToken(request.headers.authorization);
    if (!token) return undefined;
    const check = await ctx.visitorTokens.check(agent.id, token);
    if (check.ok) return { visitor: check.visitor, token };
    if (check.reason === 'expired' && !expiredIsNone) throw new ApiError('unauthorized', expiredTokenMessage(ctx.visitorTokens.idleDays));
    return undefined;
  }

  /** The visitor of a visitor's call and its agent: 401 without a valid token of this agent, 401 `identity_required` if unverified where that is required. */
  async function callingVisitorOfAgent(
    request: FastifyRequest<{ Params: { slug: string } }>,
  ): Promise<{ visitor: VisitorRecord; agent: AgentRecord }> {
    const agent = await agentFor(request);
    if (!bearerToken(request.headers.authorization)) throw new ApiError('unauthorized', SEND_TOKEN_MESSAGE);
    const visitor = (await tokenVisitor(request, agent))?.visitor;
    if (!visitor) throw new ApiError('unauthorized', 'This visitor token is not valid; start the conversation again.');
    if (agent.requireVerifiedIdentity && !visitor.verified) throw new ApiError('identity_required', IDENTITY_REQUIRED_MESSAGE);
    return { visitor, agent };
  }

  /** The visitor of a visitor's call (see {@link callingVisitorOfAgent}). */
  async function callingVisitor(request: FastifyRequest<{ Params: { slug: string } }>): Promise<VisitorRecord> {
    return (await callingVisitorOfAgent(request)).visitor;
  }

  /** The visitor principal of a thread call and its agent: 401 without a valid token, one 404 for "not yours" and "no such thread". */
  async function threadVisitorOf(
    request: FastifyRequest<{ Params: { slug: string; thread_id: string } }>,
  ): Promise<{ principal: Principal; agent: AgentRecord }> {
    const { visitor, agent } = await callingVisitorOfAgent(request);
    const threadId = request.params.thread_id;
    const owner = await ctx.storage.visitors.ofThread(threadId);
    if (!owner || owner.id !== visitor.id) throw notFound('The conversation');
    const principal: Principal = {
      kind: 'visitor',
      id: visitor.id,
      senderId: visitorSenderId(visitor.id),
      name: visitor.name ?? VISITOR_DEFAULT_NAME,
      threadId,
    };
    return { principal, agent };
  }

  /** The visitor principal of a thread call (see {@link threadVisitorOf}). */
  async function visitorOf(request: FastifyRequest<{ Params: { slug: string; thread_id: string } }>): Promise<Principal> {
    return (await threadVisitorOf(request)).principal;
  }

  return { agentFor, tokenVisitor, callingVisitor, visitorOf, threadVisitorOf };
}
