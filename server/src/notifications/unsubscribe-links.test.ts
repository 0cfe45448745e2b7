import { describe, expect, it } from 'vitest';
import { UnsubscribeLinks } from './unsubscribe-links.ts';

describe('UnsubscribeLinks', () => {
  const links = new UnsubscribeLinks('a-secret-of-the-server-0123456789');
  const request = { userId: 'user-1', kinds: ['mention' as const, 'waiting' as const], language: 'de' as const };

  it('reads back what it signed', () => {
    expect(links.read(links.token(request))).toEqual(request);
  });

  it('refuses a token signed with another secret, a changed body, and garbage', () => {
    const other = new UnsubscribeLinks('another-secret-0123456789abcdef');
    expect(links.read(other.token(request))).toBeNull();
    const [, signature] = links.token(request).split('.');
    const changed = Buffer.from(JSON.stringify({ u: 'user-2', k: ['mention'], l: 'en' })).toString('base64url');
    expect(links.read(`${changed}.${signature}`)).toBeNull();
    expect(links.read('no-dot')).toBeNull();
    expect(links.read('a.b.c')).toBeNull();
  });

  it('refuses a signed token naming no kind or an unknown one', () => {
    expect(links.read(links.token({ ...request, kinds: [] }))).toBeNull();
    expect(links.read(links.token({ ...request, kinds: ['everything' as never] }))).toBeNull();
  });
});
