import { describe, expect, it } from 'vitest';
import { checkWebsiteOrigin, MAX_ALLOWED_ORIGINS } from './website-origin.ts';

describe('checkWebsiteOrigin', () => {
  it.each([
    ['https://shop.example.com', 'https://shop.example.com'],
    ['  https://Shop.Example.com/  ', 'https://shop.example.com'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['https://shop.example.com:443', 'https://shop.example.com'],
    ['https://[::1]:8443', 'https://[::1]:8443'],
  ])('accepts %j as %s', (typed, origin) => {
    expect(checkWebsiteOrigin(typed)).toEqual({ ok: true, origin });
  });

  it.each([
    ['', 'Type a website address, for example https://shop.example.com.'],
    ['shop.example.com', 'Start the address with https:// (or http://), for example https://shop.example.com.'],
    ['shop.example.com/checkout', 'Start the address with https:// (or http://), for example https://shop.example.com.'],
    [
      'https://shop.example.com/checkout',
      'Give only the website, without a path: https://shop.example.com instead of https://shop.example.com/checkout.',
    ],
    [
      'https://shop.example.com?x=1',
      'Give only the website, without a path: https://shop.example.com instead of https://shop.example.com?x=1.',
    ],
    ['ftp://shop.example.com', 'Only http:// and https:// websites can be allowed, for example https://shop.example.com.'],
    ['https://me:pw@shop.example.com', 'Leave out the user name and password: give only the website, like https://shop.example.com.'],
    ['https://exa mple.com', '“https://exa mple.com” is not a website address. Write it like https://shop.example.com.'],
  ])('refuses %j in words', (typed, message) => {
    expect(checkWebsiteOrigin(typed)).toEqual({ ok: false, message });
  });

  it('refuses a website already listed, and more than the limit', () => {
    expect(checkWebsiteOrigin('https://shop.example.com/', ['https://shop.example.com'])).toEqual({
      ok: false,
      message: 'https://shop.example.com is already in the list.',
    });
    const full = Array.from({ length: MAX_ALLOWED_ORIGINS }, (_, index) => `https://s${index}.example.com`);
    expect(checkWebsiteOrigin('https://new.example.com', full)).toEqual({
      ok: false,
      message: 'At most 50 websites can be listed. Remove one first.',
    });
  });
});
