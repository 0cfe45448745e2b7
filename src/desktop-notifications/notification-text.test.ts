import { describe, expect, it } from 'vitest';
import { NOTIFICATION_BODY_MAX_CHARS, notificationBody, truncate } from './notification-text.ts';

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
