import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ACCOUNT_GONE_MESSAGE } from '../http/authenticate.ts';
import { ApiError, badRequest, notFound } from '../http/errors.ts';
import { createdWebhookResponse, errorResponses, webhookListResponse } from '../http/schemas.ts';
import { UUID_PATTERN } from '../http/validation.ts';
import type { WebhookRecord } from '../storage/storage.ts';
import { AddressRefused, bareHost } from '../webhooks/address-guard.ts';
import { shownCallbackUrl } from '../webhooks/shown-callback-url.ts';
import type { AppContext } from './app-context.ts';
import { auditAgentOf, auditEntry, SYSTEM_ACTOR } from '../privacy/audit-entry.ts';

/** Active subscriptions a thread may have at once (CONTRACT §8). */
const MAX_WEBHOOKS_PER_THREAD = 10;

function checkCallbackUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest('callback_url is not a URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest('callback_url must be an http or https URL.');
  if (url.username || url.password) throw badRequest('callback_url must not carry credentials.');
  return url;
}

/** Registrations of one thread go one at a time, so two at once cannot both take the last place. */
const registering = new Map<string, Promise<unknown>>();
function oneAtATime<T>(threadId: string, work: () => Promise<T>): Promise<T> {
  const next = (registering.get(threadId) ?? Promise.resolve()).then(work, work);
  const settled = next.catch(() => undefined);
  registering.set(threadId, settled);
  void settled.then(() => {
    if (registering.get(threadId) === settled) registering.delete(threadId);
  });
  return next;
}

/** A subscription as the thread's participants see it: no secret, the URL without credentials. */
function listed(record: WebhookRecord) {
  return {
    subscription_id: record.id,
    thread_id: record.threadId,
    callback_url: shownCallbackUrl(record.callbackUrl),
    active: record.active,
    ...(record.inactiveReason ? { inactive_reason: record.inactiveReason } : {}),
    created_by: record.createdBy,
    created_at: record.createdAt,
  };
}

const threadParams = { type: 'object', properties: { id: { type: 'string', pattern: UUID_PATTERN } }, required: ['id'] } as const;

/** Webhook subscriptions of a thread (CONTRACT §8, seed 001). */
export function webhookRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Params: { id: string }; Body: { callback_url: string } }>(
    '/chat/threads/:id/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: "Subscribe a URL to the thread's durable events; the secret is shown once",
        params: threadParams,
        body: {
          type: 'object',
          properties: { callback_url: { type: 'string', minLength: 1, maxLength: 2000 } },
          required: ['callback_url'],
        },
        response: { 201: createdWebhookResponse, 409: { $ref: 'Error#' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = await ctx.authenticate(request);
      const callbackUrl = checkCallbackUrl(request.body.callback_url);
      const thread = await ctx.threads.access(principal, request.params.id);
      if (principal.kind !== 'user')
        throw new ApiError('forbidden', 'Only people taking part in the thread can register webhooks; agent tokens cannot.');
      const creatorSessionVersion = principal.sessionVersion ?? (await ctx.storage.users.get(principal.id))?.sessionVersion;
      if (creatorSessionVersion === undefined) throw new ApiError('unauthorized', ACCOUNT_GONE_MESSAGE);
      // Checked here for a clear answer, and again on every delivery (the name may be rebound).
      try {
        await ctx.webhookGuard.addressesOf(bareHost(callbackUrl));
      } catch (error) {
        if (!(error instanceof AddressRefused)) throw error;
        throw badRequest(
          `callback_url is refused: ${error.message}. Webhooks may not reach the server's own networks (loopback, private, link-local, CGNAT, unique-local); WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows them for local development.`,
        );
      }
      const record = await oneAtATime(request.params.id, async () => {
        const active = await ctx.storage.webhooks.listActive(request.params.id);
        if (active.length >= MAX_WEBHOOKS_PER_THREAD) {
          throw new ApiError(
            'conflict',
            `This thread already has ${MAX_WEBHOOKS_PER_THREAD} webhooks, the most it may have; delete one before adding another.`,
          );
        }
        return ctx.storage.webhooks.create(
          {
            threadId: request.params.id,
            callbackUrl: callbackUrl.toString(),
            secret: `whsec_${randomBytes(24).toString('base64url')}`,
            createdBy: principal.senderId,
            // The version this request was authenticated with: a password change since, even one racing this request, ends it.
            creatorSessionVersion,
          },
          // By id: the callback URL may carry a credential of the receiver's, and the secret is one.
          (webhookId) =>
            auditEntry({
              agentId: auditAgentOf(thread.participants),
              actor: principal.senderId,
              action: 'webhook.created',
              target: `webhook:${webhookId}`,
              details: { thread_id: thread.id },
              address: ctx.clientAddresses.of(request.raw),
            }),
        );
      });
      reply.code(201);
      return {
        subscription_id: record.id,
        thread_id: record.threadId,
        callback_url: record.callbackUrl,
        active: record.active,
        created_at: record.createdAt,
        secret: record.secret,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/chat/threads/:id/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: "The thread's webhooks, on and off, for everyone taking part (never their secrets)",
        params: threadParams,
        response: { 200: webhookListResponse, ...errorResponses },
      },
    },
    async (request) => {
      const principal = await ctx.authenticate(request);
      await ctx.threads.access(principal, request.params.id);
      return { webhooks: (await ctx.storage.webhooks.list(request.params.id)).map(listed) };
    },
  );

  app.delete<{ Params: { id: string; subscription_id: string } }>(
    '/chat/threads/:id/webhooks/:subscription_id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Unsubscribe',
        params: {
          type: 'object',
          properties: { id: { type: 'string', pattern: UUID_PATTERN }, subscription_id: { type: 'string', pattern: UUID_PATTERN } },
          required: ['id', 'subscription_id'],
        },
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = await ctx.authenticate(request);
      const thread = await ctx.threads.access(principal, request.params.id);
      // Anyone who reads the thread may end any of its webhooks; an agent only its own (agents cannot subscribe today).
      if (principal.kind !== 'user') {
        const record = await ctx.storage.webhooks.get(request.params.subscription_id);
        if (!record || record.threadId !== request.params.id) throw notFound('The subscription');
        if (record.createdBy !== principal.senderId) {
          throw new ApiError('forbidden', 'An agent cannot delete a webhook a person registered; someone taking part in the thread can.');
        }
      }
      const removed = await ctx.storage.webhooks.delete(
        request.params.id,
        request.params.subscription_id,
        auditEntry({
          agentId: auditAgentOf(thread.participants),
          // An agent's token deletes as `agent:<uuid>`; anyone else is a user. The contract's actors are users, admin and system:
          // an agent deleting its own webhook is the system's doing on its behalf, named in details.
          actor: principal.kind === 'user' ? principal.senderId : SYSTEM_ACTOR,
          action: 'webhook.deleted',
          target: `webhook:${request.params.subscription_id}`,
          details: principal.kind === 'user' ? { thread_id: thread.id } : { thread_id: thread.id, requested_by: principal.senderId },
          address: ctx.clientAddresses.of(request.raw),
        }),
      );
      if (!removed) throw notFound('The subscription');
      ctx.webhooks.forget(request.params.subscription_id);
      reply.code(204);
      return null;
    },
  );
}
