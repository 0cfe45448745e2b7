import { describe, expect, it } from 'vitest';
import { parseNotificationConfig } from './notification-config.ts';

describe('parseNotificationConfig', () => {
  it('has the defaults with nothing set', () => {
    expect(parseNotificationConfig({})).toEqual({
      enabled: true,
      emailDelayMs: null,
      retryBaseMs: 5_000,
      leaseMs: 30_000,
      fixedClock: null,
      visitorFollowUpDelayMs: 300_000,
    });
  });

  it('reads each setting', () => {
    expect(
      parseNotificationConfig({
        EMAIL_DELAY_MS: '0',
        NOTIFY_RETRY_BASE_MS: '20',
        NOTIFY_LEASE_MS: '1000',
        NOTIFY_CLOCK: '2026-12-06T22:30:00Z',
        NOTIFICATIONS: 'off',
        VISITOR_FOLLOW_UP_DELAY_MS: '250',
      }),
    ).toEqual({
      enabled: false,
      emailDelayMs: 0,
      retryBaseMs: 20,
      leaseMs: 1_000,
      fixedClock: Date.parse('2026-12-06T22:30:00Z'),
      visitorFollowUpDelayMs: 250,
    });
  });

  it.each([
    [{ EMAIL_DELAY_MS: '-1' }, 'EMAIL_DELAY_MS must be a whole number from 0 to 604800000, got "-1".'],
    [{ NOTIFY_LEASE_MS: '100' }, 'NOTIFY_LEASE_MS must be a whole number from 300 to 3600000, got "100".'],
    [{ NOTIFY_RETRY_BASE_MS: 'soon' }, 'NOTIFY_RETRY_BASE_MS must be a whole number from 1 to 3600000, got "soon".'],
    [{ VISITOR_FOLLOW_UP_DELAY_MS: 'later' }, 'VISITOR_FOLLOW_UP_DELAY_MS must be a whole number from 0 to 604800000, got "later".'],
    [{ NOTIFICATIONS: 'no' }, 'NOTIFICATIONS must be "on" or "off", got "no".'],
    [{ NOTIFY_CLOCK: 'tomorrow' }, 'NOTIFY_CLOCK must be an ISO 8601 time, got "tomorrow".'],
  ])('refuses %o with words', (env, message) => {
    expect(() => parseNotificationConfig(env)).toThrow(message);
  });
});
