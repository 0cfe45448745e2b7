/**
 * The inbox's calls for a user's notification settings and web push subscriptions
 * (CONTRACT §12), validated at the boundary like the rest of the inbox API (inbox-api.ts
 * spreads them in).
 */
import * as v from 'valibot';
import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_KINDS,
  NOTIFICATION_LANGUAGES,
  type NotificationKind,
  type NotificationSettings,
} from '../protocol/notifications.ts';
import { parseWith, type HttpClient } from './http-client.ts';

/** One of the user's push subscriptions as listed: the push service's origin only (an endpoint is a credential). */
export interface PushDevice {
  id: string;
  endpoint_origin: string;
  created_at: string;
  last_used_at: string | null;
}

/** What `PushSubscription.toJSON()` gives, as `POST /me/push-subscriptions` takes it. */
export interface PushSubscriptionInput {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface NotificationSettingsApi {
  /** The user's settings (the defaults until they save), `language` always filled. */
  getNotificationSettings(signal?: AbortSignal): Promise<Required<NotificationSettings>>;
  /** Replaces all of them; resolves with what the server stored. */
  saveNotificationSettings(settings: NotificationSettings, signal?: AbortSignal): Promise<Required<NotificationSettings>>;
  /** The key `PushManager.subscribe` takes as `applicationServerKey` (base64url). */
  vapidPublicKey(signal?: AbortSignal): Promise<string>;
  /** Adds this browser's subscription (the same endpoint again gives the same id). */
  addPushSubscription(subscription: PushSubscriptionInput, signal?: AbortSignal): Promise<{ id: string }>;
  listPushSubscriptions(signal?: AbortSignal): Promise<PushDevice[]>;
  removePushSubscription(id: string, signal?: AbortSignal): Promise<void>;
}

const channelList = v.array(v.picklist(NOTIFICATION_CHANNELS));
const settingsSchema = v.object({
  channels: v.object(
    Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, channelList])) as Record<NotificationKind, typeof channelList>,
  ),
  email_delay_minutes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  quiet_hours: v.nullable(v.object({ start: v.string(), end: v.string(), time_zone: v.string() })),
  // An older server leaves it out: its emails are in English.
  language: v.optional(v.picklist(NOTIFICATION_LANGUAGES), 'en'),
});
const vapidSchema = v.object({ key: v.pipe(v.string(), v.minLength(1)) });
const idSchema = v.object({ id: v.pipe(v.string(), v.minLength(1)) });
const deviceListSchema = v.object({
  subscriptions: v.array(
    v.object({ id: v.string(), endpoint_origin: v.string(), created_at: v.string(), last_used_at: v.nullable(v.string()) }),
  ),
});

export function notificationSettingsCalls(http: HttpClient): NotificationSettingsApi {
  return {
    getNotificationSettings: (signal) => http.request('GET', '/me/notification-settings', { signal, parse: parseWith(settingsSchema) }),
    saveNotificationSettings: (settings, signal) =>
      http.request('PUT', '/me/notification-settings', { body: settings, signal, parse: parseWith(settingsSchema) }),
    vapidPublicKey: async (signal) => (await http.request('GET', '/push/vapid-public-key', { signal, parse: parseWith(vapidSchema) })).key,
    addPushSubscription: (subscription, signal) =>
      http.request('POST', '/me/push-subscriptions', {
        // Only the fields the server takes: `toJSON()` also carries `expirationTime`.
        body: { endpoint: subscription.endpoint, keys: { p256dh: subscription.keys.p256dh, auth: subscription.keys.auth } },
        signal,
        parse: parseWith(idSchema),
      }),
    listPushSubscriptions: async (signal) =>
      (await http.request('GET', '/me/push-subscriptions', { signal, parse: parseWith(deviceListSchema) })).subscriptions,
    removePushSubscription: (id, signal) => http.request<void>('DELETE', `/me/push-subscriptions/${encodeURIComponent(id)}`, { signal }),
  };
}
