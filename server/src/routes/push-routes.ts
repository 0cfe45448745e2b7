import type { FastifyInstance } from 'fastify';
import { requireUser } from '../http/authenticate.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { errorResponses } from '../http/schemas.ts';
import { UUID_PATTERN } from '../http/validation.ts';
import { ACTION_TOKEN_PREFIX } from '../notifications/approval-action-tokens.ts';
import { checkPushSubscription, endpointOrigin, MAX_PUSH_ENDPOINT_LENGTH } from '../notifications/push-subscription-input.ts';
import type { AppContext } from './app-context.ts';

/** Push subscriptions one user may have (browsers and devices); each push goes to all of them. */
export const MAX_PUSH_SUBSCRIPTIONS_PER_USER = 20;

/** Longest action token accepted (the prefix and 43 characters of base64url), with room to spare. */
const MAX_ACTION_TOKEN_LENGTH = 128;

const subscriptionList = {
  type: 'object',
  properties: {
    subscriptions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          endpoint_origin: { type: 'string' },
          created_at: { type: 'string' },
          last_used_at: { type: ['string', 'null'] },
        },
      },
    },
  },
} as const;

const decidedApproval = {
  type: 'object',
  properties: {
    approval: {
      type: 'object',
      properties: { approval_id: { type: 'string' }, status: { type: 'string' }, decided_at: { type: ['string', 'null'] } },
    },
  },
} as const;

/** Web push (CONTRACT §12): the VAPID key, a user's push subscriptions, and deciding an approval from a notification. */
export function pushRoutes(app: FastifyInstance, ctx: AppContext): void {
  const channels = () => ctx.notifyChannels;

  app.get(
    '/push/vapid-public-key',
    {
      schema: {
        tags: ['notifications'],
        summary: "The server's VAPID public key: the applicationServerKey of PushManager.subscribe",
        response: { 200: { type: 'object', properties: { key: { type: 'string' } } } },
      },
    },
    async () => ({ key: channels().vapidPublicKey }),
  );

  app.post<{ Body: { endpoint: string; keys: { p256dh: string; auth: string } } }>(
    '/me/push-subscriptions',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Add a push subscription of this browser (the same endpoint again changes nothing)',
        body: {
          type: 'object',
          properties: {
            endpoint: { type: 'string', maxLength: MAX_PUSH_ENDPOINT_LENGTH },
            keys: {
              type: 'object',
              properties: { p256dh: { type: 'string', maxLength: 200 }, auth: { type: 'string', maxLength: 100 } },
              required: ['p256dh', 'auth'],
            },
          },
          required: ['endpoint', 'keys'],
        },
        response: {
          200: { type: 'object', properties: { id: { type: 'string' } } },
          201: { type: 'object', properties: { id: { type: 'string' } } },
          409: { $ref: 'Error#' },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const principal = requireUser(await ctx.authenticate(request));
      const { guard, allowInsecure } = channels();
      const input = await checkPushSubscription(request.body, guard, allowInsecure);
      const existing = await ctx.storage.push.listForUser(principal.id);
      if (existing.length >= MAX_PUSH_SUBSCRIPTIONS_PER_USER && !existing.some((item) => item.endpoint === input.endpoint)) {
        throw new ApiError(
          'conflict',
          `You already have ${MAX_PUSH_SUBSCRIPTIONS_PER_USER} push subscriptions, the most one may have; remove one before adding another.`,
        );
      }
      const { subscription, created } = await ctx.storage.push.subscribe({ userId: principal.id, ...input });
      return reply.code(created ? 201 : 200).send({ id: subscription.id });
    },
  );

  app.get(
    '/me/push-subscriptions',
    {
      schema: {
        tags: ['notifications'],
        summary: "This user's push subscriptions (the push service's origin only: an endpoint is a credential)",
        response: { 200: subscriptionList, ...errorResponses },
      },
    },
    async (request) => {
      const principal = requireUser(await ctx.authenticate(request));
      const subscriptions = await ctx.storage.push.listForUser(principal.id);
      return {
        subscriptions: subscriptions.map((item) => ({
          id: item.id,
          endpoint_origin: endpointOrigin(item.endpoint),
          created_at: item.createdAt,
          last_used_at: item.lastUsedAt,
        })),
      };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/me/push-subscriptions/:id',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Remove one of your push subscriptions',
        params: { type: 'object', properties: { id: { type: 'string', pattern: UUID_PATTERN } }, required: ['id'] },
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = requireUser(await ctx.authenticate(request));
      // Another user's subscription is as unknown as one that never was.
      if (!(await ctx.storage.push.remove(principal.id, request.params.id))) throw notFound('The push subscription');
      return reply.code(204).send();
    },
  );

  app.post<{ Body: { action_token: string; decision: 'approve' | 'reject' } }>(
    '/approvals/decide',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Approve or reject with the one-time action token of a pushed approval_pending (no other credential)',
        security: [],
        body: {
          type: 'object',
          properties: {
            action_token: { type: 'string', pattern: `^${ACTION_TOKEN_PREFIX}`, maxLength: MAX_ACTION_TOKEN_LENGTH },
            decision: { type: 'string', enum: ['approve', 'reject'] },
          },
          required: ['action_token', 'decision'],
        },
        response: { 200: decidedApproval, 409: { $ref: 'Error#' }, 410: { $ref: 'Error#' }, ...errorResponses },
      },
    },
    async (request) => {
      const approval = await channels().actionTokens.decide(
        request.body.action_token,
        request.body.decision,
        ctx.clientAddresses.of(request.raw),
      );
      return { approval: { approval_id: approval.id, status: approval.status, decided_at: approval.decidedAt } };
    },
  );
}
