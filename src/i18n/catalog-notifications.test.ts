import { describe, expect, it } from 'vitest';
import { notificationsDe } from './catalog-notifications-de.ts';
import { notificationsEn } from './catalog-notifications-en.ts';
import { catalogParityTests } from './testing/catalog-parity.ts';

/** Sample values for every function of the notification catalogs. */
const SAMPLES: Record<string, unknown[][]> = {
  'bell.label': [[null], [0], [3], [1200]],
  'bell.badge': [[3], [120]],
  'panel.failed': [['offline']],
  'panel.moreFailed': [['offline']],
  'panel.readFailed': [['offline']],
  'panel.readAllFailed': [['offline']],
  'panel.arrived': [['Ben mentioned you']],
};

describe('the notification catalogs', () => {
  catalogParityTests(notificationsEn, notificationsDe, (key) => SAMPLES[key]);

  it("say the bell's name with the count, and cap the badge", () => {
    expect(notificationsEn.bell.label(3)).toBe('Notifications, 3 unread');
    expect(notificationsEn.bell.label(0)).toBe('Notifications');
    expect(notificationsDe.bell.label(1200)).toBe('Benachrichtigungen, 1.200 ungelesen');
    expect(notificationsEn.bell.badge(120)).toBe('99+');
  });
});
