/** "Snooze for 1 hour". */
export const SNOOZE_HOUR_MS = 60 * 60_000;
/** "Until tomorrow morning": this hour of the next day, in the user's time zone. */
export const MORNING_HOUR = 9;

/** When "for 1 hour" ends, from `now` (epoch ms). */
export const inAnHour = (now: number): Date => new Date(now + SNOOZE_HOUR_MS);

/** Tomorrow at {@link MORNING_HOUR}:00 local time, from `now`. */
export function tomorrowMorning(now: number): Date {
  const date = new Date(now);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1, MORNING_HOUR, 0, 0, 0);
}

/** A `datetime-local` input's value for `date` (local time, minutes). */
export function localInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
