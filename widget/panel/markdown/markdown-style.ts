import { ENGLISH_MARKDOWN_LABELS, type MarkdownStyle } from '../../../src/markdown/markdown-style.ts';

/**
 * The box a message's markdown renders in (and its plain-text stand-in while the renderer
 * loads). Newlines in a paragraph are kept, as people type chat messages.
 */
export const WIDGET_MARKDOWN_CLASS = 'ama-md space-y-2 whitespace-pre-line wrap-break-word';

/** The widget's markdown style: Tailwind classes of the panel's stylesheet, plus `.ama-md` rules in panel.css. */
export const WIDGET_MARKDOWN_STYLE: MarkdownStyle = {
  heading: { 1: 'text-base font-semibold', 2: 'text-sm font-semibold', 6: 'text-sm font-semibold' },
  code: 'rounded bg-ama-code-inline px-1 font-mono text-[0.9em]',
  codeBlock: 'overflow-hidden rounded-md bg-ama-code-block text-ama-code-block-text',
  codeLabel: 'px-2 pt-1 font-mono text-[0.7rem] text-ama-code-label',
  pre: 'overflow-x-auto px-2 pt-1 pb-2 font-mono text-xs leading-relaxed whitespace-pre',
  quote: 'space-y-2 border-l-4 border-current/25 pl-3',
  orderedList: 'list-decimal space-y-1 pl-5',
  unorderedList: 'list-disc space-y-1 pl-5',
  taskItem: 'list-none',
  taskBox: 'inline-block w-4',
  tableScroll: 'ama-md-scroll',
  table: 'border-collapse text-xs',
  headerCell: 'ama-md-cell font-semibold',
  cell: 'ama-md-cell',
  align: { left: 'text-left', right: 'text-right', center: 'text-center' },
  link: 'underline underline-offset-2 hover:decoration-2',
  rule: 'border-current/25',
  literal: 'whitespace-pre-wrap',
  labels: ENGLISH_MARKDOWN_LABELS,
};
