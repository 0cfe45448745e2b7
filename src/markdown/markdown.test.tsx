import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { LazyMarkdown } from './lazy-markdown.tsx';
import { Markdown } from './markdown.tsx';
import { MAX_MARKDOWN_CHARS, MAX_RENDER_DEPTH } from './render-markdown.tsx';

afterEach(cleanup);

/** Every element the renderer may create; anything else came from the message. */
const ALLOWED_TAGS = new Set(
  'div p em strong del s code mark h3 h4 h5 h6 figure figcaption pre blockquote ol ul li span table thead tbody tr th td br hr a sup'.split(' '),
);
/** Every attribute the renderer may set. */
const ALLOWED_ATTRIBUTES = new Set(['class', 'href', 'target', 'rel', 'title', 'start', 'scope', 'tabindex', 'role', 'aria-label']);
const FORBIDDEN_ELEMENTS = 'script, iframe, img, svg, math, object, embed, style, link, meta, base, form, input, button, textarea, video, audio, source, details';

/** Asserts what no message may ever produce, whatever it contains. */
function expectInert(container: HTMLElement) {
  expect(container.querySelectorAll(FORBIDDEN_ELEMENTS)).toHaveLength(0);
  for (const element of container.querySelectorAll('*')) {
    expect(ALLOWED_TAGS.has(element.localName), `unexpected <${element.localName}>`).toBe(true);
    for (const attribute of element.attributes) {
      expect(attribute.name.startsWith('on'), `event attribute ${attribute.name}`).toBe(false);
      expect(attribute.name, 'style attribute').not.toBe('style');
      expect(ALLOWED_ATTRIBUTES.has(attribute.name), `unexpected attribute ${attribute.name}`).toBe(true);
    }
  }
  for (const link of container.querySelectorAll('a')) {
    expect(link.getAttribute('href')).toMatch(/^(https?:\/\/|mailto:)/);
    expect(link.getAttribute('target')).toBe('_blank');
    const rel = (link.getAttribute('rel') ?? '').split(/\s+/);
    expect(rel).toContain('noopener');
    expect(rel).toContain('noreferrer');
  }
}

