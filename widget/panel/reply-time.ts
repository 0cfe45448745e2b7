/** The units a reply time is said in. */
export type ReplyUnit = 'minute' | 'hour' | 'day';

const MINUTES_PER_HOUR = 60;
const MINUTES_PER_DAY = 24 * MINUTES_PER_HOUR;
/** Up to this many hours a wait is said in hours ("36 hours"); beyond it, in days. */
const HOURS_BEFORE_DAYS = 48;

/**
 * An agent's expected reply time (`expected_reply_minutes`, CONTRACT §7 [ext]) in the unit a
 * person would use: minutes under an hour, hours up to two days, then days, rounded up (a
 * promise kept early is better than one broken). Null when there is none to state.
 */
export function replyTimeOf(minutes: number | null | undefined): { count: number; unit: ReplyUnit } | null {
  if (!minutes || !Number.isFinite(minutes) || minutes <= 0) return null;
  if (minutes < MINUTES_PER_HOUR) return { count: Math.ceil(minutes), unit: 'minute' };
  const hours = Math.ceil(minutes / MINUTES_PER_HOUR);
  if (hours <= HOURS_BEFORE_DAYS) return { count: hours, unit: 'hour' };
  return { count: Math.ceil(minutes / MINUTES_PER_DAY), unit: 'day' };
}
