import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '../testing/render.ts';
import { Markdown, MAX_MARKDOWN_CHARS } from './markdown.tsx';
import { MAX_INLINE_DEPTH, parseInline } from './parse-inline.ts';
import { MAX_BLOCK_DEPTH } from './parse-markdown.ts';
import { XSS_CORPUS, expectInert as expectInertWith } from '../../../src/markdown/xss-corpus.ts';

afterEach(cleanup);

/** Every element the renderer may create; anything else came from the message. */
const ALLOWED_TAGS = new Set('div p strong em code pre blockquote ol ul li a br'.split(' '));
/** Every attribute the renderer may set. */
const ALLOWED_ATTRIBUTES = new Set(['class', 'href', 'target', 'rel', 'start', 'tabindex']);
const expectInert = (container: HTMLElement) => expectInertWith(container, { tags: ALLOWED_TAGS, attributes: ALLOWED_ATTRIBUTES });

const md = (text: string) => render(<Markdown text={text} />).container;

describe('widget Markdown with hostile input (the inbox corpus)', () => {
  it('has the corpus of at least 25 payloads', () => {
    expect(XSS_CORPUS.length).toBeGreaterThanOrEqual(25);
  });

  it.each(XSS_CORPUS)('renders %j inertly and keeps its words', (payload, words) => {
    const container = md(payload);
    expectInert(container);
    const text = container.textContent ?? '';
    for (const word of words) expect(text).toContain(word);
  });

  it('never links a javascript:, data:, vbscript:, relative or protocol-relative target', () => {
    const container = md('[a](javascript:x) [b](data:text/html,x) [c](vbscript:x) [d](/x) [e](//evil.example) [f](JAVA\tSCRIPT:x)');
    expect(container.querySelectorAll('a')).toHaveLength(0);
    expect(container.textContent).toContain('[d](/x)');
  });

  it('stays inert and bounded for very deep nesting', () => {
    const deep = `${'> '.repeat(MAX_BLOCK_DEPTH * 3)}${'- '.repeat(40)}[deep](javascript:alert(1)) <img src=x onerror=alert(1)>`;
    const container = md(deep);
    expectInert(container);
    expect(container.textContent).toContain('deep');
    expect(container.querySelectorAll('blockquote').length).toBeLessThanOrEqual(MAX_BLOCK_DEPTH);
    const stars = `${'*a '.repeat(MAX_INLINE_DEPTH * 4)}x${' a*'.repeat(MAX_INLINE_DEPTH * 4)}`;
    expectInert(md(stars));
  });

  // An agent can send any text: the depth caps keep thousands of levels from reaching the stack.
  it.each([
    ['emphasis', `${'*'.repeat(9_000)}x${'*'.repeat(9_000)}`],
    ['alternating emphasis', `${'*_'.repeat(4_900)}x${'_*'.repeat(4_900)}`],
    ['quotes', `${'>'.repeat(10_000)} x`],
    ['list levels', `${'* '.repeat(9_000)}x`],
    ['indented list levels', Array.from({ length: 150 }, (_, level) => `${'  '.repeat(level)}* x`).join('\n')],
    ['brackets', `${'['.repeat(9_000)}x${']'.repeat(9_000)}`],
    ['links in links', `${'['.repeat(6_000)}x${'](https://a.example)'.repeat(600)}`],
  ])('renders %s nested thousands deep as bounded, inert text', (_, text) => {
    const container = md(text);
    expectInert(container);
    expect(container.textContent).toContain('x');
    const nested = (tag: string, levels: number) => Array.from({ length: levels }, () => tag).join(' ');
    expect(container.querySelectorAll(nested('blockquote', MAX_BLOCK_DEPTH + 1))).toHaveLength(0);
    expect(container.querySelectorAll(nested('ul', MAX_BLOCK_DEPTH + 1))).toHaveLength(0);
    expect(container.querySelectorAll(nested(':is(em, strong)', MAX_INLINE_DEPTH + 1))).toHaveLength(0);
  });

  it('reads a message full of delimiters in linear time', () => {
    const started = performance.now();
    parseInline('*_['.repeat(20_000 / 3));
    parseInline('**a'.repeat(20_000 / 3));
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('shows input over the limit as plain text, unparsed', () => {
    const long = `**not bold** [x](https://ok.example) ${'a'.repeat(MAX_MARKDOWN_CHARS)}`;
    const container = md(long);
    expect(container.querySelector('strong, a')).toBeNull();
    expect(container.textContent).toBe(long);
  });
});

describe('widget Markdown formatting', () => {
  it('renders bold, italic and inline code', () => {
    const container = md('**strong** *em* _also em_ `a < b` snake_case_word ***both***');
    expect([...container.querySelectorAll('strong')].map((e) => e.textContent)).toEqual(['strong', 'both']);
    expect([...container.querySelectorAll('em')].map((e) => e.textContent)).toEqual(['em', 'also em', 'both']);
    expect(container.querySelector('code')?.textContent).toBe('a < b');
    expect(container.textContent).toContain('snake_case_word');
  });

  it('keeps single newlines as line breaks and blank lines as paragraphs', () => {
    const container = md('line one\nline two\n\nsecond paragraph');
    expect(container.querySelectorAll('p')).toHaveLength(2);
    expect(container.querySelectorAll('br')).toHaveLength(1);
  });

  it('renders a fenced code block verbatim', () => {
    const container = md('```ts\nconst a = 1 < 2 && "<b>";\n  **not bold**\n```\nafter');
    expect(container.querySelector('pre code')?.textContent).toBe('const a = 1 < 2 && "<b>";\n  **not bold**');
    expect(container.querySelector('pre')?.getAttribute('tabindex')).toBe('0');
    expect(container.querySelector('b, strong')).toBeNull();
    expect(container.textContent).toContain('after');
  });

  it('renders headings as bold lines, never heading elements', () => {
    const container = md('# Title\n\n### Sub');
    expect(container.querySelector('h1, h2, h3, h4, h5, h6')).toBeNull();
    expect([...container.querySelectorAll('p > strong')].map((e) => e.textContent)).toEqual(['Title', 'Sub']);
  });

  it('renders bullet, ordered (with start) and nested lists', () => {
    const container = md('- one\n- two\n  1. inner\n\n3. three\n4. four');
    const unordered = container.querySelector('ul');
    expect(unordered?.children).toHaveLength(2);
    expect(unordered?.querySelector('ol li')?.textContent).toBe('inner');
    const ordered = [...container.querySelectorAll('ol')].find((list) => list.getAttribute('start') === '3');
    expect(ordered?.textContent).toBe('threefour');
  });

  it('renders safe links that open in a new tab, written, <auto> and bare', () => {
    const container = md('[docs](https://example.com/docs "Docs") <mailto:a@example.com> see https://bare.example/path.');
    const links = [...container.querySelectorAll('a')];
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['docs', 'https://example.com/docs'],
      ['mailto:a@example.com', 'mailto:a@example.com'],
      ['https://bare.example/path', 'https://bare.example/path'],
    ]);
    expectInert(container);
  });

  it('never loads an image', () => {
    const container = md('![a cat](https://img.example/cat.png)');
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toContain('a cat');
  });

  it('keeps plain text as written, character references decoded as text', () => {
    const container = md('Hello @Demo, 2 < 3 & "quotes" &amp; \\*not em\\*');
    expect(container.textContent).toBe('Hello @Demo, 2 < 3 & "quotes" & *not em*');
  });
});
