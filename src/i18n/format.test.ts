import { describe, expect, it } from 'vitest';
import { formatCountdown, formatDateTime, formatDayBreak, formatSecondsNumber, formatTime, formatTimeAgo } from './format.ts';

// Local times, so the tests hold in any time zone the machine runs in.
const MARCH_4_2026_1405 = new Date(2026, 2, 4, 14, 5).getTime();

describe('formatDayBreak', () => {
  it('says today and yesterday in words, capitalized as a heading', () => {
    expect(formatDayBreak('en', MARCH_4_2026_1405, 0)).toBe('Today');
    expect(formatDayBreak('en', MARCH_4_2026_1405, 1)).toBe('Yesterday');
    expect(formatDayBreak('de', MARCH_4_2026_1405, 0)).toBe('Heute');
    expect(formatDayBreak('de', MARCH_4_2026_1405, 1)).toBe('Gestern');
  });

  it('gives an older day its weekday and date, without the year when it is this year', () => {
    expect(formatDayBreak('en', MARCH_4_2026_1405, 5)).toBe('Wednesday, March 4');
    expect(formatDayBreak('de', MARCH_4_2026_1405, 5)).toBe('Mittwoch, 4. März');
  });

  it('adds the year for a day of an earlier year', () => {
    // 300 days after March 4, 2026 is in 2026 still; 320 days after it is in 2027.
    expect(formatDayBreak('en', MARCH_4_2026_1405, 300)).toBe('Wednesday, March 4');
    expect(formatDayBreak('en', MARCH_4_2026_1405, 320)).toBe('Wednesday, March 4, 2026');
    expect(formatDayBreak('de', MARCH_4_2026_1405, 320)).toBe('Mittwoch, 4. März 2026');
  });
});

describe('formatTime and formatDateTime', () => {
  it('write a time of day as the locale does', () => {
    expect(formatTime('de', MARCH_4_2026_1405)).toBe('14:05');
    expect(formatTime('en', MARCH_4_2026_1405)).toBe('02:05 PM');
    expect(formatTime('en', null)).toBe('');
    expect(formatTime('en', 'not a date')).toBe('');
  });

  it('write a date and time for settings lists, and keep text that is no date', () => {
    const iso = new Date(MARCH_4_2026_1405).toISOString();
    expect(formatDateTime('de', iso)).toBe('04.03.2026, 14:05');
    expect(formatDateTime('en', iso)).toBe('Mar 4, 2026, 2:05 PM');
    expect(formatDateTime('en', 'soon')).toBe('soon');
  });
});

describe('formatCountdown', () => {
  it('counts seconds up to two minutes, then whole minutes rounded up', () => {
    expect(formatCountdown('en', 42)).toBe('in 42 seconds');
    expect(formatCountdown('en', 1)).toBe('in 1 second');
    expect(formatCountdown('en', 120)).toBe('in 120 seconds');
    expect(formatCountdown('en', 121)).toBe('in 2 minutes');
    expect(formatCountdown('en', 126)).toBe('in 3 minutes');
    expect(formatCountdown('de', 42)).toBe('in 42 Sekunden');
    expect(formatCountdown('de', 400)).toBe('in 7 Minuten');
  });

  it('reads a fresh hour as 60 minutes when the clocks differ by a few seconds', () => {
    expect(formatCountdown('en', 3600)).toBe('in 60 minutes');
    expect(formatCountdown('en', 3602)).toBe('in 60 minutes');
    expect(formatCountdown('en', 3599)).toBe('in 60 minutes');
    expect(formatCountdown('en', 3540)).toBe('in 59 minutes');
  });

  it('gives nothing once the deadline is past', () => {
    expect(formatCountdown('en', 0)).toBeNull();
    expect(formatCountdown('de', -5)).toBeNull();
  });
});

describe('formatSecondsNumber', () => {
  it('writes milliseconds as seconds with one decimal in the locale’s digits, never negative', () => {
    expect(formatSecondsNumber('en', 1234)).toBe('1.2');
    expect(formatSecondsNumber('de', 1234)).toBe('1,2');
    expect(formatSecondsNumber('en', -50)).toBe('0.0');
  });
});

describe('formatTimeAgo', () => {
  const now = Date.parse('2026-03-04T14:05:00Z');
  const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();

  it('says how long ago in the largest whole unit, up to a week', () => {
    expect(formatTimeAgo('en', ago(0), now)).toBe('now');
    expect(formatTimeAgo('en', ago(42), now)).toBe('42 seconds ago');
    expect(formatTimeAgo('en', ago(5 * 60 + 30), now)).toBe('5 minutes ago');
    expect(formatTimeAgo('de', ago(2 * 3600), now)).toBe('vor 2 Stunden');
    expect(formatTimeAgo('en', ago(86_400), now)).toBe('yesterday');
  });

  it('gives the date past a week, "now" for a clock ahead, and the text itself for no date', () => {
    expect(formatTimeAgo('en', ago(8 * 86_400), now)).toBe(formatDateTime('en', ago(8 * 86_400)));
    expect(formatTimeAgo('en', ago(-30), now)).toBe('now');
    expect(formatTimeAgo('en', 'soon', now)).toBe('soon');
  });
});
