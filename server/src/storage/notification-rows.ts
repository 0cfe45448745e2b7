import { randomUUID } from 'node:crypto';
import type { Notification, NotificationKind, NotificationSettings } from '../../../src/core/protocol/notifications.ts';
import type { Row } from './row-codec.ts';
import type { NotificationDraft, QueuedDelivery, StoredNotification } from './stores/notification-store.ts';

/** How many notifications, at most, one `list` call pages through. */
export const MAX_NOTIFICATION_PAGE = 100;

const isoOf = (value: unknown): string => (value instanceof Date ? value.toISOString() : String(value));
const isoOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : isoOf(value));

/** The `notifications` row a rule's draft is stored as (both storages), with a new id; unread. */
export function notificationRow(threadId: string, draft: NotificationDraft, at: string) {
  return {
    id: randomUUID(),
    user_id: draft.userId,
    kind: draft.kind,
    thread_id: threadId,
    thread_seq: draft.threadSeq,
    title: draft.title,
    body: draft.body,
    approval_id: draft.approval?.id ?? null,
    approval_expires_at: draft.approval?.expiresAt ?? null,
    created_at: at,
    read_at: null,
    // A `message` notification is the one of its (user, thread) while unread: later messages update it.
    collapse_key: draft.collapse ? threadId : null,
    count: draft.collapse?.count ?? 1,
    sender_id: draft.collapse?.senderId ?? null,
  };
}

/** A `notifications` row (both storages) as the wire object. */
export function toNotification(row: Row): Notification {
  return {
    id: String(row.id),
    kind: String(row.kind) as NotificationKind,
    thread_id: String(row.thread_id),
    thread_seq: Number(row.thread_seq),
    title: String(row.title),
    body: String(row.body),
    created_at: isoOf(row.created_at),
    read_at: isoOrNull(row.read_at),
    // [ext] Only when it stands for several messages: absent means one, as before.
    ...(Number(row.count ?? 1) > 1 ? { count: Number(row.count) } : {}),
  };
}

/** A `notifications` row with its user and approval. */
export function toStoredNotification(row: Row): StoredNotification {
  const stored: StoredNotification = { userId: String(row.user_id), notification: toNotification(row) };
  if (row.approval_id) stored.approval = { id: String(row.approval_id), expiresAt: isoOf(row.approval_expires_at) };
  if (row.replaced === true || row.replaced === 1) stored.replaced = true;
  return stored;
}

/** A `notification_deliveries` row joined to its notification (`d_position`, `channel`, `due_at`, `attempts`). */
export function toQueuedDelivery(row: Row): QueuedDelivery {
  return {
    position: Number(row.d_position),
    channel: String(row.channel) as 'push' | 'email',
    dueAt: Number(row.due_at),
    attempts: Number(row.attempts),
    readSeq: row.reader_seq === null || row.reader_seq === undefined ? null : Number(row.reader_seq),
    item: toStoredNotification(row),
  };
}

/** Queued deliveries of both channels (rows of either, in order) split by channel. */
export function byChannel(rows: readonly Row[]): { push: QueuedDelivery[]; email: QueuedDelivery[] } {
  const split: { push: QueuedDelivery[]; email: QueuedDelivery[] } = { push: [], email: [] };
  for (const row of rows) {
    const queued = toQueuedDelivery(row);
    split[queued.channel].push(queued);
  }
  return split;
}

/**
 * Distinct settings texts kept parsed, at most: most users keep the defaults or one of a few
 * choices, and a busy thread's round reads a thousand readers' settings (issue 18's profile:
 * parsing them was a few per cent of the push path). Emptied when full.
 */
export const PARSED_SETTINGS_KEPT = 512;
const parsedSettings = new Map<string, NotificationSettings>();

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Stored settings JSON (text in SQLite, jsonb in PostgreSQL). SQLite's text is parsed once per
 * distinct text: the object is shared, so it is frozen (a change is made on a copy, as
 * `turnOffEmailInSettings` does).
 */
export function toSettings(value: unknown): NotificationSettings {
  if (typeof value !== 'string') return value as NotificationSettings;
  let parsed = parsedSettings.get(value);
  if (!parsed) {
    if (parsedSettings.size >= PARSED_SETTINGS_KEPT) parsedSettings.clear();
    parsed = deepFreeze(JSON.parse(value) as NotificationSettings);
    parsedSettings.set(value, parsed);
  }
  return parsed;
}
