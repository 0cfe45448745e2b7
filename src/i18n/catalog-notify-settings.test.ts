import { describe, expect, it } from 'vitest';
import { notifySettingsDe } from './catalog-notify-settings-de.ts';
import { notifySettingsEn } from './catalog-notify-settings-en.ts';
import { catalogParityTests } from './testing/catalog-parity.ts';

/** Sample values for every function of the notification settings catalogs. */
const SAMPLES: Record<string, unknown[][]> = {
  loadFailed: [['offline']],
  channelFor: [['Push', 'When someone mentions you']],
  delayHint: [[1440]],
  delayInvalid: [[1440]],
  languageIs: [['English']],
  saveFailed: [['offline.']],
  pushFailed: [['offline']],
  'failure.subscribe': [['push service error']],
  'failure.server': [['offline']],
  devicesLoadFailed: [['offline']],
  deviceName: [['fcm.googleapis.com']],
  added: [['4/9/2026, 10:00 AM']],
  lastUsed: [['4/9/2026, 10:00 AM']],
  removeNamed: [['Push service fcm.googleapis.com']],
  removeBody: [['Push service fcm.googleapis.com']],
  removeFailed: [['offline']],
};

describe('the notification settings catalogs', () => {
  catalogParityTests(notifySettingsEn, notifySettingsDe, (key) => SAMPLES[key]);

  it('name every kind and channel in both languages', () => {
    expect(Object.keys(notifySettingsDe.kind)).toEqual(Object.keys(notifySettingsEn.kind));
    expect(notifySettingsDe.channelFor(notifySettingsDe.channel.push, notifySettingsDe.kind.mention)).toBe('Push: Wenn jemand Sie erwähnt');
  });
});
