/**
 * Another party's words, quoted inside one's own markdown so that they render as exactly
 * what they wrote and can never become markup (a link, an image, emphasis, a heading…).
 */

/**
 * The ASCII punctuation that is markup somewhere in CommonMark or GFM (a backslash makes
 * each the character itself). The rest (`,` `?` `;` `'` `"` `/` `%` `$` `^` `{` `}`) is
 * never markup on its own: quotes and slashes only mean something inside a link's
 * brackets, `;` only after `&`, all of which are escaped, so it stays as written.
 */
const MARKUP_PUNCTUATION = /[\\`*_~[\]()!<>&#|\-+=.:@]/g;
/** Line endings (they would start a new block) and whitespace at either end (a paragraph drops it). */
const STRUCTURAL_WHITESPACE = /\r|\n|^[ \t]+|[ \t]+$/g;

/**
 * `text` as markdown that renders as exactly `text`, wherever it is put (at a line's start
 * too), in any markdown: a backslash before every punctuation character that can be
 * markup (delimiters, brackets, `<`, `&`, `#`, `>`, `-`, `|`, `~`, `\`, and the `:`, `.`
 * and `@` of a URL, a `www.` or an e-mail address, so no bare URL is linked either), and
 * line endings and spaces at either end as character references, which are words, never
 * structure.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(MARKUP_PUNCTUATION, '\\$&')
    .replace(STRUCTURAL_WHITESPACE, (whitespace) => [...whitespace].map((char) => `&#${char.charCodeAt(0)};`).join(''));
}