/** [payload, words that must still be visible]. */
const XSS_CORPUS: [string, string[]][] = [
  ["<script>alert('xss')</script>", ['script', 'alert', 'xss']],
  ['<img src=x onerror=alert(1)>', ['img', 'onerror', 'alert']],
  ['<svg onload=alert(1)>', ['svg', 'onload']],
  ['<svg><script>alert(1)</script></svg>', ['svg', 'script', 'alert']],
  ['<iframe src="https://evil.example"></iframe>', ['iframe', 'evil.example']],
  ['<iframe srcdoc="<script>alert(1)</script>"></iframe>', ['iframe', 'srcdoc']],
  ['[click me](javascript:alert(1))', ['click me']],
  ['[click me](JaVaScRiPt:alert(1))', ['click me']],
  ['[click me](java&#x09;script:alert(1))', ['click me']],
  ['[click me](%6Aavascript:alert(1))', ['click me']],
  ['[click me](&#106;avascript:alert(1))', ['click me']],
  ['[click me](  javascript:alert(1)  )', ['click me']],
  ['[x](javascript:alert(1))', ['x']],
  ['![pic](javascript:alert(1))', ['pic']],
  ['<a href="javascript:alert(1)">raw link</a>', ['raw link', 'href']],
  ['<a href="&#x6A;avascript:alert(1)">entity link</a>', ['entity link']],
  ['[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)', ['data link']],
  ['[svg data](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)', ['svg data']],
  ['[vb link](vbscript:msgbox(1))', ['vb link']],
  ['<javascript:alert(1)>', ['javascript', 'alert']],
  ['<vbscript:msgbox(1)>', ['vbscript', 'msgbox']],
  ['<data:text/html,<script>alert(1)</script>>', ['data', 'alert']],
  ['[ref link][evil]\n\n[evil]: javascript:alert(1)', ['ref link']],
  ['[proto relative](//evil.example/x)', ['proto relative']],
  ['[relative](/admin/delete)', ['relative']],
  ['<p style="background:url(javascript:alert(1))">styled</p>', ['styled', 'style']],
  ['<div onclick="alert(1)" onmouseover="alert(2)">hover me</div>', ['hover me', 'onclick']],
  ['<b onmouseover=alert(1)>bold</b>', ['bold', 'onmouseover']],
  ['[<img src=x onerror=alert(1)>](https://ok.example)', ['img', 'onerror']],
  ['[x](https://ok.example"onmouseover="alert(1))', ['x']],
  ['![tracking pixel](https://tracker.example/p.gif)', ['tracking pixel']],
  ['[![nested pixel](https://tracker.example/p.gif)](https://ok.example)', ['nested pixel']],
  ['<scr<script>ipt>alert(1)</script>', ['scr', 'ipt', 'alert']],
  ['<<script>>alert(1)<</script>>', ['script', 'alert']],
  ['<img src="x', ['img', 'src']],
  ['<script>alert(1)', ['script', 'alert']],
  ['&lt;script&gt;alert(1)&lt;/script&gt;', ['<script>alert(1)</script>']],
  ['&#60;img src=x onerror=alert(1)&#62;', ['<img src=x onerror=alert(1)>']],
  ['<object data="javascript:alert(1)"></object><embed src="x.swf">', ['object', 'embed']],
  ['<style>*{display:none}</style>\n\nstill visible', ['style', 'display', 'still visible']],
  ['<math><mi xlink:href="javascript:alert(1)">m</mi></math>', ['math', 'xlink']],
  ['<!-- <script>alert(1)</script> -->', ['script', 'alert']],
  ['<form action="javascript:alert(1)"><button>go</button></form>', ['form', 'button']],
  ['<details open ontoggle=alert(1)>open</details>', ['details', 'ontoggle']],
  ['`<script>alert(1)</script>`', ['<script>alert(1)</script>']],
  ['```html\n<script>alert(1)</script>\n```', ['<script>alert(1)</script>']],
  ['# <svg onload=alert(1)>', ['svg', 'onload']],
  ['| <img src=x onerror=alert(1)> |\n|-|\n| [cell](javascript:alert(1)) |', ['img', 'onerror', 'cell']],
  ['> <iframe src=javascript:alert(1)>\n> quoted', ['iframe', 'quoted']],
  ['- <script>alert(1)</script>\n- [item](vbscript:x)', ['script', 'item']],
  ['note[^1]\n\n[^1]: [x](javascript:alert(1)) <img src=x onerror=alert(1)>', ['note', 'javascript', 'onerror']],
  ['```js onload=alert(1)\ncode\n```', ['code']],
  ['**<img src=x onerror=alert(1)>** _[y](javascript:void(0))_', ['img', 'onerror', 'y']],
];

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

  it('renders emphasis, strong, strikethrough, highlight and inline code', () => {
    const { container } = render(<Markdown text={'*em* **strong** ~~gone~~ ==mark== `code`'} />);
    expect(container.querySelector('em')?.textContent).toBe('em');
    expect(container.querySelector('strong')?.textContent).toBe('strong');
    expect(container.querySelector('del')?.textContent).toBe('gone');
    expect(container.querySelector('mark')?.textContent).toBe('mark');
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
    expect(pre?.querySelector('code')?.textContent).toBe('const a = 1 < 2 && "<b>";');
    expect(container.querySelector('b')).toBeNull();
  });

  it('labels a code block without a language as code', () => {
    const { container } = render(<Markdown text={'```\nplain\n```'} />);
    expect(container.querySelector('figcaption')?.textContent).toBe('code');
  });

  it('renders a table with column headers and alignment as classes', () => {
    const { container } = render(<Markdown text={'| Item | Price |\n|:-----|------:|\n| Tea | **3** |'} />);
    const headers = container.querySelectorAll('th');
    expect([...headers].map((th) => th.textContent)).toEqual(['Item', 'Price']);
    expect(headers[0]?.getAttribute('scope')).toBe('col');
    const cells = container.querySelectorAll('td');
    expect(cells[0]?.className).toContain('text-left');
    expect(cells[1]?.className).toContain('text-right');
    expect(cells[1]?.querySelector('strong')?.textContent).toBe('3');
  });

  it('renders safe links opening in a new tab', () => {
    render(<Markdown text={'[docs](https://example.com/docs "Docs") <mailto:a@example.com> https://bare.example'} />);
    const docs = screen.getByRole('link', { name: 'docs' });
    expect(docs.getAttribute('href')).toBe('https://example.com/docs');
    expect(docs.getAttribute('title')).toBe('Docs');
    expect(docs.getAttribute('target')).toBe('_blank');
    expect(docs.getAttribute('rel')).toBe('noopener noreferrer');
    expect(screen.getByRole('link', { name: 'mailto:a@example.com' }).getAttribute('href')).toBe('mailto:a@example.com');
    expect(screen.getByRole('link', { name: 'https://bare.example' }).getAttribute('href')).toBe('https://bare.example/');
  });

  it('links to an image instead of loading it', () => {
    const { container } = render(<Markdown text={'![a cat](https://img.example/cat.png)'} />);
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByRole('link', { name: 'Image: a cat' }).getAttribute('href')).toBe('https://img.example/cat.png');
  });

  it('renders quotes, alerts, rules and hard line breaks', () => {
    const { container } = render(<Markdown text={'> [!WARNING]\n> careful\n\nline one  \nline two\n\n---'} />);
    expect(container.querySelector('blockquote')?.textContent).toBe('Warningcareful');
    expect(container.querySelector('br')).not.toBeNull();
    expect(container.querySelector('hr')).not.toBeNull();
  });

  it('shows footnotes as text', () => {
    const { container } = render(<Markdown text={'claim[^1]\n\n[^1]: the source'} />);
    expect(container.querySelector('sup')?.textContent).toBe('[1]');
    expect(screen.getByRole('list', { name: 'Footnotes' }).textContent).toBe('[1] the source');
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
