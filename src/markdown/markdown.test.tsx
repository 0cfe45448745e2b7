import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { LazyMarkdown } from './lazy-markdown.tsx';
import { Markdown } from './markdown.tsx';
import { MAX_MARKDOWN_CHARS, MAX_NESTING_DEPTH as MAX_RENDER_DEPTH } from '../markdown-core/parse-markdown.ts';
import { XSS_CORPUS, expectInert as expectInertWith } from './xss-corpus.ts';

afterEach(cleanup);

/** Every element the renderer may create; anything else came from the message. */
const ALLOWED_TAGS = new Set(
  'div p em strong del code h3 h4 h5 h6 figure figcaption pre blockquote ol ul li span table thead tbody tr th td br hr a'.split(' '),
);
/** Every attribute the renderer may set. */
const ALLOWED_ATTRIBUTES = new Set(['class', 'href', 'target', 'rel', 'title', 'start', 'scope', 'tabindex', 'role', 'aria-label']);
const expectInert = (container: HTMLElement) => expectInertWith(container, { tags: ALLOWED_TAGS, attributes: ALLOWED_ATTRIBUTES });

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

describe('Markdown with hostile input', () => {
  it('has a corpus of at least 25 payloads', () => {
    expect(XSS_CORPUS.length).toBeGreaterThanOrEqual(25);
  });

  it.each(XSS_CORPUS)('renders %j inertly and keeps its words', (payload, words) => {
    const { container } = render(<Markdown text={payload} />);
    expectInert(container);
    const text = container.textContent ?? '';
    for (const word of words) expect(text).toContain(word);
  });

  it('stays inert for very deep nesting and flattens it to text', () => {
    const deep = `${'> '.repeat(MAX_RENDER_DEPTH * 3)}[deep](javascript:alert(1)) <img src=x onerror=alert(1)>`;
    const { container } = render(<Markdown text={deep} />);
    expectInert(container);
    expect(container.textContent).toContain('deep');
    expect(container.querySelectorAll('blockquote').length).toBeLessThanOrEqual(MAX_RENDER_DEPTH + 1);
  });

  // An agent can send any text: a nesting thousands deep once overflowed the stack (RangeError).
  it.each([
    ['emphasis', `${'*'.repeat(9_000)}x${'*'.repeat(9_000)}`],
    ['underscores', `${'_'.repeat(9_000)}x${'_'.repeat(9_000)}`],
    ['quotes', `${'>'.repeat(10_000)} x`],
    ['list levels', `${'* '.repeat(9_000)}x`],
    ['indented list levels', Array.from({ length: 150 }, (_, level) => `${'  '.repeat(level)}* x`).join('\n')],
    ['brackets', `${'['.repeat(9_000)}x${']'.repeat(9_000)}`],
    ['links in links', `${'['.repeat(6_000)}x${'](https://a.example)'.repeat(600)}`],
  ])('renders %s nested thousands deep as bounded, inert text', (_, text) => {
    const { container } = render(<Markdown text={text} />);
    expectInert(container);
    expect(container.textContent).toContain('x');
    // Each markdown level is at most two elements (a list and its item).
    expect(domDepth(container)).toBeLessThanOrEqual(2 * (MAX_RENDER_DEPTH + 2));
  });

  it('shows input over the limit as plain text, unparsed', () => {
    const long = `# not a heading [x](https://ok.example) ${'a'.repeat(MAX_MARKDOWN_CHARS)}`;
    const { container } = render(<Markdown text={long} />);
    expectInert(container);
    expect(container.querySelector('h3, a')).toBeNull();
    expect(container.textContent).toBe(long);
  });
});

