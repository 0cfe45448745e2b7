import type { NotificationChannel, NotificationKind, NotificationSettings } from '../core/protocol/notifications.ts';

/** The longest email delay the server takes (CONTRACT §12's `email_delay_minutes`): a day. */
export const MAX_EMAIL_DELAY_MINUTES = 1440;
/** Quiet hours offered when the user first turns them on. */
export const DEFAULT_QUIET_START = '22:00';
export const DEFAULT_QUIET_END = '07:00';
const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** What the form holds: the fields as typed, so nothing the user typed is lost to a bad value. */
export interface SettingsDraft {
  channels: Record<NotificationKind, NotificationChannel[]>;
  delay: string;
  quietOn: boolean;
  quietStart: string;
  quietEnd: string;
  timeZone: string;
}

export type DraftProblem = 'delay' | 'start' | 'end' | 'same-times' | 'time-zone';

/** The browser's own time zone, or UTC when it does not say. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** The IANA time zones this browser knows (with `zone` among them, so a saved one is always offered). */
export function timeZones(zone: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  // "UTC" is often missing from the list (it is an alias there), yet it is a browser's zone on many servers.
  return [...new Set([...known, 'UTC', zone])].sort();
}

/** The form's starting point from saved settings; quiet hours that are off still offer sensible times. */
export function draftOf(settings: NotificationSettings, zone = browserTimeZone()): SettingsDraft {
  const quiet = settings.quiet_hours;
  return {
    channels: { ...settings.channels },
    delay: String(settings.email_delay_minutes),
    quietOn: quiet !== null,
    quietStart: quiet?.start ?? DEFAULT_QUIET_START,
    quietEnd: quiet?.end ?? DEFAULT_QUIET_END,
    timeZone: quiet?.time_zone ?? zone,
  };
}

/** Turns `channel` on or off for `kind`, keeping the server's channel order. */
export function withChannel(draft: SettingsDraft, kind: NotificationKind, channel: NotificationChannel, on: boolean): SettingsDraft {
  const current = draft.channels[kind].filter((item) => item !== channel);
  const next = on ? [...current, channel] : current;
  const order: readonly NotificationChannel[] = ['in_app', 'push', 'email'];
  return { ...draft, channels: { ...draft.channels, [kind]: order.filter((item) => next.includes(item)) } };
}

/** The problems of a draft, in the order the form shows its fields; empty when it can be saved. */
export function draftProblems(draft: SettingsDraft, zones: readonly string[]): DraftProblem[] {
  const problems: DraftProblem[] = [];
  const delay = draft.delay.trim();
  if (!/^\d{1,4}$/.test(delay) || Number(delay) > MAX_EMAIL_DELAY_MINUTES) problems.push('delay');
  if (draft.quietOn) {
    const startOk = CLOCK_TIME.test(draft.quietStart);
    const endOk = CLOCK_TIME.test(draft.quietEnd);
    if (!startOk) problems.push('start');
    if (!endOk) problems.push('end');
    if (startOk && endOk && draft.quietStart === draft.quietEnd) problems.push('same-times');
    if (!zones.includes(draft.timeZone)) problems.push('time-zone');
  }
  return problems;
}

/**
 * The `PUT` body of a valid draft, in `language` (the inbox's). `message` never carries
 * email (the server refuses it; the form does not offer it).
 */
export function settingsOf(draft: SettingsDraft, language: 'en' | 'de'): Required<NotificationSettings> {
  return {
    channels: { ...draft.channels, message: draft.channels.message.filter((channel) => channel !== 'email') },
    email_delay_minutes: Number(draft.delay.trim()),
    quiet_hours: draft.quietOn ? { start: draft.quietStart, end: draft.quietEnd, time_zone: draft.timeZone } : null,
    language,
  };
}
