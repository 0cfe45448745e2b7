import { describe, expect, it } from 'vitest';
import { shownCallbackUrl } from './shown-callback-url.ts';

describe('shownCallbackUrl', () => {
  it('keeps where events go: scheme, host, port and path', () => {
    expect(shownCallbackUrl('https://hooks.example.com:8443/a/b')).toBe('https://hooks.example.com:8443/a/b');
  });

  it('removes userinfo', () => {
    expect(shownCallbackUrl('https://me:s3cret@hooks.example.com/h')).toBe('https://hooks.example.com/h');
    expect(shownCallbackUrl('https://token@hooks.example.com/h')).toBe('https://hooks.example.com/h');
  });

  it('hides query values but keeps their names, once each, and drops the fragment', () => {
    expect(shownCallbackUrl('https://hooks.example.com/h?token=abc&team=t1&token=def#frag')).toBe(
      'https://hooks.example.com/h?token=hidden&team=hidden',
    );
  });

  it('shows nothing of a string that is not a URL', () => {
    expect(shownCallbackUrl('not a url')).toBe('');
  });
});
