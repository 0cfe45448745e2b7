/**
 * The words of "New conversation?" (restart-confirm.tsx) and "Earlier conversations"
 * (earlier-list.tsx), per panel language: they load with them, on demand (history-ui.ts), not
 * with the chat. A missing translation is a type error.
 */
export interface HistoryWords {
  restartQuestion: string;
  /** The conversation can be found again under "Earlier conversations". */
  restartKeeps: string;
  /** The server lists no earlier conversations: this one is gone from the panel. */
  restartClears: string;
  restartConfirm: string;
  cancel: string;
  back: string;
  noMessages: string;
  /** What a conversation's status (CONTRACT §11) means to the visitor. */
  status: { open: string; waiting: string; resolved: string };
}

const en: HistoryWords = {
  restartQuestion: 'Start a new conversation?',
  restartKeeps: 'You can come back to this one under “Earlier conversations”.',
  restartClears: 'This conversation will no longer be shown here.',
  restartConfirm: 'Start new',
  cancel: 'Cancel',
  back: 'Back to the conversation',
  noMessages: 'No messages yet',
  status: { open: 'Open', waiting: 'Waiting for a person', resolved: 'Resolved' },
};

const de: HistoryWords = {
  restartQuestion: 'Ein neues Gespräch beginnen?',
  restartKeeps: 'Zu diesem kommen Sie unter „Frühere Gespräche“ zurück.',
  restartClears: 'Dieses Gespräch wird hier dann nicht mehr angezeigt.',
  restartConfirm: 'Neu beginnen',
  cancel: 'Abbrechen',
  back: 'Zurück zum Gespräch',
  noMessages: 'Noch keine Nachrichten',
  status: { open: 'Offen', waiting: 'Wartet auf eine Person', resolved: 'Abgeschlossen' },
};

/** The words for the panel's language (`en` or `de`, from i18n.ts's `languageOf`). */
export const historyWords = (lang: string): HistoryWords => (lang === 'de' ? de : en);

/** A status as the visitor reads it: snoozed (an inbox matter) and unknown ones read as open. */
export function statusWord(words: HistoryWords, status: string | undefined): string {
  return status === 'waiting' || status === 'resolved' ? words.status[status] : words.status.open;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** Older than this, a conversation shows its date rather than "n days ago". */
const RELATIVE_DAYS = 7;

/** "5 minutes ago", "yesterday", "3 days ago", else the date: in the panel's language. */
export function relativeDate(iso: string | undefined, now: number, lang: string): string {
  const at = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(at)) return '';
  const ago = Math.max(0, now - at);
  const relative = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  if (ago < HOUR_MS) return relative.format(-Math.floor(ago / MINUTE_MS), 'minute');
  if (ago < DAY_MS) return relative.format(-Math.floor(ago / HOUR_MS), 'hour');
  if (ago < RELATIVE_DAYS * DAY_MS) return relative.format(-Math.floor(ago / DAY_MS), 'day');
  return new Date(at).toLocaleDateString(lang, { day: 'numeric', month: 'short', year: 'numeric' });
}
