import type { InboxStrings } from '../i18n/catalog-en.ts';
import { formatDateTime } from '../i18n/format.ts';

/** Shared Tailwind classes of the agent settings screens, so the sections look like one page. */
export const SECTION = 'rounded-xl border border-slate-200 p-4 sm:p-5 dark:border-slate-800';
export const SECTION_TITLE = 'text-base font-semibold';
export const HINT = 'mt-1 text-sm text-slate-600 dark:text-slate-400';
export const INPUT =
  'block w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-950';
export const PRIMARY_BUTTON = 'rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50';
export const SECONDARY_BUTTON =
  'rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800';
export const DANGER_BUTTON = 'rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-50';
export const ERROR_TEXT = 'text-sm text-red-700 dark:text-red-400';
export const OK_TEXT = 'text-sm text-emerald-700 dark:text-emerald-400';

/** A server time as the owner's local date and time; the raw text when it cannot be read. */
export function formatWhen(iso: string | null | undefined, t: InboxStrings): string {
  return iso ? formatDateTime(t.locale, iso) : t.agents.never;
}
