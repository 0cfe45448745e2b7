import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { de } from '../src/i18n/catalog-de.ts';
import { en, type InboxStrings } from '../src/i18n/catalog-en.ts';
import { notifySettingsDe } from '../src/i18n/catalog-notify-settings-de.ts';
import { notifySettingsEn, type NotifySettingsStrings } from '../src/i18n/catalog-notify-settings-en.ts';
import type { NotificationSettings } from '../src/core/protocol/notifications.ts';
import { expectAccessible } from './support/axe.ts';
import { BOB, UserApi, signInAs } from './support/inbox.ts';
import { PHONE, smallTargets, targetsIn } from './support/touch-targets.ts';

/**
 * Issue 18's notification settings in the inbox, against the real server: channels per kind,
 * email delay and quiet hours are saved and read back after a reload; the language of emails
 * follows the inbox's; a push subscription registered through the API is listed and removed.
 * Headless Chromium has no push service, so "Enable push on this device" itself is covered by
 * the unit tests; here the browser shows one of its states in words. Bob's settings are put
 * back at the end (the server is shared by every spec of a run).
 */

/** Nothing listens here (the spec's own port range): pushes to it fail, which no step waits for. */
const DEAD_PUSH_SERVICE = 'http://127.0.0.1:9197';

function settingsApi(request: APIRequestContext, user: UserApi) {
  const headers = { authorization: `Bearer ${user.me.token}` };
  return {
    async get(): Promise<Required<NotificationSettings>> {
      const response = await request.get('/api/v1/me/notification-settings', { headers });
      expect(response.status(), await response.text()).toBe(200);
      return (await response.json()) as Required<NotificationSettings>;
    },
    async put(settings: NotificationSettings): Promise<void> {
      const response = await request.put('/api/v1/me/notification-settings', { headers, data: settings });
      expect(response.status(), await response.text()).toBe(200);
    },
    /** Registers a made-up subscription with real-sized keys, as a browser would; resolves with its id. */
    async subscribe(): Promise<string> {
      const p256dh = createECDH('prime256v1');
      p256dh.generateKeys();
      const response = await request.post('/api/v1/me/push-subscriptions', {
        headers,
        data: {
          endpoint: `${DEAD_PUSH_SERVICE}/push/${randomUUID()}`,
          keys: { p256dh: p256dh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
        },
      });
      expect(response.status(), await response.text()).toBe(201);
      return ((await response.json()) as { id: string }).id;
    },
    async devices(): Promise<string[]> {
      const response = await request.get('/api/v1/me/push-subscriptions', { headers });
      expect(response.status()).toBe(200);
      return ((await response.json()) as { subscriptions: { id: string }[] }).subscriptions.map((item) => item.id);
    },
    async remove(id: string): Promise<void> {
      await request.delete(`/api/v1/me/push-subscriptions/${id}`, { headers });
    },
  };
}

async function openSettings(page: Page, t: InboxStrings, s: NotifySettingsStrings): Promise<void> {
  await page.getByRole('link', { name: t.shell.notificationSettings, exact: true }).click();
  const heading = page.getByRole('heading', { name: s.title, level: 2 });
  await expect(heading).toBeFocused();
  await expect(page.getByRole('table', { name: s.channelsTitle })).toBeVisible();
}

const box = (
  page: Page,
  s: NotifySettingsStrings,
  channel: keyof NotifySettingsStrings['channel'],
  kind: keyof NotifySettingsStrings['kind'],
) => page.getByRole('checkbox', { name: s.channelFor(s.channel[channel], s.kind[kind]), exact: true });

for (const [language, t, s, locale] of [
  ['English', en, notifySettingsEn, 'en-US'],
  ['German', de, notifySettingsDe, 'de-DE'],
] as const satisfies readonly (readonly [string, InboxStrings, NotifySettingsStrings, string])[]) {
  test.describe(`notification settings, in ${language}`, () => {
    test.use({ locale });

    test('channels, email delay and quiet hours are saved and kept after a reload; a device is listed and removed; axe light and dark', async ({
      page,
      request,
    }) => {
      const bob = await UserApi.login(request, BOB, '');
      const api = settingsApi(request, bob);
      const before = await api.get();
      const added: string[] = [];
      try {
        await api.put({
          ...before,
          channels: { ...before.channels, message: ['in_app'], waiting: ['in_app', 'push', 'email'] },
          quiet_hours: null,
        });
        await signInAs(page, t, BOB);
        await openSettings(page, t, s);
        await expect(page.getByRole('checkbox', { name: s.channelFor(s.channel.email, s.kind.message) })).toHaveCount(0);
        await expect(page.getByText(s.emailNotOffered)).toBeAttached();
        // Headless Chromium has the APIs but no service worker here: push starts off, in words.
        await expect(page.getByText(s.pushOff)).toBeVisible();
        await expect(page.getByRole('button', { name: s.pushEnable })).toBeVisible();

        // A bad delay is said in words and nothing is saved.
        const delay = page.getByLabel(s.delayLabel);
        await delay.fill('2000');
        await page.getByRole('button', { name: s.save }).click();
        await expect(page.getByText(s.delayInvalid(1440))).toBeVisible();
        await expect(delay).toHaveAttribute('aria-invalid', 'true');
        expect((await api.get()).email_delay_minutes).toBe(before.email_delay_minutes);

        await box(page, s, 'push', 'message').check();
        await box(page, s, 'email', 'waiting').uncheck();
        await delay.fill('25');
        await page.getByRole('checkbox', { name: s.quietOn }).check();
        await page.getByLabel(s.quietStart, { exact: true }).fill('21:15');
        await page.getByLabel(s.quietEnd, { exact: true }).fill('06:30');
        await page.getByLabel(s.timeZone).selectOption('America/New_York');
        await page.getByRole('button', { name: s.save }).click();
        await expect(page.getByRole('status').filter({ hasText: s.saved })).toBeVisible();
        const saved = await api.get();
        expect(saved).toEqual({
          channels: { ...before.channels, message: ['in_app', 'push'], waiting: ['in_app', 'push'] },
          email_delay_minutes: 25,
          quiet_hours: { start: '21:15', end: '06:30', time_zone: 'America/New_York' },
          language: locale === 'de-DE' ? 'de' : 'en',
        });

        // After a reload the screen shows what the server has.
        await page.reload();
        await expect(page.getByRole('table', { name: s.channelsTitle })).toBeVisible();
        await expect(box(page, s, 'push', 'message')).toBeChecked();
        await expect(box(page, s, 'email', 'waiting')).not.toBeChecked();
        await expect(box(page, s, 'email', 'mention')).toBeChecked();
        await expect(page.getByLabel(s.delayLabel)).toHaveValue('25');
        await expect(page.getByRole('checkbox', { name: s.quietOn })).toBeChecked();
        await expect(page.getByLabel(s.quietStart, { exact: true })).toHaveValue('21:15');
        await expect(page.getByLabel(s.quietEnd, { exact: true })).toHaveValue('06:30');
        await expect(page.getByLabel(s.timeZone)).toHaveValue('America/New_York');

        // A device registered through the API is listed, and removed after the question.
        const id = await api.subscribe();
        added.push(id);
        await page.reload();
        const devices = page.getByRole('list', { name: s.devicesTitle });
        const device = devices.getByRole('listitem');
        await expect(device).toHaveCount(1);
        await expect(device).toContainText(s.deviceName('127.0.0.1:9197'));
        await expect(device).toContainText(s.neverUsed);
        await expect(device).not.toContainText(s.thisDevice);

        await expectAccessible(page, `notification settings, light (${language})`);
        await page.emulateMedia({ colorScheme: 'dark' });
        await expect(page.locator('html')).toHaveClass(/\bdark\b/);
        await expectAccessible(page, `notification settings, dark (${language})`);
        await page.emulateMedia({ colorScheme: 'light' });

        await device.getByRole('button', { name: s.removeNamed(s.deviceName('127.0.0.1:9197')) }).click();
        const dialog = page.getByRole('dialog', { name: s.removeTitle });
        await expect(dialog).toBeVisible();
        await expect(dialog.getByRole('button', { name: t.common.cancel })).toBeFocused();
        await expectAccessible(page, `remove a device, light (${language})`);
        await dialog.getByRole('button', { name: s.remove, exact: true }).click();
        await expect(dialog).toBeHidden();
        await expect(page.getByText(s.devicesEmpty)).toBeVisible();
        await expect(page.getByRole('heading', { name: s.devicesTitle })).toBeFocused();
        expect(await api.devices()).toEqual([]);

        // Esc closes the screen.
        await page.keyboard.press('Escape');
        await expect(page.getByRole('heading', { name: s.title, level: 2 })).toBeHidden();
      } finally {
        for (const id of added) await api.remove(id);
        await api.put(before);
      }
    });

    test('on a 390 px phone every target is 44 × 44 px, and the screen is accessible in the dark', async ({ page, request }) => {
      await page.setViewportSize(PHONE);
      const bob = await UserApi.login(request, BOB, '');
      const api = settingsApi(request, bob);
      const before = await api.get();
      try {
        await api.put({ ...before, quiet_hours: { start: '22:00', end: '07:00', time_zone: 'Europe/Berlin' } });
        await signInAs(page, t, BOB);
        await openSettings(page, t, s);
        await expect(page.getByLabel(s.timeZone)).toHaveValue('Europe/Berlin');
        const screenArea = page.locator('main');
        expect(smallTargets(await targetsIn(screenArea)), 'targets under 44 × 44 px').toEqual([]);
        // Nothing wider than the phone.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
        await page.emulateMedia({ colorScheme: 'dark' });
        await expect(page.locator('html')).toHaveClass(/\bdark\b/);
        await expectAccessible(page, `notification settings on a phone, dark (${language})`);
      } finally {
        await api.put(before);
      }
    });
  });
}

test('the language of emails follows the inbox language, and the screen says it', async ({ page, request }) => {
  const bob = await UserApi.login(request, BOB, '');
  const api = settingsApi(request, bob);
  const before = await api.get();
  try {
    await api.put({ ...before, language: 'en' });
    await signInAs(page, en, BOB);
    await openSettings(page, en, notifySettingsEn);
    await expect(page.getByText(notifySettingsEn.languageIs('English'))).toBeVisible();

    await page.getByLabel(en.shell.languageLabel, { exact: true }).selectOption('de');
    await expect(page.getByText(notifySettingsDe.languageIs('Deutsch'))).toBeVisible();
    await expect.poll(async () => (await api.get()).language).toBe('de');
    // What else was saved is unchanged.
    expect(await api.get()).toEqual({ ...before, language: 'de' });

    await page.getByLabel(de.shell.languageLabel, { exact: true }).selectOption('en');
    await expect(page.getByText(notifySettingsEn.languageIs('English'))).toBeVisible();
    await expect.poll(async () => (await api.get()).language).toBe('en');
  } finally {
    await api.put(before);
  }
});
