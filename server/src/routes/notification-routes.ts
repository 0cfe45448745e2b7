import type { FastifyInstance } from 'fastify';
import { NOTIFICATION_CHANNELS, NOTIFICATION_KINDS } from '../../../src/core/protocol/notifications.ts';
import { requireUser } from '../http/authenticate.ts';
import { badRequest } from '../http/errors.ts';
import { errorResponses } from '../http/schemas.ts';
import { effectiveSettings, parseSettings, SettingsRejected } from '../notifications/notification-settings.ts';
import { MAX_NOTIFICATION_PAGE } from '../storage/notification-rows.ts';
import type { AppContext } from './app-context.ts';

/** Notifications a page holds by default. */
export const NOTIFICATION_PAGE_DEFAULT = 30;
/** Ids one `POST /me/notifications/read` may name. */
export const MAX_READ_IDS = 500;
const CURSOR_PATTERN = /^[1-9]\d{0,15}$/;

const notification = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: [...NOTIFICATION_KINDS] },
    thread_id: { type: 'string' },
    thread_seq: { type: 'integer' },
    title: { type: 'string' },
    body: { type: 'string' },
    created_at: { type: 'string' },
    read_at: { type: ['string', 'null'] },
    // [ext] A `message` notification standing for several messages (one unread per user and thread, updated in place).
    count: { type: 'integer', minimum: 2 },
  },
  required: ['id', 'kind', 'thread_id', 'thread_seq', 'title', 'body', 'created_at', 'read_at'],
} as const;

const channelList = { type: 'array', items: { type: 'string', enum: [...NOTIFICATION_CHANNELS] } } as const;
const settingsShape = {
  type: 'object',
  properties: {
    channels: { type: 'object', properties: Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, channelList])) },
    email_delay_minutes: { type: 'integer' },
    quiet_hours: {
      type: ['object', 'null'],
      properties: { start: { type: 'string' }, end: { type: 'string' }, time_zone: { type: 'string' } },
    },
    language: { type: 'string' },
  },
  required: ['channels', 'email_delay_minutes', 'quiet_hours', 'language'],
} as const;

/** `/me/notification-settings` and `/me/notifications` (CONTRACT §12). */
export function notificationRoutes(app: FastifyInstance, ctx: AppContext): void {
  const store = ctx.storage.notifications;

  app.get(
    '/me/notification-settings',
    { schema: { tags: ['notifications'], summary: 'My notification settings', response: { 200: settingsShape, ...errorResponses } } },
    async (request) => {
      const user = requireUser(await ctx.authenticate(request));
      return effectiveSettings((await store.settingsOf([user.id])).get(user.id));
    },
  );

  app.put(
    '/me/notification-settings',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Change my notification settings (all of them at once)',
        response: { 200: settingsShape, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(await ctx.authenticate(request));
      let settings;
      try {
        settings = parseSettings(request.body);
      } catch (error) {
        if (error instanceof SettingsRejected) throw badRequest(error.message);
        throw error;
      }
      await store.saveSettings(user.id, settings);
      return settings;
    },
  );

  app.get<{ Querystring: { unread?: boolean; cursor?: string; limit: number } }>(
    '/me/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'My notifications, newest first (of threads I can still read)',
        querystring: {
          type: 'object',
          properties: {
            unread: { type: 'boolean' },
            cursor: { type: 'string', minLength: 1, maxLength: 32 },
            limit: { type: 'integer', minimum: 1, maximum: MAX_NOTIFICATION_PAGE, default: NOTIFICATION_PAGE_DEFAULT },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              notifications: { type: 'array', items: notification },
              next_cursor: { type: ['string', 'null'] },
              unread_count: { type: 'integer' },
            },
            required: ['notifications', 'next_cursor', 'unread_count'],
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const user = requireUser(await ctx.authenticate(request));
      const { unread, cursor, limit } = request.query;
      if (cursor !== undefined && !CURSOR_PATTERN.test(cursor)) {
        throw badRequest('cursor is not one this server gave out; start again without it.');
      }
      const [page, unreadCount] = await Promise.all([
        store.list(user.id, { unreadOnly: unread === true, cursor: cursor === undefined ? null : Number(cursor), limit }),
        store.unreadCount(user.id),
      ]);
      const last = page.positions[page.positions.length - 1];
      return {
        notifications: page.items,
        next_cursor: page.items.length === limit && last !== undefined ? String(last) : null,
        unread_count: unreadCount,
      };
    },
  );

  app.post(
    '/me/notifications/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark notifications read: {ids} or {all: true}',
        response: {
          200: { type: 'object', properties: { unread_count: { type: 'integer' } }, required: ['unread_count'] },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const user = requireUser(await ctx.authenticate(request));
      const body = request.body as { ids?: unknown; all?: unknown } | null;
      const ids = body?.ids;
      const all = body?.all === true && ids === undefined;
      const validIds =
        Array.isArray(ids) && ids.length >= 1 && ids.length <= MAX_READ_IDS && ids.every((id) => typeof id === 'string' && id.length <= 64);
      if (!all && !(validIds && body?.all === undefined)) {
        throw badRequest(`Send {"ids": [1 to ${MAX_READ_IDS} notification ids]} or {"all": true}.`);
      }
      await store.markRead(user.id, all ? 'all' : (ids as string[]), new Date().toISOString());
      return { unread_count: await store.unreadCount(user.id) };
    },
  );
}
