/**
 * The inbox's calls for the user's notifications (CONTRACT §12, "In the app"), validated at the
 * boundary like the rest of the inbox API (inbox-api.ts spreads them in).
 */
import * as v from 'valibot';
import type { InvalidItemHandler } from '../protocol/rest-schemas.ts';
import { inboundNotificationSchema, type InboundNotification } from '../protocol/server-frame-schemas.ts';
import type { HttpClient } from './http-client.ts';

/** One page of `GET /me/notifications`, newest first, with the user's unread count at that moment. */
export interface NotificationPage {
  notifications: InboundNotification[];
  next_cursor: string | null;
  unread_count: number;
}

/** What `POST /me/notifications/read` marks: these ids, or every notification of the user. */
export type NotificationReadTarget = { ids: readonly string[] } | { all: true };

export interface NotificationsApi {
  /** The user's notifications, newest first (only of threads they can still read); `unread` lists the unread ones only. */
  listNotifications(query?: { unread?: boolean; cursor?: string | null; limit?: number }, signal?: AbortSignal): Promise<NotificationPage>;
  /** Marks notifications read; resolves with the user's unread count after it. */
  markNotificationsRead(target: NotificationReadTarget, signal?: AbortSignal): Promise<number>;
}

const countSchema = v.pipe(v.number(), v.integer(), v.minValue(0));
const pageSchema = v.looseObject({
  notifications: v.array(v.unknown()),
  next_cursor: v.optional(v.nullable(v.string()), null),
  unread_count: countSchema,
});
const readAnswerSchema = v.looseObject({ unread_count: countSchema });

/** Parses a page; a notification that fails its schema is dropped (and told), the rest of the page is kept. */
export function parseNotificationPage(json: unknown, onInvalid?: InvalidItemHandler): NotificationPage {
  const page = v.parse(pageSchema, json);
  const notifications: InboundNotification[] = [];
  for (const item of page.notifications) {
    const result = v.safeParse(inboundNotificationSchema, item);
    if (result.success) notifications.push(result.output);
    else {
      const kind = typeof item === 'object' && item !== null ? (item as { kind?: unknown }).kind : undefined;
      onInvalid?.('notification', typeof kind === 'string' ? kind : null);
    }
  }
  return { notifications, next_cursor: page.next_cursor, unread_count: page.unread_count };
}

/** The §12 in-app calls over the inbox API's HTTP client. */
export function notificationCalls(http: HttpClient, onInvalid?: InvalidItemHandler): NotificationsApi {
  return {
    listNotifications: (query = {}, signal) =>
      http.request('GET', '/me/notifications', {
        query: { unread: query.unread ? 'true' : undefined, cursor: query.cursor ?? undefined, limit: query.limit },
        signal,
        parse: (json) => parseNotificationPage(json, onInvalid),
      }),
    markNotificationsRead: (target, signal) =>
      http.request('POST', '/me/notifications/read', {
        body: 'all' in target ? { all: true } : { ids: [...target.ids] },
        signal,
        parse: (json) => v.parse(readAnswerSchema, json).unread_count,
      }),
  };
}
