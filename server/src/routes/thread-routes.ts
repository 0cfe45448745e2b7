import type { FastifyInstance } from 'fastify';
import type { ParticipationMode } from '../../../src/core/protocol/model.ts';
import type { NoteInput } from '../../../src/core/protocol/note-input.ts';
import { requireUser } from '../http/authenticate.ts';
import {
  approvalDecisionResponse,
  errorResponses,
  messageResponse,
  noteBody,
  noteResponse,
  pollQuery,
  pollResponse,
  sendMessageBody,
  threadPageResponse,
  threadParams,
} from '../http/schemas.ts';
import { UUID_PATTERN } from '../http/validation.ts';
import type { CreateThreadInput } from '../threads/thread-service.ts';
import type { AppContext } from './app-context.ts';
import type { SendInput } from '../threads/thread-service.ts';
import { queueFilter, queueQueryProperties, type QueueQuery } from './queue-filter.ts';

const modeSchema = { type: 'string', enum: ['open', 'invocation_only'] } as const;

/** Threads, messages, private notes and the poll endpoint (CONTRACT §3–§5, §11). */
export function threadRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: { limit: number; cursor?: string } & QueueQuery }>(
    '/chat/threads',
    {
      schema: {
        tags: ['threads'],
        summary: 'My threads, newest activity first; [ext] queue filters (status=waiting: longest waiting first)',
        querystring: {
          type: 'object',
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
            cursor: { type: 'string', maxLength: 200 },
            ...queueQueryProperties,
          },
        },
        response: { 200: threadPageResponse, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(await ctx.authenticate(request));
      return ctx.threads.listThreads(user.id, request.query.limit, request.query.cursor, queueFilter(request.query, user.id));
    },
  );

  app.post<{ Body: CreateThreadInput }>(
    '/chat/threads',
    {
      schema: {
        tags: ['threads'],
        summary: 'Create a thread; the caller joins it',
        body: {
          type: 'object',
          properties: {
            target_user_ids: { type: 'array', items: { type: 'string', pattern: UUID_PATTERN }, maxItems: 100 },
            agent_ids: { type: 'array', items: { type: 'string', pattern: UUID_PATTERN }, maxItems: 20 },
            title: { type: ['string', 'null'], maxLength: 200 },
            participation_mode: modeSchema,
            initial_message: { type: 'string', maxLength: 5000 },
          },
          required: ['target_user_ids'],
        },
        response: { 201: { $ref: 'Thread#' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = await ctx.authenticate(request);
      const thread = await ctx.threads.createThread(principal, request.body);
      reply.code(201);
      return thread;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/chat/threads/:id',
    {
      schema: { tags: ['threads'], summary: 'One thread', params: threadParams, response: { 200: { $ref: 'Thread#' }, ...errorResponses } },
    },
    async (request) => {
      const principal = await ctx.authenticate(request);
      const thread = await ctx.threads.access(principal, request.params.id);
      return ctx.threads.toWire(thread, principal.kind === 'user' ? principal.id : null);
    },
  );

  app.put<{ Params: { id: string }; Body: { participation_mode: ParticipationMode } }>(
    '/chat/threads/:id/mode',
    {
      schema: {
        tags: ['threads'],
        summary: 'Set the participation mode; commits mode_changed',
        params: threadParams,
        body: { type: 'object', properties: { participation_mode: modeSchema }, required: ['participation_mode'] },
        response: { 200: { $ref: 'Thread#' }, ...errorResponses },
      },
    },
    async (request) => {
      const principal = await ctx.authenticate(request);
      return ctx.threads.setMode(principal, request.params.id, request.body.participation_mode);
    },
  );

  app.post<{ Params: { id: string }; Body: { seq: number } }>(
    '/chat/threads/:id/read',
    {
      schema: {
        tags: ['threads'],
        summary: 'Mark read up to seq (never moves backwards)',
        params: threadParams,
        body: { type: 'object', properties: { seq: { type: 'integer', minimum: 0 } }, required: ['seq'] },
        response: { 200: { type: 'object', properties: { read_seq: { type: 'integer' } } }, ...errorResponses },
      },
    },
    async (request) => {
      const principal = await ctx.authenticate(request);
      return { read_seq: await ctx.threads.markRead(principal, request.params.id, request.body.seq) };
    },
  );

  app.post<{ Params: { id: string }; Body: SendInput }>(
    '/chat/threads/:id/messages',
    {
      schema: {
        tags: ['messages'],
        summary: 'Send a message; idempotent on client_message_id',
        params: threadParams,
        body: sendMessageBody,
        response: { 200: messageResponse, 201: messageResponse, 409: { $ref: 'Error#' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = await ctx.authenticateSend(request);
      const { created, message } = await ctx.threads.postMessage(principal, request.params.id, request.body);
      reply.code(created ? 201 : 200);
      return { message };
    },
  );

  app.post<{ Params: { id: string }; Body: NoteInput }>(
    '/chat/threads/:id/notes',
    {
      schema: {
        tags: ['messages'],
        summary: '[ext] Write a private note (team only; visitors see a hidden placeholder); idempotent on client_message_id',
        params: threadParams,
        body: noteBody,
        response: { 200: noteResponse, 201: noteResponse, 409: { $ref: 'Error#' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = await ctx.authenticate(request);
      const { created, note } = await ctx.threads.addNote(principal, request.params.id, request.body);
      reply.code(created ? 201 : 200);
      return { note };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { last_thread_seq: number; limit: number } }>(
    '/chat/threads/:id/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Poll the log: events after last_thread_seq, ascending',
        params: threadParams,
        querystring: pollQuery,
        response: { 200: pollResponse, ...errorResponses },
      },
    },
    async (request) => {
      const principal = await ctx.authenticate(request);
      return ctx.threads.listEvents(principal, request.params.id, request.query.last_thread_seq, request.query.limit);
    },
  );

  app.post<{ Params: { id: string; approval_id: string }; Body: { decision: 'approve' | 'reject' } }>(
    '/chat/threads/:id/approvals/:approval_id',
    {
      schema: {
        tags: ['agents'],
        summary: 'Approve or reject a pending tool call',
        params: {
          type: 'object',
          properties: { id: { type: 'string', pattern: UUID_PATTERN }, approval_id: { type: 'string', pattern: UUID_PATTERN } },
          required: ['id', 'approval_id'],
        },
        body: { type: 'object', properties: { decision: { type: 'string', enum: ['approve', 'reject'] } }, required: ['decision'] },
        response: { 200: approvalDecisionResponse, 409: { $ref: 'Error#' }, ...errorResponses },
      },
    },
    async (request) => {
      const principal = await ctx.authenticate(request);
      const approval = await ctx.runtime.decide(
        principal,
        request.params.id,
        request.params.approval_id,
        request.body.decision,
        ctx.clientAddresses.of(request.raw),
      );
      return { approval_id: approval.id, status: approval.status, decided_at: approval.decidedAt };
    },
  );

  app.post<{ Params: { id: string; run_id: string } }>(
    '/chat/threads/:id/runs/:run_id/retry',
    {
      schema: {
        tags: ['agents'],
        summary: '[ext] Run the agent again for the message a failed, retryable run answered',
        params: {
          type: 'object',
          properties: { id: { type: 'string', pattern: UUID_PATTERN }, run_id: { type: 'string', pattern: UUID_PATTERN } },
          required: ['id', 'run_id'],
        },
        response: { 202: { type: 'object', properties: { retried: { type: 'boolean' } } }, 409: { $ref: 'Error#' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = await ctx.authenticate(request);
      await ctx.runtime.retry(principal, request.params.id, request.params.run_id);
      reply.code(202);
      return { retried: true };
    },
  );
}
