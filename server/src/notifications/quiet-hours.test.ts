import { describe, expect, it } from 'vitest';
import { quietUntil } from './quiet-hours.ts';

const berlin = { start: '22:00', end: '07:00', time_zone: 'Europe/Berlin' };

describe('quietUntil', () => {
  it('holds until the end of quiet hours that span midnight, in the zone (Berlin is UTC+1 in December)', () => {
    expect(quietUntil(berlin, Date.parse('2026-12-06T22:30:15.250Z'))).toBe(Date.parse('2026-12-07T06:00:00.000Z'));
    expect(quietUntil(berlin, Date.parse('2026-12-07T05:59:00Z'))).toBe(Date.parse('2026-12-07T06:00:00Z'));
  });

  it('is null outside quiet hours, and at their end', () => {
    expect(quietUntil(berlin, Date.parse('2026-12-07T06:00:00Z'))).toBeNull();
    expect(quietUntil(berlin, Date.parse('2026-12-06T12:00:00Z'))).toBeNull();
    expect(quietUntil(null, Date.parse('2026-12-06T23:00:00Z'))).toBeNull();
  });

  it('handles quiet hours within one day, in summer time', () => {
    const lunch = { start: '12:00', end: '13:30', time_zone: 'Europe/Berlin' };
    expect(quietUntil(lunch, Date.parse('2026-07-01T10:15:00Z'))).toBe(Date.parse('2026-07-01T11:30:00Z'));
    expect(quietUntil(lunch, Date.parse('2026-07-01T11:30:00Z'))).toBeNull();
  });
});
