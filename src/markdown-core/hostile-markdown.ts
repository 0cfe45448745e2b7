/**
 * Input families that make markdown parsers slow (quadratic scans) or deep (recursion),
 * each built to a given length: `npm run bench:core` times them at 10,000 characters and
 * `parse-markdown-hostile.test.ts` checks what they parse to. Not shipped (tests and bench only).
 */

/** `unit` repeated to at most `chars` characters (whole units). */
export function repeatTo(unit: string, chars: number): string {
  return unit.repeat(Math.max(1, Math.floor(chars / unit.length)));
}

/** Backtick runs of every length 1, 2, 3…, none closed (no two runs alike). */
function backtickStaircase(chars: number): string {
  let text = '';
  for (let length = 1; text.length + length + 1 <= chars; length++) text += `${'`'.repeat(length)}a`;
  return text;
}

/** A list whose items each hold a list, and so on, one level deeper per line (up to 30, then again). */
function listStaircase(chars: number): string {
  const lines: string[] = [];
  for (let line = 0, size = 0; ; line++) {
    const next = `${'  '.repeat(line % 30)}- x`;
    if (size + next.length + 1 > chars) break;
    lines.push(next);
    size += next.length + 1;
  }
  return lines.join('\n');
}

/** Quotes one level deeper per line (up to 30, then again). */
function quoteStaircase(chars: number): string {
  const lines: string[] = [];
  for (let line = 0, size = 0; ; line++) {
    const next = `${'>'.repeat((line % 30) + 1)} x`;
    if (size + next.length + 1 > chars) break;
    lines.push(next);
    size += next.length + 1;
  }
  return lines.join('\n');
}

/** Emphasis nested as deep as the length allows: `*a *a … a* a*`. */
function nestedEmphasis(chars: number): string {
  const levels = Math.floor(chars / 6);
  return `${'*a '.repeat(levels)}${'a* '.repeat(levels)}`.trimEnd();
}

/** The families, by name: each makes an input of about `chars` characters. */
export const HOSTILE_MARKDOWN: Readonly<Record<string, (chars: number) => string>> = {
  '`*a_` repeated': (chars) => repeatTo('*a_', chars),
  '`_a*` repeated': (chars) => repeatTo('_a*', chars),
  '`[*a` repeated': (chars) => repeatTo('[*a', chars),
  '`a_*` repeated': (chars) => repeatTo('a_*', chars),
  '`[` repeated': (chars) => repeatTo('[', chars),
  '`*` runs between words': (chars) => repeatTo('a ** ', chars),
  'backtick runs, none closed': backtickStaircase,
  '`<` repeated': (chars) => repeatTo('<', chars),
  '`<a ` (unclosed tags)': (chars) => repeatTo('<a ', chars),
  // After a word, or a line starting `<!--` would be an HTML block.
  '`<!--` (unclosed comments)': (chars) => `a ${repeatTo('<!--', chars - 2)}`,
  '`<http:` (unclosed autolinks)': (chars) => repeatTo('<http:', chars),
  '`[a](` (unclosed links)': (chars) => repeatTo('[a](', chars),
  '`[a](b "` (unclosed titles)': (chars) => repeatTo('[a](b "', chars),
  '`a@` (no e-mail domain)': (chars) => repeatTo('a@', chars),
  'bare URLs in brackets `[(www.a]`': (chars) => repeatTo('[(www.a]', chars),
  'emphasis chain `*a* `': (chars) => repeatTo('*a* ', chars),
  'nested emphasis `*a … a*`': nestedEmphasis,
  '`~a` strikethrough chain': (chars) => repeatTo('~a', chars),
  'setext headings `a\\n-\\n`': (chars) => repeatTo('a\n-\n', chars),
  'nested lists, deeper per line': listStaircase,
  'quotes, deeper per line': quoteStaircase,
  // Each delimiter row under a header of another width (marked read every line below each one).
  'would-be tables (3-cell header, 1-cell delimiter row)': (chars) => repeatTo('a|b|c\n|-|\n', chars),
  'link definitions `[a]: …\\n`': (chars) => repeatTo('[a]: https://a.example "t"\n', chars),
  'lazy quote lines `> a\\nb\\n`': (chars) => repeatTo('> a\nb\n', chars),
};
