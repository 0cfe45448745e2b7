import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from './escape-markdown.ts';
import { parseMarkdown } from './parse-markdown.ts';

/** Characters that are markup somewhere in CommonMark or GFM, and some words around them. */
const ALPHABET = [
  '*',
  '_',
  '~',
  '`',
  '[',
  ']',
  '(',
  ')',
  '!',
  '<',
  '>',
  '#',
  '|',
  '\\',
  '&',
  ';',
  ':',
  '/',
  '.',
  '@',
  '-',
  '+',
  '=',
  '"',
  "'",
  '1',
  'a',
  'h',
  'w',
  ' ',
  ' ',
  '\t',
  '\n',
  '\r',
  'é',
  '“',
];
const ROUNDS = 2_000;
const MAX_LENGTH = 24;

/** What `escaped` renders as: exactly one paragraph of words, or null if anything else came of it. */
function renderedWords(escaped: string): string | null {
  const blocks = parseMarkdown(escaped);
  if (blocks.length !== 1 || blocks[0]!.type !== 'paragraph') return null;
  const children = blocks[0]!.children;
  return children.length === 1 && children[0]!.type === 'text' ? children[0]!.text : null;
}

describe('escapeMarkdown', () => {
  it.each([
    ['a link', '[click](https://evil.example)'],
    ['an image', '![x](https://evil.example/p.png)'],
    ['an autolink', '<https://evil.example>'],
    ['a bare URL', 'see https://evil.example/path?q=1'],
    ['a www. address', 'www.evil.example'],
    ['an e-mail address', 'eve@evil.example'],
    ['a reference link', '[click][1]\n\n[1]: https://evil.example'],
    ['raw HTML', '<img src=x onerror=alert(1)>'],
    ['a character reference', '&lt;b&gt; &amp;'],
    ['emphasis, code and strikethrough', '**bold** _it_ `code` ~~gone~~'],
    ['a heading', '# Title'],
    ['a list', '- one\n1. two\n+ three'],
    ['a quote', '> quoted'],
    ['a table', '| a | b |\n| - | - |\n| 1 | 2 |'],
    ['a code block', '    indented\n```\nfenced\n```'],
    ['a setext heading and a rule', 'Title\n===\n\n---'],
    ['a hard break', 'one  \ntwo\\\nthree'],
    ['spaces at either end', '  padded\t '],
    ['backslashes', '\\*not emphasis\\* \\\\'],
  ])('quotes %s as the exact words', (_, text) => {
    expect(renderedWords(escapeMarkdown(text))).toBe(text);
    expect(renderedWords(`You said: “${escapeMarkdown(text)}”.`)).toBe(`You said: “${text}”.`);
  });

  it('quotes any mix of markup characters as the exact words', () => {
    let seed = 7;
    const random = (below: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % below;
    for (let round = 0; round < ROUNDS; round++) {
      const text = Array.from({ length: 1 + random(MAX_LENGTH) }, () => ALPHABET[random(ALPHABET.length)]).join('');
      expect(renderedWords(escapeMarkdown(text)), JSON.stringify(text)).toBe(text);
    }
  });
});
