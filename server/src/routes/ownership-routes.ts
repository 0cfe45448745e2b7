import type { FastifyInstance } from 'fastify';
import { THREAD_STATUSES } from '../../../src/core/protocol/ownership.ts';
import { requireUser } from '../http/authenticate.ts';
import { errorResponses, queueCountsResponse, threadParams } from '../http/schemas.ts';
import type { StatusInput } from '../threads/ownership-service.ts';
import type { AppContext } from './app-context.ts';

/** Who owns a thread (CONTRACT §11): its status, its assignee, the caller's queue counts. */
export function ownershipRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/chat/threads/counts',
    {
      schema: {
        tags: ['threads'],
        summary: '[ext] My queue counts; mine and unassigned count open and waiting threads',
        response: { 200: queueCountsResponse, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(await ctx.authenticate(request));
      return ctx.ownership.counts(user.id);
    },
  );

  app.put<{ Params: { id: string }; Body: StatusInput }>(
    '/chat/threads/:id/status',
    {
      schema: {
        tags: ['threads'],
        summary: '[ext] Set the status; commits status_changed (the same status again commits nothing)',
        params: threadParams,
        body: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: [...THREAD_STATUSES] },
            snoozed_until: { type: ['string', 'null'], maxLength: 64, description: 'required with snoozed: a future ISO-8601 time' },
          },
          required: ['status'],
        },
        response: { 200: { $ref: 'Thread#' }, ...errorResponses },
      },
    },
    async (request) => ctx.ownership.setStatus(await ctx.authenticate(request), request.params.id, request.body),
  );

  app.post<{ Params: { id: string } }>(
    '/chat/threads/:id/takeover',
    {
      schema: {
        tags: ['threads'],
        summary: '[ext] Take over from the agent: you become assignee, the agent pauses, its runs stop; commits handoff',
        params: threadParams,
        response: { 200: { $ref: 'Thread#' }, ...errorResponses },
      },
    },
    async (request) => ctx.ownership.takeOver(await ctx.authenticate(request), request.params.id, ctx.clientAddresses.of(request.raw)),
  );

  app.post<{ Params: { id: string } }>(
    '/chat/threads/:id/handback',
    {
      schema: {
        tags: ['threads'],
        summary: '[ext] Hand back to the agent: it answers again; commits handback',
        params: threadParams,
        response: { 200: { $ref: 'Thread#' }, ...errorResponses },
      },
    },
    async (request) => ctx.ownership.handBack(await ctx.authenticate(request), request.params.id),
  );

  app.put<{ Params: { id: string }; Body: { assignee_id: string | null } }>(
    '/chat/threads/:id/assignee',
    {
      schema: {
        tags: ['threads'],
        summary: '[ext] Assign to a person who can read the thread (null unassigns); commits assignee_changed',
        params: threadParams,
        body: {
          type: 'object',
          properties: { assignee_id: { type: ['string', 'null'], maxLength: 64, description: 'user:<uuid>, or null' } },
          required: ['assignee_id'],
        },
        response: { 200: { $ref: 'Thread#' }, ...errorResponses },
      },
    },
    async (request) =>
      ctx.ownership.setAssignee(
        await ctx.authenticate(request),
        request.params.id,
        request.body.assignee_id,
        ctx.clientAddresses.of(request.raw),
      ),
  );
}
