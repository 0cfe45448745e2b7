const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** Below this a wait is said in hours, above it in days. */
const HOURS_LIMIT_MS = 48 * HOUR_MS;

const formats = new Map<string, Intl.NumberFormat>();

function unit(locale: string, name: 'minute' | 'hour' | 'day', value: number): string {
  const key = `${locale}:${name}`;
  let format = formats.get(key);
  if (!format) formats.set(key, (format = new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'short' })));
  return format.format(value);
}

/**
 * How long a thread has waited, short, in the locale's words ("4 min", "3 hr" / "4 Min.",
 * "3 Std."): whole minutes (at least one) up to an hour, whole hours up to two days, then days.
 */
export function formatWaiting(locale: string, ms: number): string {
  if (ms < HOUR_MS) return unit(locale, 'minute', Math.max(1, Math.floor(ms / MINUTE_MS)));
  if (ms < HOURS_LIMIT_MS) return unit(locale, 'hour', Math.floor(ms / HOUR_MS));
  return unit(locale, 'day', Math.floor(ms / (24 * HOUR_MS)));
}
