import { expect } from 'vitest';

/**
 * Hostile markdown the one renderer is tested against (under React and under preact), and
 * the check of what no message may ever produce. Test support: nothing ships this.
 */

const FORBIDDEN_ELEMENTS =
  'script, iframe, img, svg, math, object, embed, style, link, meta, base, form, input, button, textarea, video, audio, source, details';

/** Asserts what no message may ever produce, given the tags and attributes a renderer may create. */
export function expectInert(container: HTMLElement, allowed: { tags: ReadonlySet<string>; attributes: ReadonlySet<string> }) {
  expect(container.querySelectorAll(FORBIDDEN_ELEMENTS)).toHaveLength(0);
  for (const element of container.querySelectorAll('*')) {
    expect(allowed.tags.has(element.localName), `unexpected <${element.localName}>`).toBe(true);
    for (const attribute of element.attributes) {
      expect(attribute.name.startsWith('on'), `event attribute ${attribute.name}`).toBe(false);
      expect(attribute.name, 'style attribute').not.toBe('style');
      expect(allowed.attributes.has(attribute.name), `unexpected attribute ${attribute.name}`).toBe(true);
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
export const XSS_CORPUS: [string, string[]][] = [
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
  ['note[^1]\n\n[^1]: [x](javascript:alert(1)) <img src=x onerror=alert(1)>', ['note', 'x', 'onerror']],
  ['```js onload=alert(1)\ncode\n```', ['code']],
  ['**<img src=x onerror=alert(1)>** _[y](javascript:void(0))_', ['img', 'onerror', 'y']],
];
