/**
 * The patterns of block markdown (CommonMark 0.31 + GFM tables), each tried at one point
 * of one line (sticky, `y`), so a failed match reads at most the rest of that line.
 */
import { HTML_TAG, matchAt } from './inline-syntax.ts';

/** Four columns of indentation make indented code (CommonMark). */
export const CODE_INDENT = 4;

/** The first character of a line that may start a block other than a paragraph (`|` and `:`: a table's delimiter row). */
export const MAYBE_SPECIAL = /[#`~*+_=<>0-9|:-]/;
export const ATX_HEADING = /#{1,6}(?:[ \t]+|$)/y;
export const OPENING_FENCE = /`{3,}(?!.*`)|~{3,}/y;
export const CLOSING_FENCE = /(?:`{3,}|~{3,})(?=[ \t]*$)/y;
export const SETEXT_UNDERLINE = /(?:=+|-+)[ \t]*$/y;
export const THEMATIC_BREAK = /(?:\*[ \t]*){3,}$|(?:_[ \t]*){3,}$|(?:-[ \t]*){3,}$/y;
export const BULLET_MARKER = /[*+-]/y;
export const ORDERED_MARKER = /(\d{1,9})([.)])/y;
/** A GFM table's delimiter row (`| --- | :-: |`), from its first non-space character to the line's end. */
export const TABLE_DELIMITER_ROW = /(?:\|[ \t]*)?:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*(?:\|[ \t]*)?$/y;
/** A GFM task item's box at the start of its first paragraph: `[ ]`, `[x]`, then words. */
export const TASK_BOX = /^\[([ xX])\][ \t]+(?=\S)/;

const BLOCK_TAG_NAMES =
  'address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|' +
  'fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|' +
  'menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul';

/** How the seven kinds of HTML block start (index = kind; 7 is any complete tag alone on its line, handled apart). */
const HTML_BLOCK_OPEN: readonly RegExp[] = [
  /$^/y,
  /<(?:script|pre|textarea|style)(?:\s|>|$)/iy,
  /<!--/y,
  /<\?/y,
  /<![A-Za-z]/y,
  /<!\[CDATA\[/y,
  new RegExp(`</?(?:${BLOCK_TAG_NAMES})(?:\\s|/?>|$)`, 'iy'),
];

/** What ends an HTML block of kinds 1 to 5, anywhere on a line (kinds 6 and 7 end at a blank line). */
export const HTML_BLOCK_CLOSE: readonly RegExp[] = [/$^/, /<\/(?:script|pre|textarea|style)>/i, /-->/, /\?>/, />/, /\]\]>/];

const SPACE_TO_END = /[ \t]*$/y;

/** The kind (1–7) of HTML block that `line` starts at `at`, or 0; `mayBeTag`: kind 7 may start here (it cannot interrupt a paragraph). */
export function htmlBlockKind(line: string, at: number, mayBeTag: boolean): number {
  for (let kind = 1; kind < HTML_BLOCK_OPEN.length; kind++) if (matchAt(HTML_BLOCK_OPEN[kind]!, line, at)) return kind;
  if (!mayBeTag) return 0;
  const tag = matchAt(HTML_TAG, line, at);
  return tag && !/^<(?:script|pre|textarea|style)\b/i.test(tag[0]) && matchAt(SPACE_TO_END, line, at + tag[0].length) ? 7 : 0;
}

/** An ATX heading's words without its closing `#`s (which need a space before them); linear, no backtracking. */
export function atxHeadingText(rest: string): string {
  let end = rest.length;
  while (end > 0 && (rest[end - 1] === ' ' || rest[end - 1] === '\t')) end--;
  let hashes = end;
  while (hashes > 0 && rest[hashes - 1] === '#') hashes--;
  if (hashes < end && (hashes === 0 || rest[hashes - 1] === ' ' || rest[hashes - 1] === '\t')) end = hashes;
  return rest.slice(0, end).trim();
}

/**
 * The cells of a GFM table row: split at each `|` not escaped, without the outer ones,
 * trimmed; `\|` becomes `|` (in code spans too), other escapes stay for the inline parser.
 */
export function splitTableRow(line: string): string[] {
  const row = line.trim();
  const cells: string[] = [];
  let cell = '';
  let index = row[0] === '|' ? 1 : 0;
  for (; index < row.length; index++) {
    const char = row[index]!;
    if (char === '\\' && index + 1 < row.length) {
      const next = row[++index]!;
      cell += next === '|' ? '|' : char + next;
    } else if (char === '|') {
      cells.push(cell.trim());
      cell = '';
    } else cell += char;
  }
  // A row's closing `|` ends its last cell; text after the last `|` is a cell of its own.
  if (cell.trim() || row.length === 0 || row[row.length - 1] !== '|' || row.endsWith('\\|')) cells.push(cell.trim());
  return cells;
}

/** A delimiter row's cell's alignment: `:--` left, `--:` right, `:-:` center, `---` none. */
export function cellAlignment(cell: string): 'left' | 'right' | 'center' | null {
  const left = cell.startsWith(':');
  const right = cell.endsWith(':');
  return left && right ? 'center' : left ? 'left' : right ? 'right' : null;
}
