import { describe, expect, it } from 'vitest';
import { HOSTILE_MARKDOWN, repeatTo } from './hostile-markdown.ts';
import type { MdBlock, MdInline } from './markdown-tree.ts';
import { MAX_NESTING_DEPTH, parseMarkdown } from './parse-markdown.ts';

/**
 * The input families that made the parser quadratic (marked scanned forward from every
 * opener) or deep, at a representative size: what they parse to. Their time is the
 * bench's business (`npm run bench:core`), not a test's.
 */
const CHARS = 3_000;

const text = (value: string): MdInline => ({ type: 'text', text: value });
const paragraph = (...children: MdInline[]): MdBlock => ({ type: 'paragraph', children });

/** Every word of the tree (text, code, literal), in order. */
function words(nodes: readonly (MdBlock | MdInline)[]): string {
  let out = '';
  const stack = [...nodes].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'text' || node.type === 'literal' || node.type === 'code') out += node.text;
    const children: (MdBlock | MdInline)[] =
      'children' in node ? node.children : node.type === 'list' ? node.items.flatMap((item) => item.children) : [];
    stack.push(...[...children].reverse());
  }
  return out;
}

/** How deep the tree goes. */
function depth(nodes: readonly (MdBlock | MdInline)[]): number {
  let deepest = 0;
  for (const node of nodes) {
    const children: (MdBlock | MdInline)[] =
      'children' in node ? node.children : node.type === 'list' ? node.items.flatMap((item) => item.children) : [];
    deepest = Math.max(deepest, 1 + depth(children));
  }
  return deepest;
}

/** The source of `levels` nested emphases `*a *a a* a*`. */
const nestedSource = (levels: number) => `${'*a '.repeat(levels - 1)}*a a*${' a*'.repeat(levels - 1)}`;

/** What `levels` nested emphases parse to at `at` deep: past the depth limit, their source as words. */
function nestedEmphasis(levels: number, at: number): MdInline {
  if (levels === 1) return { type: 'emphasis', children: [text('a a')] };
  if (at + 1 > MAX_NESTING_DEPTH) return { type: 'emphasis', children: [text(`a ${nestedSource(levels - 1)} a`)] };
  return { type: 'emphasis', children: [text('a '), nestedEmphasis(levels - 1, at + 1), text(' a')] };
}

describe('parseMarkdown on hostile input', () => {
  const make = (family: string) => HOSTILE_MARKDOWN[family]!(CHARS);

  it.each([
    '`*a_` repeated',
    '`_a*` repeated',
    '`[*a` repeated',
    '`[` repeated',
    '`*` runs between words',
    'backtick runs, none closed',
    '`<` repeated',
    '`<a ` (unclosed tags)',
    '`<!--` (unclosed comments)',
    '`<http:` (unclosed autolinks)',
    '`[a](` (unclosed links)',
    '`[a](b "` (unclosed titles)',
    '`a@` (no e-mail domain)',
    'would-be tables (3-cell header, 1-cell delimiter row)',
  ])('keeps %s as the words written', (family) => {
    const input = make(family);
    expect(parseMarkdown(input)).toEqual([paragraph(text(input.trimEnd()))]);
  });

  it('matches only the last `*` of `a_*` repeated (the only closer) with the one before it', () => {
    const input = make('`a_*` repeated');
    const units = input.length / 3;
    expect(parseMarkdown(input)).toEqual([paragraph(text(`${'a_*'.repeat(units - 2)}a_`), { type: 'emphasis', children: [text('a_')] })]);
  });

  it('parses a chain of emphasis, one per word', () => {
    const units = make('emphasis chain `*a* `').length / 4;
    const children = Array.from({ length: units }, (_, index): MdInline[] =>
      index < units - 1 ? [{ type: 'emphasis', children: [text('a')] }, text(' ')] : [{ type: 'emphasis', children: [text('a')] }],
    ).flat();
    expect(parseMarkdown(make('emphasis chain `*a* `'))).toEqual([paragraph(...children)]);
  });

  it('parses a chain of strikethrough, each pair of tildes one', () => {
    const input = make('`~a` strikethrough chain');
    const pairs = input.length / 4;
    const children = Array.from({ length: pairs }, (): MdInline[] => [{ type: 'delete', children: [text('a')] }, text('a')]).flat();
    expect(parseMarkdown(input)).toEqual([paragraph(...children)]);
  });

  it('parses emphasis nested hundreds deep, past the depth limit as its source', () => {
    const input = make('nested emphasis `*a … a*`');
    const levels = (input.length + 1) / 6;
    expect(input).toBe(nestedSource(levels));
    expect(parseMarkdown(input)).toEqual([paragraph(nestedEmphasis(levels, 0))]);
  });

  it('parses setext headings one after another', () => {
    const input = make('setext headings `a\\n-\\n`');
    const heading: MdBlock = { type: 'heading', level: 2, children: [text('a')] };
    expect(parseMarkdown(input)).toEqual(Array.from({ length: input.length / 4 }, () => heading));
  });

  it.each(['nested lists, deeper per line', 'quotes, deeper per line'])('parses %s into a bounded tree with every line', (family) => {
    const input = make(family);
    const blocks = parseMarkdown(input);
    expect(blocks[0]?.type).toBe(family.startsWith('quotes') ? 'quote' : 'list');
    expect(depth(blocks)).toBeLessThanOrEqual(2 * (MAX_NESTING_DEPTH + 3));
    expect(words(blocks).match(/x/g)).toHaveLength(input.split('\n').length);
  });

  it('reads a long run of link definitions into no block at all', () => {
    expect(parseMarkdown(make('link definitions `[a]: …\\n`'))).toEqual([]);
  });

  it('keeps lazy lines in the quote they continue', () => {
    const input = make('lazy quote lines `> a\\nb\\n`');
    const lines = Array.from({ length: input.length / 6 }, () => 'a\nb').join('\n');
    expect(parseMarkdown(input)).toEqual([{ type: 'quote', children: [paragraph(text(lines))] }]);
  });

  it('links each bare URL in brackets up to its `]`', () => {
    const input = make('bare URLs in brackets `[(www.a]`');
    const link: MdInline = { type: 'link', href: 'http://www.a', title: null, children: [text('www.a')] };
    const units = input.length / 8;
    const children = Array.from({ length: units }, (_, index) => [text(index === 0 ? '[(' : '][('), link]).flat();
    expect(parseMarkdown(input)).toEqual([paragraph(...children, text(']'))]);
  });

  it('parses links in a long run of them', () => {
    const input = repeatTo('[a](https://a.example) ', CHARS);
    const link: MdInline = { type: 'link', href: 'https://a.example', title: null, children: [text('a')] };
    const count = input.length / 23;
    const children = Array.from({ length: count }, (_, index) => (index < count - 1 ? [link, text(' ')] : [link])).flat();
    expect(parseMarkdown(input)).toEqual([paragraph(...children)]);
  });
});
