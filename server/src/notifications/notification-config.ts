import { wholeSetting } from '../whole-setting.ts';
/** The notification settings of a server process (environment; CONTRACT §12). */
export interface NotificationConfig {
  /**
   * `NOTIFICATIONS`: `off` makes no notifications at all (no rules after commits, no
   * deliveries): the baseline of `npm run bench:notify`. Default `on`.
   */
  enabled: boolean;
  /** `EMAIL_DELAY_MS`: how long every email waits, overriding the users' `email_delay_minutes` (tests); null: theirs. */
  emailDelayMs: number | null;
  /** `NOTIFY_RETRY_BASE_MS`: the wait after a channel's first `retry`; it doubles with every try. */
  retryBaseMs: number;
  /** `NOTIFY_LEASE_MS`: how long a process's hold on a thread's rules or a user's deliveries lasts unrenewed. */
  leaseMs: number;
  /**
   * `NOTIFY_CLOCK`: a fixed time (ISO 8601) that delays and quiet hours are judged by instead of
   * the clock, so that tests need no waiting; null (the default): the clock.
   */
  fixedClock: number | null;
  /** `VISITOR_FOLLOW_UP_DELAY_MS`: how long a reply stays unseen before a visitor who left is emailed (CONTRACT §12). */
  visitorFollowUpDelayMs: number;
}

const DEFAULT_RETRY_BASE_MS = 5_000;
const DEFAULT_LEASE_MS = 30_000;
const MAX_DELAY_MS = 7 * 24 * 60 * 60_000;
const DEFAULT_VISITOR_FOLLOW_UP_DELAY_MS = 5 * 60_000;

/** Reads the notification settings; throws with a readable message on a bad value. */
export function parseNotificationConfig(env: NodeJS.ProcessEnv): NotificationConfig {
  const clock = env.NOTIFY_CLOCK;
  const fixedClock = clock ? Date.parse(clock) : null;
  if (fixedClock !== null && Number.isNaN(fixedClock)) throw new Error(`NOTIFY_CLOCK must be an ISO 8601 time, got "${clock}".`);
  const switched = env.NOTIFICATIONS ?? 'on';
  if (switched !== 'on' && switched !== 'off') throw new Error(`NOTIFICATIONS must be "on" or "off", got "${switched}".`);
  return {
    enabled: switched === 'on',
    emailDelayMs: wholeSetting(env, 'EMAIL_DELAY_MS', null, 0, MAX_DELAY_MS),
    retryBaseMs: wholeSetting(env, 'NOTIFY_RETRY_BASE_MS', DEFAULT_RETRY_BASE_MS, 1, 3_600_000)!,
    leaseMs: wholeSetting(env, 'NOTIFY_LEASE_MS', DEFAULT_LEASE_MS, 300, 3_600_000)!,
    fixedClock,
    visitorFollowUpDelayMs: wholeSetting(env, 'VISITOR_FOLLOW_UP_DELAY_MS', DEFAULT_VISITOR_FOLLOW_UP_DELAY_MS, 0, MAX_DELAY_MS)!,
  };
}
