import { describe, expect, it } from 'vitest';
import { stringsFor } from './testing/strings.ts';
import { replyTimeOf } from './reply-time.ts';

describe('replyTimeOf', () => {
  it('says nothing without a time (a seed-only server, or none set)', () => {
    expect(replyTimeOf(null)).toBeNull();
    expect(replyTimeOf(undefined)).toBeNull();
    expect(replyTimeOf(0)).toBeNull();
    expect(replyTimeOf(-3)).toBeNull();
  });

  it('picks the unit a person would use, rounding up', () => {
    expect(replyTimeOf(1)).toEqual({ count: 1, unit: 'minute' });
    expect(replyTimeOf(45)).toEqual({ count: 45, unit: 'minute' });
    expect(replyTimeOf(60)).toEqual({ count: 1, unit: 'hour' });
    expect(replyTimeOf(90)).toEqual({ count: 2, unit: 'hour' });
    expect(replyTimeOf(48 * 60)).toEqual({ count: 48, unit: 'hour' });
    expect(replyTimeOf(48 * 60 + 1)).toEqual({ count: 3, unit: 'day' });
    expect(replyTimeOf(10_080)).toEqual({ count: 7, unit: 'day' });
  });

  it('reads as a sentence in both languages, singular and plural', () => {
    const en = stringsFor('en');
    const de = stringsFor('de');
    expect(en.repliesWithin(1, 'minute')).toBe('A person usually replies within 1 minute.');
    expect(en.repliesWithin(2, 'hour')).toBe('A person usually replies within 2 hours.');
    expect(en.repliesWithin(3, 'day')).toBe('A person usually replies within 3 days.');
    expect(de.repliesWithin(1, 'hour')).toBe('Eine Person antwortet meist innerhalb von 1 Stunde.');
    expect(de.repliesWithin(10, 'minute')).toBe('Eine Person antwortet meist innerhalb von 10 Minuten.');
    expect(de.repliesWithin(1, 'day')).toBe('Eine Person antwortet meist innerhalb von 1 Tag.');
    expect(de.repliesWithin(3, 'day')).toBe('Eine Person antwortet meist innerhalb von 3 Tagen.');
  });
});
