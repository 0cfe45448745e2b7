/**
 * The notification objects of the wire contract (CONTRACT.md §12), shared by the server, the
 * inbox and the service worker. Fields marked [ext] are this project's additions.
 */

/** Why a user is told about an event (CONTRACT §12's table). */
export const NOTIFICATION_KINDS = ['mention', 'assigned', 'waiting', 'approval_pending', 'message'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Where a notification reaches its user. */
export const NOTIFICATION_CHANNELS = ['in_app', 'push', 'email'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** One notification as `GET /me/notifications` and the `notification` socket frame carry it. */
export interface Notification {
  id: string;
  kind: NotificationKind;
  thread_id: string;
  /** The seq of the event that made it: "open the thread at the event". */
  thread_seq: number;
  /** Plain words (no Markdown, no HTML), already in the user's language. */
  title: string;
  body: string;
  created_at: string;
  read_at: string | null;
  /**
   * [ext] How many messages a `message` notification stands for, when more than one: a user has
   * at most one unread `message` notification per thread, updated in place (same id, newest seq,
   * title and body) as messages arrive. Absent: one.
   */
  count?: number;
}

/** Quiet hours: push and email wait until they end. `start`/`end` are `HH:MM` in `time_zone` (IANA). */
export interface QuietHours {
  start: string;
  end: string;
  time_zone: string;
}

/** The languages notifications (titles, bodies, emails) are written in. */
export const NOTIFICATION_LANGUAGES = ['en', 'de'] as const;
export type NotificationLanguage = (typeof NOTIFICATION_LANGUAGES)[number];

/** `GET`/`PUT /me/notification-settings`. */
export interface NotificationSettings {
  channels: Record<NotificationKind, NotificationChannel[]>;
  email_delay_minutes: number;
  quiet_hours: QuietHours | null;
  /** [ext] The inbox's chosen language, which push and email are written in; default `en`. */
  language?: NotificationLanguage;
}

/** Every kind but `message` on all three channels; `message` in the app only (CONTRACT §12). */
export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  channels: {
    mention: ['in_app', 'push', 'email'],
    assigned: ['in_app', 'push', 'email'],
    waiting: ['in_app', 'push', 'email'],
    approval_pending: ['in_app', 'push', 'email'],
    message: ['in_app'],
  },
  email_delay_minutes: 10,
  quiet_hours: null,
  language: 'en',
};

/** The approval a pushed `approval_pending` notification can decide without another credential. */
export interface PushApprovalAction {
  approval_id: string;
  /** One-time, bound to that user and approval, expiring with it: `POST /approvals/decide`. */
  action_token: string;
}

/** The JSON a push message carries (encrypted per RFC 8291). It holds no message text beyond `title` and `body`. */
export interface PushPayload {
  notification_id: string;
  kind: NotificationKind;
  thread_id: string;
  thread_seq: number;
  title: string;
  body: string;
  actions?: PushApprovalAction;
}
