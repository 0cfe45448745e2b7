import { describe, expect, it } from 'vitest';
import { markdownToPlainText, NOTIFICATION_BODY_MAX_CHARS, notificationBody, truncate } from './notification-text.ts';

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

describe('notificationBody', () => {
  it('cuts long text with an ellipsis at the limit', () => {
    const body = notificationBody('word '.repeat(100));
    expect(Array.from(body)).toHaveLength(NOTIFICATION_BODY_MAX_CHARS);
    expect(body.endsWith('…')).toBe(true);
    expect(notificationBody('short *one*')).toBe('short one');
  });

  it('never splits a character made of two code units', () => {
    expect(truncate('😀😀😀', 2)).toBe('😀…');
    expect(truncate('😀😀', 2)).toBe('😀😀');
  });
});
