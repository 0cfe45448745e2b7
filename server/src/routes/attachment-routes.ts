import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { DEFAULT_VISITOR_POLICY } from '../attachments/attachment-kinds.ts';
import { checkFileName } from '../attachments/file-name.ts';
import { sendAttachment } from '../attachments/download.ts';
import type { UploadLimits } from '../attachments/attachment-service.ts';
import { ApiError } from '../http/errors.ts';
import { errorResponses, uploadedAttachmentResponse } from '../http/schemas.ts';
import { SLUG_PATTERN, UUID_PATTERN } from '../http/validation.ts';
import type { AgentRecord } from '../storage/storage.ts';
import type { Principal } from '../threads/principal.ts';
import type { AppContext } from './app-context.ts';
import { limit, publicVisitorAccess } from './public-visitor.ts';

const nameQuery = {
  type: 'object',
  properties: { name: { type: 'string', maxLength: 1024, description: 'the file name (no folders, no control characters)' } },
} as const;
const variantQuery = {
  type: 'object',
  properties: { variant: { type: 'string', enum: ['thumbnail'], description: 'images only: the thumbnail (WebP, at most 480 px a side)' } },
} as const;
const userParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: UUID_PATTERN } },
  required: ['id'],
} as const;
const userFileParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: UUID_PATTERN }, attachment_id: { type: 'string', pattern: UUID_PATTERN } },
  required: ['id', 'attachment_id'],
} as const;
const publicParams = {
  type: 'object',
  properties: { slug: { type: 'string', pattern: SLUG_PATTERN }, thread_id: { type: 'string', pattern: UUID_PATTERN } },
  required: ['slug', 'thread_id'],
} as const;
const publicFileParams = {
  type: 'object',
  properties: { ...publicParams.properties, attachment_id: { type: 'string', pattern: UUID_PATTERN } },
  required: ['slug', 'thread_id', 'attachment_id'],
} as const;

/** The body's declared length: 411 without one (a chunked body), so the limit is known before a byte is read. */
function declaredLength(request: FastifyRequest): number {
  const raw = request.headers['content-length'];
  if (raw === undefined || !/^\d+$/.test(raw)) {
    throw new ApiError('client_error', 'Content-Length is required: send the file as the body with its length (not chunked).', {
      status: 411,
    });
  }
  return Number(raw);
}

function fileName(request: FastifyRequest<{ Querystring: { name?: string } }>): string {
  const name = checkFileName(request.query.name);
  if (typeof name !== 'string') throw name;
  return name;
}

/** What an agent lets its visitors send (its settings' `attachments`; the defaults until its owners set them). */
export function visitorLimits(agent: AgentRecord): UploadLimits & { enabled: boolean } {
  const policy = agent.attachments ?? DEFAULT_VISITOR_POLICY;
  return { enabled: policy.enabled, maxBytes: policy.maxBytes, kinds: policy.types };
}

/**
 * Attachments (CONTRACT §13): uploads by users and agents (`/chat/threads/{id}/attachments`)
 * and by visitors (`/chat/public/{slug}/threads/{id}/attachments`), and their downloads. An
 * upload's body is the raw file, handed on as a stream (never read into memory): these routes
 * have a parser of their own that takes any content type and reads nothing.
 */
export function attachmentRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { threadVisitorOf } = publicVisitorAccess(ctx);
  const service = ctx.attachments;

  void app.register(async (uploads) => {
    // The type is decided by the bytes, never by the header: any Content-Type (or none) reaches the handler unread.
    uploads.removeAllContentTypeParsers();
    uploads.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    // A refusal answered before the body was read: the connection closes, so the rest of the body is never read either.
    uploads.addHook('onSend', async (request, reply) => {
      if (reply.statusCode >= 400 && !request.raw.readableEnded) reply.header('connection', 'close');
    });

    async function receive(
      request: FastifyRequest<{ Querystring: { name?: string } }>,
      reply: FastifyReply,
      principal: Principal,
      threadId: string,
      limits: UploadLimits,
    ) {
      const declared = declaredLength(request);
      const name = fileName(request);
      await service.admit(principal, threadId, declared, limits);
      const uploaded = await service.upload({ principal, threadId, name, body: request.body as Readable, declaredBytes: declared, limits });
      return reply.code(201).send(uploaded);
    }

    uploads.post<{ Params: { id: string }; Querystring: { name?: string } }>(
      '/chat/threads/:id/attachments',
      {
        schema: {
          tags: ['attachments'],
          summary: '[ext] Upload a file into the thread (raw bytes as the body, Content-Length required); user JWT or agent token',
          params: userParams,
          querystring: nameQuery,
          response: { 201: uploadedAttachmentResponse, ...errorResponses },
        },
      },
      async (request, reply) => {
        declaredLength(request);
        const principal = await ctx.authenticate(request);
        return receive(request, reply, principal, request.params.id, { maxBytes: ctx.config.attachments.maxBytes, kinds: null });
      },
    );

    uploads.post<{ Params: { slug: string; thread_id: string }; Querystring: { name?: string } }>(
      '/chat/public/:slug/threads/:thread_id/attachments',
      {
        schema: {
          tags: ['public'],
          summary: "[ext] Upload a file as the visitor (raw bytes, Content-Length required); the agent's attachment settings apply",
          params: publicParams,
          querystring: nameQuery,
          response: { 201: uploadedAttachmentResponse, ...errorResponses },
        },
      },
      async (request, reply) => {
        declaredLength(request);
        await limit(ctx, ctx.limiters.uploads, request, 'uploads');
        const { principal, agent } = await threadVisitorOf(request);
        const limits = visitorLimits(agent);
        if (!limits.enabled) throw new ApiError('forbidden', 'This chat does not accept files.');
        return receive(request, reply, principal, request.params.thread_id, limits);
      },
    );
  });

  app.get<{ Params: { id: string; attachment_id: string }; Querystring: { variant?: 'thumbnail' } }>(
    '/chat/threads/:id/attachments/:attachment_id',
    {
      schema: {
        tags: ['attachments'],
        summary: '[ext] Download an attachment (Range and If-None-Match honoured); user JWT or agent token in Authorization',
        params: userFileParams,
        querystring: variantQuery,
        response: errorResponses,
      },
    },
    async (request, reply) => {
      const principal = await ctx.authenticate(request);
      const thumbnail = request.query.variant === 'thumbnail';
      const file = await service.open(principal, request.params.id, request.params.attachment_id, thumbnail);
      return sendAttachment(request, reply, file, thumbnail);
    },
  );

  app.get<{ Params: { slug: string; thread_id: string; attachment_id: string }; Querystring: { variant?: 'thumbnail' } }>(
    '/chat/public/:slug/threads/:thread_id/attachments/:attachment_id',
    {
      schema: {
        tags: ['public'],
        summary: '[ext] Download an attachment of the visitor’s conversation; Bearer visitor token',
        params: publicFileParams,
        querystring: variantQuery,
        response: errorResponses,
      },
    },
    async (request, reply) => {
      const { principal } = await threadVisitorOf(request);
      const thumbnail = request.query.variant === 'thumbnail';
      const file = await service.open(principal, request.params.thread_id, request.params.attachment_id, thumbnail);
      return sendAttachment(request, reply, file, thumbnail);
    },
  );
}
