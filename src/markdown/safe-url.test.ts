import { describe, expect, it } from 'vitest';
import { safeHref } from './safe-url.ts';

describe('safeHref', () => {
  it.each([
    ['https://example.com/a?b=1#c', 'https://example.com/a?b=1#c'],
    ['http://example.com', 'http://example.com/'],
    ['HTTPS://Example.com/x', 'https://example.com/x'],
    ['mailto:someone@example.com', 'mailto:someone@example.com'],
    ['  https://example.com/padded  ', 'https://example.com/padded'],
  ])('keeps %s', (input, href) => {
    expect(safeHref(input)).toBe(href);
  });

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    ' \u0001javascript:alert(1)',
    '&#x6A;avascript:alert(1)',
    '%6Aavascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:image/png;base64,AAAA',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    '//evil.example/path',
    '/relative/path',
    'relative',
    '#anchor',
    '',
    null,
    undefined,
  ])('refuses %j', (input) => {
    expect(safeHref(input)).toBeNull();
  });

  it('escapes characters that could break out of an attribute', () => {
    expect(safeHref('https://ok.example/"onmouseover="x')).toBe('https://ok.example/%22onmouseover=%22x');
  });
});
