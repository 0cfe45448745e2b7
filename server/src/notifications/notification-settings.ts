import {
  DEFAULT_NOTIFICATION_SETTINGS,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_KINDS,
  NOTIFICATION_LANGUAGES,
  type NotificationChannel,
  type NotificationKind,
  type NotificationSettings,
} from '../../../src/core/protocol/notifications.ts';
import type { Storage } from '../storage/storage.ts';

/** The longest email delay a user may choose: a day (CONTRACT §12's `email_delay_minutes`). */
export const MAX_EMAIL_DELAY_MINUTES = 1440;
const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Bad settings: `message` says what is wrong in words a person can act on. */
export class SettingsRejected extends Error {}

/** The settings a user has: what they saved, else the defaults (`language` always filled). */
export function effectiveSettings(saved: NotificationSettings | undefined): Required<NotificationSettings> {
  const settings = saved ?? DEFAULT_NOTIFICATION_SETTINGS;
  return { ...settings, language: settings.language ?? 'en' };
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a `PUT /me/notification-settings` body whole and returns it as stored; throws
 * {@link SettingsRejected} on the first problem. Every kind must be listed; `email` is not
 * offered for `message` (CONTRACT §12: `message` may add `push` only).
 */
export function parseSettings(body: unknown): Required<NotificationSettings> {
  if (!isObject(body)) throw new SettingsRejected('Send the settings as a JSON object.');
  for (const key of Object.keys(body)) {
    if (!['channels', 'email_delay_minutes', 'quiet_hours', 'language'].includes(key)) {
      throw new SettingsRejected(`Unknown setting "${key}".`);
    }
  }
  const channels = parseChannels(body.channels);
  const delay = body.email_delay_minutes;
  if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > MAX_EMAIL_DELAY_MINUTES) {
    throw new SettingsRejected(`email_delay_minutes must be a whole number from 0 to ${MAX_EMAIL_DELAY_MINUTES}.`);
  }
  const language = body.language ?? 'en';
  if (!NOTIFICATION_LANGUAGES.includes(language as never)) {
    throw new SettingsRejected(`language must be one of ${NOTIFICATION_LANGUAGES.join(', ')}.`);
  }
  return {
    channels,
    email_delay_minutes: delay,
    quiet_hours: parseQuietHours(body.quiet_hours),
    language: language as Required<NotificationSettings>['language'],
  };
}

function parseChannels(value: unknown): Record<NotificationKind, NotificationChannel[]> {
  if (!isObject(value)) throw new SettingsRejected(`channels must be an object with one list per kind (${NOTIFICATION_KINDS.join(', ')}).`);
  for (const key of Object.keys(value)) {
    if (!NOTIFICATION_KINDS.includes(key as never)) {
      throw new SettingsRejected(`Unknown notification kind "${key}"; the kinds are ${NOTIFICATION_KINDS.join(', ')}.`);
    }
  }
  const channels = {} as Record<NotificationKind, NotificationChannel[]>;
  for (const kind of NOTIFICATION_KINDS) {
    const list = value[kind];
    if (!Array.isArray(list))
      throw new SettingsRejected(`channels.${kind} must be a list of channels (${NOTIFICATION_CHANNELS.join(', ')}).`);
    for (const channel of list) {
      if (!NOTIFICATION_CHANNELS.includes(channel as never)) {
        throw new SettingsRejected(
          `Unknown channel "${String(channel)}" in channels.${kind}; the channels are ${NOTIFICATION_CHANNELS.join(', ')}.`,
        );
      }
    }
    if (kind === 'message' && list.includes('email')) {
      throw new SettingsRejected('Email is not offered for every message: channels.message may hold in_app and push only.');
    }
    channels[kind] = NOTIFICATION_CHANNELS.filter((channel) => list.includes(channel));
  }
  return channels;
}

function parseQuietHours(value: unknown): NotificationSettings['quiet_hours'] {
  if (value === null || value === undefined) return null;
  if (!isObject(value)) throw new SettingsRejected('quiet_hours must be null or {start, end, time_zone}.');
  const { start, end, time_zone: zone } = value;
  for (const [name, time] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (typeof time !== 'string' || !CLOCK_TIME.test(time))
      throw new SettingsRejected(`quiet_hours.${name} must be a time as HH:MM (00:00 to 23:59).`);
  }
  if (start === end) throw new SettingsRejected('quiet_hours.start and quiet_hours.end must differ.');
  if (typeof zone !== 'string' || !isTimeZone(zone)) {
    throw new SettingsRejected('quiet_hours.time_zone must be an IANA time zone, such as Europe/Berlin.');
  }
  return { start: start as string, end: end as string, time_zone: zone };
}

/**
 * Takes email off `kinds` in the user's settings (a one-click unsubscribe, RFC 8058), keeping
 * everything else they chose; the inbox's settings show it, and choosing email again undoes it.
 */
export async function turnOffEmailInSettings(storage: Storage, userId: string, kinds: readonly NotificationKind[]): Promise<void> {
  const settings = effectiveSettings((await storage.notifications.settingsOf([userId])).get(userId));
  const channels = { ...settings.channels };
  for (const kind of kinds) channels[kind] = channels[kind].filter((channel) => channel !== 'email');
  await storage.notifications.saveSettings(userId, { ...settings, channels });
}
