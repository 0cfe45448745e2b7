/**
 * Dates, times, durations and relative times in the active locale, all through `Intl`.
 * The formatters are cached per locale and options: making one is the costly part.
 */
const cache = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat | Intl.NumberFormat>();

function cached<T extends Intl.DateTimeFormat | Intl.RelativeTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  let formatter = cache.get(key) as T | undefined;
  if (!formatter) {
    formatter = make();
    cache.set(key, formatter);
  }
  return formatter;
}

const dateTime = (locale: string, options: Intl.DateTimeFormatOptions) =>
  cached(`dt:${locale}:${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));

/** Countdowns switch from seconds to minutes above this, so a long window reads "in 9 minutes". */
const COUNTDOWN_SECONDS_LIMIT = 120;

/**
 * Minutes are rounded up, but the browser's clock and the server's differ by a second or
 * two (and the clock ticks once a second): a fresh 60-minute window must not read "61".
 */
const COUNTDOWN_CLOCK_SLACK_SECONDS = 5;

/** A message's time of day: "14:05" in German, "02:05 PM" in English. Empty for no time. */
export function formatTime(locale: string, time: string | number | null): string {
  if (time === null) return '';
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? '' : dateTime(locale, { hour: '2-digit', minute: '2-digit' }).format(date);
}

/** A date and time for settings lists ("Mar 4, 2026, 2:05 PM" / "04.03.2026, 14:05"); the text itself when it is no date. */
export function formatDateTime(locale: string, iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : dateTime(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(time);
}

/**
 * A day break's words: "Today" / "Yesterday" (`Intl.RelativeTimeFormat`, capitalized as a
 * heading), else the weekday and date, with the year only when it is not the current one.
 * `daysAgo` is the timeline's (calendar days before the day it was laid out on), so the
 * current year is that day's, and the result depends on its arguments only.
 */
export function formatDayBreak(locale: string, time: number, daysAgo: number): string {
  if (daysAgo === 0 || daysAgo === 1) {
    const words = cached(`rt:${locale}:auto`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })).format(-daysAgo, 'day');
    return words.charAt(0).toLocaleUpperCase(locale) + words.slice(1);
  }
  const day = new Date(time);
  const today = new Date(day.getFullYear(), day.getMonth(), day.getDate() + daysAgo);
  const thisYear = day.getFullYear() === today.getFullYear();
  return dateTime(locale, { weekday: 'long', month: 'long', day: 'numeric', ...(thisYear ? {} : { year: 'numeric' }) }).format(day);
}

/** Milliseconds as seconds with one decimal, the number in the locale's digits ("1.2" / "1,2"). */
export function formatSecondsNumber(locale: string, ms: number): string {
  return cached(`n1:${locale}`, () => new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 })).format(
    Math.max(0, ms) / 1000,
  );
}

/** A whole number in the locale's digits. */
export function formatCount(locale: string, count: number): string {
  return cached(`n0:${locale}`, () => new Intl.NumberFormat(locale)).format(count);
}

/**
 * How long until a deadline, as `Intl.RelativeTimeFormat` words: "in 42 seconds" up to two
 * minutes, then whole minutes rounded up past a few seconds of clock slack ("in 7 minutes").
 * Null once the deadline is past.
 */
export function formatCountdown(locale: string, seconds: number): string | null {
  if (seconds <= 0) return null;
  const format = cached(`rt:${locale}:always`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'always' }));
  return seconds <= COUNTDOWN_SECONDS_LIMIT
    ? format.format(seconds, 'second')
    : format.format(Math.ceil((seconds - COUNTDOWN_CLOCK_SLACK_SECONDS) / 60), 'minute');
}

/** The steps of {@link formatTimeAgo}: up to each limit (seconds), the unit and its length. */
const TIME_AGO_STEPS: readonly [limit: number, unit: Intl.RelativeTimeFormatUnit, seconds: number][] = [
  [60, 'second', 1],
  [3600, 'minute', 60],
  [86_400, 'hour', 3600],
  [7 * 86_400, 'day', 86_400],
];

/**
 * How long ago `iso` was, as `Intl.RelativeTimeFormat` words ("now", "5 minutes ago", "vor 2
 * Stunden"), up to a week; older is the date and time. The text itself when it is no date.
 */
export function formatTimeAgo(locale: string, iso: string, now: number): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const seconds = Math.max(0, Math.round((now - time) / 1000));
  const step = TIME_AGO_STEPS.find(([limit]) => seconds < limit);
  if (!step) return formatDateTime(locale, iso);
  const format = cached(`rt:${locale}:auto`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
  return format.format(-Math.floor(seconds / step[2]), step[1]);
}
