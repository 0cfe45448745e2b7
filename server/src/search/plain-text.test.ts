import { describe, expect, it } from 'vitest';
import { markdownToPlain } from './plain-text.ts';

describe('markdownToPlain', () => {
  it('keeps the words of emphasis, code, links and images, without their markup', () => {
    expect(markdownToPlain('The refund is **due** on _Friday_, see [the policy](https://example.com/p "Policy").')).toBe(
      'The refund is due on Friday, see the policy.',
    );
    expect(markdownToPlain('Run `npm start`, then ~~wait~~ look at ![the chart](c.png) or <https://example.com>')).toBe(
      'Run npm start, then wait look at the chart or https://example.com',
    );
    expect(markdownToPlain('*one* and ***both***')).toBe('one and both');
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
    expect(markdownToPlain(markdown)).toBe('Order 123 quoted words first done 1. numbered const a = 1;');
  });

  it('leaves text that only looks like markup alone', () => {
    expect(markdownToPlain('snake_case_name and 2 * 3 * 4, a_b_ and file_*')).toBe('snake_case_name and 2 * 3 * 4, a_b_ and file_*');
    expect(markdownToPlain('plain words')).toBe('plain words');
  });
});
