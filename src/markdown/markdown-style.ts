/**
 * How a client styles and labels rendered markdown: the renderer is one module, each client
 * passes its own classes (the inbox Tailwind, the widget the classes of its shadow-root
 * stylesheet) and words.
 */
export interface MarkdownStyle {
  /** Heading classes by the message's own level (1 = `#`, rendered as h3). */
  heading: Readonly<Record<number, string>>;
  /** Inline code. */
  code: string;
  /** A code block's box, its language label and its scrolling `pre`. */
  codeBlock: string;
  codeLabel: string;
  pre: string;
  quote: string;
  orderedList: string;
  unorderedList: string;
  /** A task list item (`- [x]`) and its box. */
  taskItem: string;
  taskBox: string;
  /** The horizontally scrolling box around a table, the table, its cells. */
  tableScroll: string;
  table: string;
  headerCell: string;
  cell: string;
  /** Column alignment as classes: the widget's CSP forbids style attributes. */
  align: Readonly<Record<'left' | 'center' | 'right', string>>;
  link: string;
  rule: string;
  /** Text shown as written (raw HTML, input too long or too deep to parse). */
  literal: string;
  /** Words a screen reader says; the widget passes its visitor's language. */
  labels: MarkdownLabels;
}

export interface MarkdownLabels {
  /** Names a code block (and labels one without a language). */
  code: string;
  /** Names a table's scrolling box. */
  table: string;
  /** Prefix of an image's link ("Image: a cat"). */
  image: string;
  done: string;
  notDone: string;
}

export const ENGLISH_MARKDOWN_LABELS: MarkdownLabels = {
  code: 'code',
  table: 'Table',
  image: 'Image',
  done: 'Done',
  notDone: 'Not done',
};
