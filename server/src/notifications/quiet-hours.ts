import type { QuietHours } from '../../../src/core/protocol/notifications.ts';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;

const minutesOf = (clock: string): number => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** The wall-clock minute of the day, second and millisecond of `at` in `timeZone`. */
function localTime(at: number, timeZone: string): { minute: number; second: number; millisecond: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const part = (type: string) => Number(parts.find((entry) => entry.type === type)?.value ?? 0);
  return { minute: part('hour') * 60 + part('minute'), second: part('second'), millisecond: at % 1000 };
}

/**
 * When the quiet hours around `at` (epoch ms) end, as epoch ms; null when `at` is outside
 * them. `start` after `end` spans midnight (22:00–07:00). Counted in wall-clock minutes of the
 * zone: on a daylight-saving day the end may be an hour off, and the delivery then looks again.
 */
export function quietUntil(quiet: QuietHours | null, at: number): number | null {
  if (!quiet) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const now = localTime(at, quiet.time_zone);
  const inside = start < end ? now.minute >= start && now.minute < end : now.minute >= start || now.minute < end;
  if (!inside) return null;
  const minutesLeft = (end - now.minute + DAY_MINUTES) % DAY_MINUTES;
  return at + minutesLeft * MINUTE_MS - now.second * 1000 - now.millisecond;
}
