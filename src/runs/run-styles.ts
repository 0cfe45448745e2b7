/** Shared classes of the run card's parts, checked for WCAG AA contrast in light and dark. */

export const MUTED_TEXT = 'text-slate-600 dark:text-slate-300';
export const ERROR_TEXT = 'text-red-700 dark:text-red-300';
export const SUCCESS_TEXT = 'text-emerald-700 dark:text-emerald-300';
export const WARNING_TEXT = 'text-amber-800 dark:text-amber-200';

/** Previews are data from the agent: monospace, wrapped, never markup. */
export const PREVIEW_CLASS =
  'block rounded bg-slate-100 px-2 py-1 font-mono text-xs whitespace-pre-wrap break-all text-slate-800 dark:bg-slate-800 dark:text-slate-100';

/** What an approval would do, in words set apart from the card's own. */
export const QUOTE_CLASS = 'block rounded bg-slate-100 px-2 py-1 text-sm break-words text-slate-800 dark:bg-slate-800 dark:text-slate-100';

const BUTTON_BASE =
  'inline-flex items-center rounded-md px-3 py-1 text-sm font-medium disabled:cursor-not-allowed disabled:opacity-60 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:focus-visible:outline-indigo-400';

export const PRIMARY_BUTTON = `${BUTTON_BASE} bg-emerald-700 text-white hover:bg-emerald-800 disabled:hover:bg-emerald-700`;
export const SECONDARY_BUTTON = `${BUTTON_BASE} border border-slate-400 text-slate-900 hover:bg-slate-100 disabled:hover:bg-transparent dark:border-slate-500 dark:text-slate-100 dark:hover:bg-slate-800`;
