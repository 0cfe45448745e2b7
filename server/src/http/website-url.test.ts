import { describe, expect, it } from 'vitest';
import { checkWebsiteUrl } from './website-url.ts';

describe('checkWebsiteUrl', () => {
  it('accepts absolute http(s) addresses, as the URL parser writes them', () => {
    expect(checkWebsiteUrl(' https://Shop.Example/help?x=1 ')).toEqual({ ok: true, url: 'https://shop.example/help?x=1' });
    expect(checkWebsiteUrl('http://localhost:8080')).toEqual({ ok: true, url: 'http://localhost:8080/' });
  });

  it('refuses other schemes, relative addresses, credentials and fragments with words that say why', () => {
    expect(checkWebsiteUrl('javascript:alert(1)')).toEqual({
      ok: false,
      message: 'website_url must start with https:// or http://, not javascript://.',
    });
    expect(checkWebsiteUrl('/help')).toMatchObject({ ok: false, message: expect.stringContaining('full address') });
    expect(checkWebsiteUrl('https://me:pw@shop.example/')).toMatchObject({
      ok: false,
      message: expect.stringContaining('user name or password'),
    });
    expect(checkWebsiteUrl('https://shop.example/#top')).toMatchObject({ ok: false, message: expect.stringContaining('#fragment') });
    expect(checkWebsiteUrl('')).toMatchObject({ ok: false });
    expect(checkWebsiteUrl(`https://shop.example/${'a'.repeat(2048)}`)).toMatchObject({ ok: false });
  });
});
