import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { badRequest, notFound } from '../http/errors.ts';
import { errorResponses } from '../http/schemas.ts';
import { UUID_PATTERN } from '../http/validation.ts';
import type { AppContext } from './app-context.ts';

function checkCallbackUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest('callback_url is not a URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest('callback_url must be an http or https URL.');
  if (url.username || url.password) throw badRequest('callback_url must not carry credentials.');
  return url.toString();
}

/** Webhook subscriptions of a thread (CONTRACT §8, seed 001). */
export function webhookRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Params: { id: string }; Body: { callback_url: string } }>(
    '/chat/threads/:id/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Subscribe a URL to the thread\'s durable events; the secret is shown once',
        params: { type: 'object', properties: { id: { type: 'string', pattern: UUID_PATTERN } }, required: ['id'] },
        body: { type: 'object', properties: { callback_url: { type: 'string', minLength: 1, maxLength: 2000 } }, required: ['callback_url'] },
        response: {
          201: {
            type: 'object',
            properties: {
              subscription_id: { type: 'string' },
              thread_id: { type: 'string' },
              callback_url: { type: 'string' },
              active: { type: 'boolean' },
              created_at: { type: 'string' },
              secret: { type: 'string' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const principal = await ctx.authenticate(request);
      const callbackUrl = checkCallbackUrl(request.body.callback_url);
      await ctx.threads.access(principal, request.params.id);
      const record = await ctx.storage.createWebhook({
        threadId: request.params.id,
        callbackUrl,
        secret: `whsec_${randomBytes(24).toString('base64url')}`,
        createdBy: principal.senderId,
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
      await ctx.threads.access(principal, request.params.id);
      const removed = await ctx.storage.deleteWebhook(request.params.id, request.params.subscription_id);
      if (!removed) throw notFound('The subscription');
      ctx.webhooks.forget(request.params.subscription_id);
      reply.code(204);
      return null;
    },
  );
}
