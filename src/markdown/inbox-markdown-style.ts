import { ENGLISH_MARKDOWN_LABELS, type MarkdownStyle } from './markdown-style.ts';

const CELL = 'border border-current/30 px-2 py-1';

/**
 * The inbox's markdown style (Tailwind, light and dark). A module of its own, imported only by
 * the lazy markdown chunk, so the entry does not carry it.
 */
export const INBOX_MARKDOWN_STYLE: MarkdownStyle = {
  heading: { 1: 'text-lg font-semibold', 2: 'text-base font-semibold', 6: 'text-sm font-semibold' },
  code: 'rounded bg-black/10 px-1 font-mono text-[0.9em] dark:bg-white/15',
  codeBlock:
    'overflow-hidden rounded-md border border-slate-300 bg-slate-50 text-slate-900 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100',
  codeLabel: 'border-b border-slate-300 px-3 py-1 font-mono text-xs text-slate-600 dark:border-slate-600 dark:text-slate-300',
  pre: 'overflow-x-auto px-3 py-2 font-mono text-sm whitespace-pre',
  quote: 'space-y-2 border-l-4 border-current/30 pl-3',
  orderedList: 'list-decimal space-y-1 pl-6',
  unorderedList: 'list-disc space-y-1 pl-6',
  taskItem: 'list-none',
  taskBox: 'inline-block w-4',
  tableScroll: 'max-w-full overflow-x-auto',
  table: 'border-collapse text-sm',
  headerCell: `${CELL} font-semibold`,
  cell: CELL,
  align: { left: 'text-left', right: 'text-right', center: 'text-center' },
  link: 'underline decoration-current underline-offset-2 hover:decoration-2',
  rule: 'border-current/30',
  literal: 'whitespace-pre-wrap',
  labels: ENGLISH_MARKDOWN_LABELS,
};