describe('Markdown formatting', () => {
  it('renders headings below the app headings, capped at h6, without ids', () => {
    const { container } = render(<Markdown text={'# Title\n\n## Sub\n\n###### Tiny'} />);
    expect(screen.getByRole('heading', { level: 3 }).textContent).toBe('Title');
    expect(screen.getByRole('heading', { level: 4 }).textContent).toBe('Sub');
    expect(screen.getByRole('heading', { level: 6 }).textContent).toBe('Tiny');
    expect(container.querySelector('h1, h2, [id]')).toBeNull();
  });

  it('renders emphasis, strong, strikethrough and inline code', () => {
    const { container } = render(<Markdown text={'*em* **strong** ~~gone~~ `code`'} />);
    expect(container.querySelector('em')?.textContent).toBe('em');
    expect(container.querySelector('strong')?.textContent).toBe('strong');
    expect(container.querySelector('del')?.textContent).toBe('gone');
    expect(container.querySelector('code')?.textContent).toBe('code');
  });

  it('renders unordered, ordered (with start) and nested lists', () => {
    const { container } = render(<Markdown text={'- one\n- two\n  1. inner\n\n3. three\n4. four'} />);
    const [unordered] = container.querySelectorAll('ul');
    expect(unordered?.children).toHaveLength(2);
    expect(unordered?.querySelector('ol li')?.textContent).toBe('inner');
    const ordered = [...container.querySelectorAll('ol')].find((list) => list.getAttribute('start') === '3');
    expect(ordered?.textContent).toBe('threefour');
  });

  it('renders task list items as words a screen reader can say', () => {
    render(<Markdown text={'- [ ] todo\n- [x] done'} />);
    expect(screen.getByRole('img', { name: 'Not done' }).textContent).toBe('☐');
    expect(screen.getByRole('img', { name: 'Done' }).textContent).toBe('☑');
  });

  it('renders a fenced code block with its language and its text verbatim', () => {
    const { container } = render(<Markdown text={'```ts\nconst a = 1 < 2 && "<b>";\n```'} />);
    expect(container.querySelector('figcaption')?.textContent).toBe('ts');
    const pre = container.querySelector('pre');
    expect(pre?.getAttribute('tabindex')).toBe('0');
    expect(screen.getByRole('group', { name: 'code: ts' })).toBe(pre);
    expect(pre?.querySelector('code')?.textContent).toBe('const a = 1 < 2 && "<b>";');
    expect(container.querySelector('b')).toBeNull();
  });

  it('labels a code block without a language as code', () => {
    const { container } = render(<Markdown text={'```\nplain\n```'} />);
    expect(container.querySelector('figcaption')?.textContent).toBe('code');
  });

  it('renders a table with column headers and alignment as classes, in a focusable scrolling box', () => {
    const { container } = render(<Markdown text={'| Item | Price |\n|:-----|------:|\n| Tea | **3** |'} />);
    const box = screen.getByRole('group', { name: 'Table' });
    expect(box.getAttribute('tabindex')).toBe('0');
    expect(box.className).toContain('overflow-x-auto');
    expect(box.querySelector('table')).not.toBeNull();
    const headers = container.querySelectorAll('th');
    expect([...headers].map((th) => th.textContent)).toEqual(['Item', 'Price']);
    expect(headers[0]?.getAttribute('scope')).toBe('col');
    const cells = container.querySelectorAll('td');
    expect(cells[0]?.className).toContain('text-left');
    expect(cells[1]?.className).toContain('text-right');
    expect(cells[1]?.querySelector('strong')?.textContent).toBe('3');
  });

  it('renders safe links opening in a new tab', () => {
    render(<Markdown text={'[docs](https://example.com/docs "Docs") <mailto:a@example.com> https://bare.example www.w.example'} />);
    const docs = screen.getByRole('link', { name: 'docs' });
    expect(docs.getAttribute('href')).toBe('https://example.com/docs');
    expect(docs.getAttribute('title')).toBe('Docs');
    expect(docs.getAttribute('target')).toBe('_blank');
    expect(docs.getAttribute('rel')).toBe('noopener noreferrer');
    expect(screen.getByRole('link', { name: 'mailto:a@example.com' }).getAttribute('href')).toBe('mailto:a@example.com');
    expect(screen.getByRole('link', { name: 'https://bare.example' }).getAttribute('href')).toBe('https://bare.example/');
    expect(screen.getByRole('link', { name: 'www.w.example' }).getAttribute('href')).toBe('http://www.w.example/');
  });

  it('links to an image instead of loading it', () => {
    const { container } = render(<Markdown text={'![a cat](https://img.example/cat.png)'} />);
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByRole('link', { name: 'Image: a cat' }).getAttribute('href')).toBe('https://img.example/cat.png');
  });

  it('renders quotes, rules and hard line breaks', () => {
    const { container } = render(<Markdown text={'> careful\n\nline one  \nline two\n\n---'} />);
    expect(container.querySelector('blockquote')?.textContent).toBe('careful');
    expect(container.querySelector('br')).not.toBeNull();
    expect(container.querySelector('hr')).not.toBeNull();
  });

  it('shows footnote marks and definitions as the text written', () => {
    const { container } = render(<Markdown text={'claim[^1]\n\n[^1]: the source'} />);
    expect(container.textContent).toBe('claim[^1][^1]: the source');
  });

  it('shows raw HTML as its text', () => {
    const { container } = render(<Markdown text={'<b>bold?</b>\n\n<div>block</div>'} />);
    expect(container.querySelector('b')).toBeNull();
    expect(container.querySelectorAll('div')).toHaveLength(1);
    expect(container.textContent).toBe('<b>bold?</b><div>block</div>');
  });

  it('keeps plain text as it was written', () => {
    const { container } = render(<Markdown text={'Hello @Demo, 2 < 3 & "quotes"\nsecond line'} />);
    expect(container.textContent).toBe('Hello @Demo, 2 < 3 & "quotes"\nsecond line');
  });
});

describe('LazyMarkdown', () => {
  it('shows the raw text while the renderer loads, then the rendered markdown', async () => {
    const { container } = render(<LazyMarkdown text={'**bold** move'} />);
    expect(container.textContent).toBe('**bold** move');
    expect((await screen.findByText('bold')).tagName).toBe('STRONG');
    expect(container.textContent).toBe('bold move');
  });
});
