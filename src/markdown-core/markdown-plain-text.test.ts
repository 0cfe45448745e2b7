import { describe, expect, it } from 'vitest';
import { markdownToPlainText } from './markdown-plain-text.ts';

describe('markdownToPlainText (search snippets)', () => {
  it('keeps the words of emphasis, code, links and images, without their markup', () => {
    expect(markdownToPlainText('The refund is **due** on _Friday_, see [the policy](https://example.com/p "Policy").')).toBe(
      'The refund is due on Friday, see the policy.',
    );
    expect(markdownToPlainText('Run `npm start`, then ~~wait~~ look at ![the chart](c.png) or <https://example.com>')).toBe(
      'Run npm start, then wait look at the chart or https://example.com',
    );
    expect(markdownToPlainText('*one* and ***both***')).toBe('one and both');
  });

  it('drops line markup (headings, quotes, list markers, fences, rules) and joins lines', () => {
    const markdown = [
      '# Order 123',
      '> quoted **words**',
      '- first',
      '* [x] done',
      '1. numbered',
      '---',
      '```ts',
      'const a = 1;',
      '```',
    ].join('\n');
    expect(markdownToPlainText(markdown)).toBe('Order 123 quoted words first done numbered const a = 1;');
  });

  it('leaves text that only looks like markup alone', () => {
    expect(markdownToPlainText('snake_case_name and 2 * 3 * 4, a_b_ and file_*')).toBe('snake_case_name and 2 * 3 * 4, a_b_ and file_*');
    expect(markdownToPlainText('plain words')).toBe('plain words');
  });
});

describe('markdownToPlainText', () => {
  it('drops the marks and keeps the words', () => {
    expect(markdownToPlainText('**Hello** _there_, see [the docs](https://example.com) and `npm ci`')).toBe(
      'Hello there, see the docs and npm ci',
    );
    expect(markdownToPlainText('# Title\n\n> quoted\n\n- one\n- two\n\n---\n\n![a cat](cat.png)')).toBe('Title quoted one two a cat');
    expect(markdownToPlainText('```js\nconst a = 1;\n```')).toBe('const a = 1;');
    expect(markdownToPlainText('| a | b |\n| - | - |\n| 1 | 2 |')).toBe('a b 1 2');
  });

  it('keeps HTML as the words written, never as markup to interpret', () => {
    expect(markdownToPlainText('<img src=x onerror=alert(1)> hi')).toBe('<img src=x onerror=alert(1)> hi');
    expect(markdownToPlainText('a &amp; b')).toBe('a & b');
  });
});
