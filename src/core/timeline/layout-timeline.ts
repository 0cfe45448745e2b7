import type { TimelineItem } from './timeline-item.ts';

export interface LayoutOptions {
  /** Epoch ms "now": which day is today (and the time of a message without one). */
  now: number;
  /** An IANA time zone for the calendar days; the runtime's own when absent. */
  timeZone?: string;
  /**
   * What was unread when the thread was opened: the marker goes before the first message
   * from others in `(readSeq, lastSeq]`. Messages that arrive while the thread is open are
   * read as they come and get no marker.
   */
  unreadAtOpen: { readSeq: number; lastSeq: number } | null;
  selfSenderId: string;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day of `time` as `YYYY-MM-DD`, in `timeZone` or the runtime's own. */
export function calendarDay(time: number, timeZone?: string): string {
  if (timeZone === undefined) {
    const date = new Date(time);
    return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  }
  let format = formatters.get(timeZone);
  // en-CA formats dates as YYYY-MM-DD.
  if (!format)
    formatters.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return format.format(time);
}

const dayNumber = (day: string) => Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS);

function timeOf(item: TimelineItem, now: number): number | null {
  switch (item.kind) {
    case 'message':
      return item.message.createdAt ? Date.parse(item.message.createdAt) : now;
    case 'pending_message':
      return item.item.createdAt;
    case 'approval':
    case 'escalation':
      return item.createdAt ? Date.parse(item.createdAt) : null;
    case 'notice':
      return item.entry.createdAt ? Date.parse(item.entry.createdAt) : null;
    default:
      return null;
  }
}

/**
 * Adds day breaks and the unread marker to a timeline. Pure: the same items and options
 * give the same result, so a view can memoize it on its inputs.
 */
export function layoutTimeline(
  items: readonly TimelineItem[],
  { now, timeZone, unreadAtOpen, selfSenderId }: LayoutOptions,
): TimelineItem[] {
  const today = dayNumber(calendarDay(now, timeZone));
  const out: TimelineItem[] = [];
  let lastDay = '';
  let unreadPlaced = false;
  for (const item of items) {
    const time = timeOf(item, now);
    if (time !== null) {
      const day = calendarDay(time, timeZone);
      // Days only move forward: a reply shown with an earlier message it answers (see
      // `readTimeline`) may be of a later day than the messages after it; no second break.
      if (day > lastDay) {
        lastDay = day;
        out.push({ kind: 'day_break', key: `day|${day}`, day, time, daysAgo: today - dayNumber(day) });
      }
    }
    if (
      !unreadPlaced &&
      unreadAtOpen !== null &&
      item.kind === 'message' &&
      item.message.seq > unreadAtOpen.readSeq &&
      item.message.seq <= unreadAtOpen.lastSeq &&
      item.message.senderId !== selfSenderId
    ) {
      out.push({ kind: 'unread_marker', key: 'unread' });
      unreadPlaced = true;
    }
    out.push(item);
  }
  return out;
}
