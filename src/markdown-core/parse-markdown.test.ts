import { describe, expect, it } from 'vitest';
import type { MdBlock, MdInline } from './markdown-tree.ts';
import { decodeEntities, MAX_MARKDOWN_CHARS, MAX_NESTING_DEPTH, nestsTooDeep, parseMarkdown } from './parse-markdown.ts';

/** How deep the tree goes (blocks and inlines alike). Iterative, as the input may be hostile. */
function treeDepth(blocks: readonly MdBlock[]): number {
  let deepest = 0;
  const stack: [MdBlock | MdInline, number][] = blocks.map((block) => [block, 1]);
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    deepest = Math.max(deepest, depth);
    const children: (MdBlock | MdInline)[] =
      'children' in node
        ? node.children
        : node.type === 'list'
          ? node.items.flatMap((item) => item.children)
          : node.type === 'table'
            ? [...node.header, ...node.rows.flat()].flat()
            : [];
    for (const child of children) stack.push([child, depth + 1]);
  }
  return deepest;
}

describe('parseMarkdown', () => {
  it('parses blocks into our own typed nodes', () => {
    expect(parseMarkdown('# Title\n\nSome *em* and **strong** `code`\n\n---\n\n> quoted')).toEqual([
      { type: 'heading', level: 1, children: [{ type: 'text', text: 'Title' }] },
      {
        type: 'paragraph',
        children: [
          { type: 'text', text: 'Some ' },
          { type: 'emphasis', children: [{ type: 'text', text: 'em' }] },
          { type: 'text', text: ' and ' },
          { type: 'strong', children: [{ type: 'text', text: 'strong' }] },
          { type: 'text', text: ' ' },
          { type: 'code', text: 'code' },
        ],
      },
      { type: 'rule' },
      { type: 'quote', children: [{ type: 'paragraph', children: [{ type: 'text', text: 'quoted' }] }] },
    ]);
  });

  it('parses GFM tables with alignment, inline formatting in cells and missing cells', () => {
    expect(parseMarkdown('| Item | Price | Note |\n|:-----|------:|:-:|\n| Tea | ~~4~~ **3** |')).toEqual([
      {
        type: 'table',
        align: ['left', 'right', 'center'],
        header: [[{ type: 'text', text: 'Item' }], [{ type: 'text', text: 'Price' }], [{ type: 'text', text: 'Note' }]],
        rows: [
          [
            [{ type: 'text', text: 'Tea' }],
            [
              { type: 'delete', children: [{ type: 'text', text: '4' }] },
              { type: 'text', text: ' ' },
              { type: 'strong', children: [{ type: 'text', text: '3' }] },
            ],
            [],
          ],
        ],
      },
    ]);
  });

  it('parses GFM task lists, tight items as plain text and loose items as paragraphs', () => {
    expect(parseMarkdown('- [ ] todo\n- [x] done\n- plain')).toEqual([
      {
        type: 'list',
        ordered: false,
        start: 1,
        items: [
          { checked: false, children: [{ type: 'plain', children: [{ type: 'text', text: 'todo' }] }] },
          { checked: true, children: [{ type: 'plain', children: [{ type: 'text', text: 'done' }] }] },
          { checked: null, children: [{ type: 'plain', children: [{ type: 'text', text: 'plain' }] }] },
        ],
      },
    ]);
    const [loose] = parseMarkdown('3. one\n\n4. two');
    expect(loose).toMatchObject({
      type: 'list',
      ordered: true,
      start: 3,
      items: [{ children: [{ type: 'paragraph' }] }, { children: [{ type: 'paragraph' }] }],
    });
  });

  it('keeps the checkbox of a loose task item out of its words', () => {
    expect(parseMarkdown('- [x] done\n\n- [ ] todo')).toEqual([
      {
        type: 'list',
        ordered: false,
        start: 1,
        items: [
          { checked: true, children: [{ type: 'paragraph', children: [{ type: 'text', text: 'done' }] }] },
          { checked: false, children: [{ type: 'paragraph', children: [{ type: 'text', text: 'todo' }] }] },
        ],
      },
    ]);
  });

  it('parses autolinks: <scheme:…>, bare URLs, www. and e-mail addresses', () => {
    const [paragraph] = parseMarkdown('<https://a.example/x> see https://b.example/y. and www.c.example or d@e.example');
    const links = paragraph?.type === 'paragraph' ? paragraph.children.filter((node) => node.type === 'link') : [];
    expect(links.map((link) => link.href)).toEqual([
      'https://a.example/x',
      'https://b.example/y',
      'http://www.c.example',
      'mailto:d@e.example',
    ]);
  });

  it('keeps links, images and titles as written, references resolved and character references decoded', () => {
    const [paragraph] = parseMarkdown(
      '[a &amp; b](https://x.example/?q=1&amp;r=2 "T &quot;t&quot;") ![cat *pic*][c]\n\n[c]: https://img.example/c.png',
    );
    expect(paragraph).toEqual({
      type: 'paragraph',
      children: [
        { type: 'link', href: 'https://x.example/?q=1&r=2', title: 'T "t"', children: [{ type: 'text', text: 'a & b' }] },
        { type: 'text', text: ' ' },
        { type: 'image', src: 'https://img.example/c.png', title: null, alt: 'cat pic' },
      ],
    });
  });

  it('keeps autolinks and bare URLs inside a link as its words (no link holds another)', () => {
    expect(parseMarkdown('[see <https://a.example> and www.b.example](https://c.example)')).toEqual([
      {
        type: 'paragraph',
        children: [
          {
            type: 'link',
            href: 'https://c.example',
            title: null,
            children: [{ type: 'text', text: 'see https://a.example and www.b.example' }],
          },
        ],
      },
    ]);
  });

  it('keeps raw HTML as literal text, never as markup', () => {
    expect(parseMarkdown('<div onclick="x()">hi</div>')).toEqual([{ type: 'literal', text: '<div onclick="x()">hi</div>' }]);
    expect(parseMarkdown('a <b>bold</b>')).toEqual([{ type: 'paragraph', children: [{ type: 'text', text: 'a <b>bold</b>' }] }]);
  });

  it('keeps code verbatim and takes the first word of the info string as its language', () => {
    expect(parseMarkdown('```ts title="x"\nconst a = 1 < 2 &amp;\n```')).toEqual([
      { type: 'code', language: 'ts', text: 'const a = 1 < 2 &amp;' },
    ]);
    expect(parseMarkdown('    indented')).toEqual([{ type: 'code', language: null, text: 'indented' }]);
    // The same text whether or not the message ends with a line break (marked kept one at the end).
    expect(parseMarkdown('    indented\n')).toEqual([{ type: 'code', language: null, text: 'indented' }]);
  });

  it('keeps an indented line under a link definition as words of a paragraph, not code', () => {
    // Indented code cannot interrupt a paragraph, and a definition is read from one (marked made it code).
    expect(parseMarkdown('[a]: https://a.example\n    # not code')).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: '# not code' }] },
    ]);
  });

  it("resolves a definition's escapes and references once: an escaped `&` keeps the reference as written", () => {
    expect(parseMarkdown('[a]: https://x.example/?\\&amp; "&quot;T\\&quot;"\n\n[a]')).toEqual([
      {
        type: 'paragraph',
        children: [{ type: 'link', href: 'https://x.example/?&amp;', title: '"T&quot;', children: [{ type: 'text', text: 'a' }] }],
      },
    ]);
  });

  it('keeps a task item a task item when a line under it (lazily its words) looks like a delimiter row', () => {
    // marked made `[x] done` the header of a one-column table inside the item.
    expect(parseMarkdown('- [x] done\n|-|')).toEqual([
      {
        type: 'list',
        ordered: false,
        start: 1,
        items: [{ checked: true, children: [{ type: 'plain', children: [{ type: 'text', text: 'done\n|-|' }] }] }],
      },
    ]);
  });

  it('parses a table after paragraph lines, its rows up to a blank line, and keeps `\\|` in cells as `|`', () => {
    expect(parseMarkdown('intro\n| a | `b\\|c` |\n| - | - |\n| 1 | 2 | 3 |\nlast\n\nafter')).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: 'intro' }] },
      {
        type: 'table',
        align: [null, null],
        header: [[{ type: 'text', text: 'a' }], [{ type: 'code', text: 'b|c' }]],
        rows: [
          [[{ type: 'text', text: '1' }], [{ type: 'text', text: '2' }]],
          [[{ type: 'text', text: 'last' }], []],
        ],
      },
      { type: 'paragraph', children: [{ type: 'text', text: 'after' }] },
    ]);
  });

  it('imports nothing from outside the markdown core (marked could not be tree-shaken out of the widget)', () => {
    const sources = import.meta.glob<string>(['./*.ts', '!./*.test.ts'], { query: '?raw', import: 'default', eager: true });
    const imports = Object.values(sources).flatMap((source) =>
      [...source.matchAll(/^(?:import|export)[^;]*?from '([^']+)'/gm)].map((match) => match[1]),
    );
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((specifier) => !specifier?.startsWith('./'))).toEqual([]);
  });

  it('shows input over the limit as one literal block, unparsed', () => {
    const long = `# x ${'a'.repeat(MAX_MARKDOWN_CHARS)}`;
    expect(parseMarkdown(long)).toEqual([{ type: 'literal', text: long }]);
  });

  // An agent can send any text: nesting thousands deep must neither overflow the stack nor freeze the page.
  it.each([
    ['emphasis', `${'*'.repeat(9_000)}x${'*'.repeat(9_000)}`],
    ['underscores', `${'_'.repeat(9_000)}x${'_'.repeat(9_000)}`],
    ['alternating emphasis', `${'*_'.repeat(4_900)}x${'_*'.repeat(4_900)}`],
    ['quotes', `${'>'.repeat(10_000)} x`],
    ['spaced quotes', `${'> '.repeat(5_000)}x`],
    ['list levels', `${'* '.repeat(9_000)}x`],
    ['ordered list levels', `${'1. '.repeat(6_000)}x`],
    ['indented list levels', Array.from({ length: 150 }, (_, level) => `${'  '.repeat(level)}* x`).join('\n')],
    ['brackets', `${'['.repeat(9_000)}x${']'.repeat(9_000)}`],
    ['links in links', `${'['.repeat(6_000)}x${'](https://a.example)'.repeat(600)}`],
    ['delimiters', '*_['.repeat(6_666)],
  ])('parses %s nested thousands deep into a bounded tree', (_, text) => {
    const blocks = parseMarkdown(text);
    expect(treeDepth(blocks)).toBeLessThanOrEqual(2 * (MAX_NESTING_DEPTH + 3));
    expect(JSON.stringify(blocks)).toContain('x');
  });

  it('flags deep nesting in one pass, but not rules, long words or ordinary lists', () => {
    expect(nestsTooDeep(`${'> '.repeat(40)}x`)).toBe(true);
    expect(nestsTooDeep(`${'- '.repeat(40)}x`)).toBe(true);
    expect(nestsTooDeep(`a ${'*'.repeat(100)}b`)).toBe(true);
    expect(nestsTooDeep('*'.repeat(100))).toBe(false);
    expect(nestsTooDeep(`${'_'.repeat(80)}\n${'-'.repeat(80)}`)).toBe(false);
    expect(nestsTooDeep('> - 1. **deep** enough\n> > quoted')).toBe(false);
  });
});

describe('decodeEntities', () => {
  it('decodes named, decimal and hexadecimal references; invalid ones become U+FFFD; unknown names stay', () => {
    expect(decodeEntities('&amp; &lt; &copy; &#35; &#x22; &#0; &nosuchname; &copycat;')).toBe('& < © # " \ufffd &nosuchname; &copycat;');
  });
});
