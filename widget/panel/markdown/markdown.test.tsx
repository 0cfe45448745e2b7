import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_MARKDOWN_CHARS, MAX_NESTING_DEPTH } from '../../../src/markdown-core/parse-markdown.ts';
import { XSS_CORPUS, expectInert as expectInertWith } from '../../../src/markdown/xss-corpus.ts';
import { stringsFor } from '../testing/strings.ts';
import { cleanup, render } from '../testing/render.ts';
import { loadMarkdownRenderer, Markdown } from './markdown.tsx';

afterEach(cleanup);

/** Every element the renderer may create; anything else came from the message. */
const ALLOWED_TAGS = new Set(
  'div p em strong del code h3 h4 h5 h6 figure figcaption pre blockquote ol ul li span table thead tbody tr th td br hr a'.split(' '),
);
/** Every attribute the renderer may set. */
const ALLOWED_ATTRIBUTES = new Set(['class', 'href', 'target', 'rel', 'title', 'start', 'scope', 'tabindex', 'role', 'aria-label']);
const expectInert = (container: HTMLElement) => expectInertWith(container, { tags: ALLOWED_TAGS, attributes: ALLOWED_ATTRIBUTES });

const md = (text: string) => render(<Markdown text={text} />).container;

/** How many elements deep the rendered tree goes below `container`. */
function domDepth(container: HTMLElement): number {
  let deepest = 0;
  for (const element of container.querySelectorAll('*')) {
    let depth = 0;
    for (let node: Element | null = element; node && node !== container; node = node.parentElement) depth++;
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

describe('widget Markdown while the renderer loads', () => {
  // First in the file: the renderer chunk has not arrived yet when this renders.
  it('shows the text as written, then the rendered markdown in the same box', async () => {
    const container = md('**bold** move');
    expect(container.textContent).toBe('**bold** move');
    await vi.waitFor(() => expect(container.querySelector('strong')?.textContent).toBe('bold'));
    expect(container.textContent).toBe('bold move');
  });
});

describe('widget Markdown with hostile input (the shared corpus, under preact)', () => {
  beforeAll(async () => {
    await loadMarkdownRenderer();
  });

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
    expect(container.textContent).toBe('a b c d e [f](JAVA\tSCRIPT:x)');
  });

  // An agent can send any text: nesting thousands deep must not reach the stack.
  it.each([
    ['emphasis', `${'*'.repeat(9_000)}x${'*'.repeat(9_000)}`],
    ['alternating emphasis', `${'*_'.repeat(4_900)}x${'_*'.repeat(4_900)}`],
    ['quotes', `${'>'.repeat(10_000)} x`],
    ['list levels', `${'* '.repeat(9_000)}x`],
    ['indented list levels', Array.from({ length: 150 }, (_, level) => `${'  '.repeat(level)}* x`).join('\n')],
    ['brackets', `${'['.repeat(9_000)}x${']'.repeat(9_000)}`],
    ['links in links', `${'['.repeat(6_000)}x${'](https://a.example)'.repeat(600)}`],
    ['quotes with a hostile link', `${'> '.repeat(MAX_NESTING_DEPTH * 3)}[deep](javascript:alert(1)) <img src=x onerror=alert(1)>`],
  ])('renders %s nested thousands deep as bounded, inert text', (_, text) => {
    const container = md(text);
    expectInert(container);
    expect(container.textContent).toMatch(/x|deep/);
    // Each markdown level is at most two elements (a list and its item).
    expect(domDepth(container)).toBeLessThanOrEqual(2 * (MAX_NESTING_DEPTH + 3));
  });

  it('shows input over the limit as plain text, unparsed', () => {
    const long = `**not bold** [x](https://ok.example) ${'a'.repeat(MAX_MARKDOWN_CHARS)}`;
    const container = md(long);
    expect(container.querySelector('strong, a')).toBeNull();
    expect(container.textContent).toBe(long);
  });
});

