import webPush from 'web-push';
import { describe, expect, it } from 'vitest';
import { ChannelSettingsError, parseChannelSettings } from './channel-settings.ts';

const parse = (env: NodeJS.ProcessEnv) => parseChannelSettings(env, '/srv/data/ama2.sqlite');

describe('push and email settings', () => {
  it('defaults: generated VAPID keys, .eml files beside the database, a mailto: subject from MAIL_FROM', () => {
    expect(parse({})).toEqual({
      vapid: null,
      vapidSubject: 'mailto:notifications@localhost',
      pushAllowInsecureEndpoints: false,
      smtpUrl: null,
      mailFrom: 'AMA2 Inbox <notifications@localhost>',
      publicUrl: null,
      mailDir: '/srv/data/mail',
    });
  });

  it('takes a matching VAPID pair, a subject, and PUBLIC_URL without its trailing slash', () => {
    const keys = webPush.generateVAPIDKeys();
    const settings = parse({
      VAPID_PUBLIC_KEY: keys.publicKey,
      VAPID_PRIVATE_KEY: keys.privateKey,
      VAPID_SUBJECT: 'mailto:ops@example.com',
      PUBLIC_URL: 'https://chat.example.com/',
    });
    expect(settings.vapid).toEqual(keys);
    expect(settings.vapidSubject).toBe('mailto:ops@example.com');
    expect(settings.publicUrl).toBe('https://chat.example.com');
  });

  it('refuses half a VAPID pair, malformed keys, keys that do not belong together, and a bad subject', () => {
    const keys = webPush.generateVAPIDKeys();
    const other = webPush.generateVAPIDKeys();
    expect(() => parse({ VAPID_PUBLIC_KEY: keys.publicKey })).toThrow(/Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY/);
    expect(() => parse({ VAPID_PRIVATE_KEY: keys.privateKey })).toThrow(/Set both/);
    expect(() => parse({ VAPID_PUBLIC_KEY: 'abc', VAPID_PRIVATE_KEY: keys.privateKey })).toThrow(
      /VAPID_PUBLIC_KEY must be an uncompressed P-256/,
    );
    expect(() => parse({ VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: 'a+b/' })).toThrow(
      /VAPID_PRIVATE_KEY must be a P-256 private key/,
    );
    expect(() => parse({ VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: other.privateKey })).toThrow(/does not belong/);
    expect(() => parse({ VAPID_SUBJECT: 'ops@example.com' })).toThrow(/VAPID_SUBJECT must be a mailto: or https: URL/);
  });

  it('refuses an SMTP_URL of another scheme without repeating its password', () => {
    let error: unknown;
    try {
      parse({ SMTP_URL: 'http://mailer:hunter2secret@mail.example.com' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ChannelSettingsError);
    expect((error as Error).message).toMatch(/^SMTP_URL must be smtp:\/\//);
    expect((error as Error).message).not.toContain('hunter2secret');
    expect(parse({ SMTP_URL: 'smtps://mailer:pw@mail.example.com:465' }).smtpUrl).toBe('smtps://mailer:pw@mail.example.com:465');
  });

  it('refuses a PUBLIC_URL that is not an http(s) address and a MAIL_FROM that is not an address', () => {
    expect(() => parse({ PUBLIC_URL: 'chat.example.com' })).toThrow(/PUBLIC_URL must be an http\(s\) address/);
    expect(() => parse({ MAIL_FROM: 'nobody' })).toThrow(/MAIL_FROM must be an address/);
    expect(() => parse({ MAIL_FROM: 'a@example.com\r\nBcc: b@example.com' })).toThrow(/MAIL_FROM/);
  });
});

describe('the startup error', () => {
  it('is a ConfigError naming the setting, as main prints it', async () => {
    const { ConfigError, loadConfig } = await import('../config.ts');
    const keys = webPush.generateVAPIDKeys();
    expect(() => loadConfig({ DATABASE_PATH: ':memory:', JWT_SECRET: 'x'.repeat(32), VAPID_PUBLIC_KEY: keys.publicKey })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ DATABASE_PATH: ':memory:', JWT_SECRET: 'x'.repeat(32), VAPID_PUBLIC_KEY: keys.publicKey })).toThrow(
      /Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY/,
    );
  });
});
