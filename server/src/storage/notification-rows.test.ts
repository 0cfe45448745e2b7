import { describe, expect, it } from 'vitest';
import { PARSED_SETTINGS_KEPT, toSettings } from './notification-rows.ts';

const text = (delay: number) =>
  JSON.stringify({ channels: { mention: ['in_app', 'push'] }, email_delay_minutes: delay, quiet_hours: null, language: 'de' });

describe('toSettings', () => {
  it('parses SQLite text once per distinct text: the same frozen object, deep', () => {
    const first = toSettings(text(5));
    expect(first).toEqual({ channels: { mention: ['in_app', 'push'] }, email_delay_minutes: 5, quiet_hours: null, language: 'de' });
    expect(toSettings(text(5))).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.channels)).toBe(true);
    expect(Object.isFrozen(first.channels.mention)).toBe(true);
    expect(() => first.channels.mention!.push('email')).toThrow(TypeError);
    expect(toSettings(text(6)).email_delay_minutes).toBe(6);
  });

  it('keeps at most PARSED_SETTINGS_KEPT texts and still answers right past it', () => {
    for (let delay = 0; delay <= PARSED_SETTINGS_KEPT + 10; delay++) expect(toSettings(text(delay)).email_delay_minutes).toBe(delay);
  });

  it("passes PostgreSQL's parsed jsonb through as it is", () => {
    const parsed = { channels: {}, email_delay_minutes: 0 };
    expect(toSettings(parsed)).toBe(parsed);
  });
});