describe('widget Markdown formatting (CommonMark + GFM, as in the inbox)', () => {
  beforeAll(async () => {
    await loadMarkdownRenderer();
  });

  it('renders headings as headings below the panel title, without ids', () => {
    const container = md('# Title\n\n### Sub');
    expect([...container.querySelectorAll('h3, h5')].map((e) => [e.tagName, e.textContent])).toEqual([
      ['H3', 'Title'],
      ['H5', 'Sub'],
    ]);
    expect(container.querySelector('h1, h2, [id]')).toBeNull();
  });

  it('renders bold, italic, strikethrough and inline code; intraword underscores stay', () => {
    const container = md('**strong** *em* _also em_ ~~gone~~ `a < b` snake_case_word ***both***');
    expect([...container.querySelectorAll('strong')].map((e) => e.textContent)).toEqual(['strong', 'both']);
    expect([...container.querySelectorAll('em')].map((e) => e.textContent)).toEqual(['em', 'also em', 'both']);
    expect(container.querySelector('del')?.textContent).toBe('gone');
    expect(container.querySelector('code')?.textContent).toBe('a < b');
    expect(container.textContent).toContain('snake_case_word');
  });

  it('keeps single newlines inside a paragraph (shown as typed) and blank lines as paragraphs', () => {
    const container = md('line one\nline two\n\nsecond paragraph');
    expect([...container.querySelectorAll('p')].map((p) => p.textContent)).toEqual(['line one\nline two', 'second paragraph']);
    expect(container.firstElementChild?.className).toContain('whitespace-pre-line');
  });

  it('renders a fenced code block verbatim, focusable and named', () => {
    const container = md('```ts\nconst a = 1 < 2 && "<b>";\n  **not bold**\n```\nafter');
    const pre = container.querySelector('pre');
    expect(pre?.querySelector('code')?.textContent).toBe('const a = 1 < 2 && "<b>";\n  **not bold**');
    expect(pre?.getAttribute('tabindex')).toBe('0');
    expect(pre?.getAttribute('aria-label')).toBe('code: ts');
    expect(container.querySelector('b, strong')).toBeNull();
    expect(container.textContent).toContain('after');
  });

  it('renders a GFM table in a focusable, named box that scrolls sideways', () => {
    const container = md('| Plan | Price |\n|:--|--:|\n| Pro | **9** |');
    const box = container.querySelector('[role="group"]');
    expect(box?.getAttribute('aria-label')).toBe('Table');
    expect(box?.getAttribute('tabindex')).toBe('0');
    expect(box?.className).toBe('ama-md-scroll');
    expect([...container.querySelectorAll('th')].map((th) => th.textContent)).toEqual(['Plan', 'Price']);
    const cells = container.querySelectorAll('td');
    expect(cells[1]?.className).toContain('text-right');
    expect(cells[1]?.querySelector('strong')?.textContent).toBe('9');
    expect(container.textContent).not.toContain('|');
  });

  it('renders task lists with their state in words', () => {
    const container = md('- [ ] todo\n- [x] done');
    expect([...container.querySelectorAll('li [role="img"]')].map((box) => box.getAttribute('aria-label'))).toEqual(['Not done', 'Done']);
    expect(container.querySelector('input')).toBeNull();
  });

  it('renders bullet, ordered (with start) and nested lists', () => {
    const container = md('- one\n- two\n  1. inner\n\n3. three\n4. four');
    const unordered = container.querySelector('ul');
    expect(unordered?.children).toHaveLength(2);
    expect(unordered?.querySelector('ol li')?.textContent).toBe('inner');
    const ordered = [...container.querySelectorAll('ol')].find((list) => list.getAttribute('start') === '3');
    expect(ordered?.textContent).toBe('threefour');
  });

  it('renders safe links that open in a new tab: written, reference, <auto>, bare and www.', () => {
    const container = md(
      '[docs](https://example.com/docs "Docs") [ref][r] <mailto:a@example.com> see https://bare.example/path. or www.w.example\n\n[r]: https://ref.example',
    );
    const links = [...container.querySelectorAll('a')];
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['docs', 'https://example.com/docs'],
      ['ref', 'https://ref.example/'],
      ['mailto:a@example.com', 'mailto:a@example.com'],
      ['https://bare.example/path', 'https://bare.example/path'],
      ['www.w.example', 'http://www.w.example/'],
    ]);
    expect(links[0]?.getAttribute('title')).toBe('Docs');
    expectInert(container);
  });

  it('links to an image instead of loading it', () => {
    const container = md('![a cat](https://img.example/cat.png)');
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('a')?.textContent).toBe('Image: a cat');
    expect(container.querySelector('a')?.getAttribute('href')).toBe('https://img.example/cat.png');
  });

  it('keeps plain text as written, character references decoded as text', () => {
    const container = md('Hello @Demo, 2 < 3 & "quotes" &amp; \\*not em\\*');
    expect(container.textContent).toBe('Hello @Demo, 2 < 3 & "quotes" & *not em*');
  });

  it("names tables, code, images and task states in the visitor's language", () => {
    const { container } = render(
      <Markdown
        text={'| a |\n|-|\n| 1 |\n\n```\nx\n```\n\n![Katze](https://img.example/k.png)\n\n- [x] ja\n- [ ] nein'}
        labels={stringsFor('de').markdown}
      />,
    );
    expect([...container.querySelectorAll('[role="group"]')].map((group) => group.getAttribute('aria-label'))).toEqual(['Tabelle', 'Code']);
    expect(container.querySelector('a')?.textContent).toBe('Bild: Katze');
    expect([...container.querySelectorAll('[role="img"]')].map((box) => box.getAttribute('aria-label'))).toEqual(['Erledigt', 'Offen']);
  });

  it('re-renders a growing (streaming) text, and the committed text the same', () => {
    const { container, rerender } = render(<Markdown text={'**Hel'} />);
    expect(container.textContent).toBe('**Hel');
    rerender(<Markdown text={'**Hello**, see | a |'} />);
    expect(container.querySelector('strong')?.textContent).toBe('Hello');
    const streamed = container.innerHTML;
    cleanup();
    expect(md('**Hello**, see | a |').innerHTML).toBe(streamed);
  });
});
