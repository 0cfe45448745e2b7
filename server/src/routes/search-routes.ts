import type { FastifyInstance } from 'fastify';
import { requireUser } from '../http/authenticate.ts';
import { errorResponses } from '../http/schemas.ts';
import { UUID_PATTERN } from '../http/validation.ts';
import { MAX_QUERY_LENGTH } from '../search/search-query.ts';
import { searchFor } from '../search/search-service.ts';
import type { AppContext } from './app-context.ts';

/** Results a page holds at most, and by default (CONTRACT §11 "Search"). */
export const SEARCH_LIMIT_MAX = 50;
export const SEARCH_LIMIT_DEFAULT = 20;

const searchResult = {
  type: 'object',
  properties: {
    thread_id: { type: 'string' },
    thread_seq: { type: 'integer' },
    event_type: { type: 'string' },
    sender_id: { type: ['string', 'null'] },
    created_at: { type: 'string' },
    snippet: {
      type: 'object',
      properties: {
        text: { type: 'string' },
        highlights: { type: 'array', items: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 } },
      },
      required: ['text', 'highlights'],
    },
  },
  required: ['thread_id', 'event_type', 'sender_id', 'created_at', 'snippet'],
} as const;

/** `GET /chat/search`: messages, notes and threads the caller may read (CONTRACT §11). */
export function searchRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: { q: string; thread_id?: string; limit: number; cursor?: string } }>(
    '/chat/search',
    {
      schema: {
        tags: ['threads'],
        summary: 'Search messages, notes and threads I can read: threads first, then newest first',
        querystring: {
          type: 'object',
          properties: {
            q: { type: 'string', minLength: 1, maxLength: MAX_QUERY_LENGTH },
            thread_id: { type: 'string', pattern: UUID_PATTERN },
            limit: { type: 'integer', minimum: 1, maximum: SEARCH_LIMIT_MAX, default: SEARCH_LIMIT_DEFAULT },
            cursor: { type: 'string', minLength: 1, maxLength: 200 },
          },
          required: ['q'],
        },
        response: {
          200: {
            type: 'object',
            properties: { results: { type: 'array', items: searchResult }, next_cursor: { type: ['string', 'null'] } },
            required: ['results', 'next_cursor'],
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const user = requireUser(await ctx.authenticate(request));
      const { q, thread_id: threadId, limit, cursor } = request.query;
      return searchFor(ctx.storage, ctx.threads, user, { q, threadId: threadId ?? null, limit, cursor: cursor ?? null });
    },
  );
}
