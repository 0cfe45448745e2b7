import { describe, expect, it } from 'vitest';
import { MAX_IDENTITY_TOKEN_LENGTH, readIdentify } from './identify-options.ts';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1LTEifQ.c2lnbmF0dXJl';

describe('readIdentify', () => {
  it('takes an email (trimmed, lower-cased), a name and an identity token', () => {
    expect(readIdentify({ email: ' Ada@Example.com ', name: ' Ada ', identity_token: JWT })).toEqual({
      identity: { email: 'ada@example.com', name: 'Ada', identityToken: JWT },
      problems: [],
    });
    expect(readIdentify({ identity_token: JWT })).toEqual({ identity: { identityToken: JWT }, problems: [] });
    expect(readIdentify({ email: 'ada@example.com', name: null })).toEqual({ identity: { email: 'ada@example.com' }, problems: [] });
  });

  it('reports each bad field in words and ignores it, keeping the rest', () => {
    const result = readIdentify({ email: 'ada@example.com', name: 42, identity_token: 'not a token' });
    expect(result.identity).toEqual({ email: 'ada@example.com' });
    expect(result.problems).toEqual([
      'identify(): name must be text of 1 to 100 characters; ignored.',
      'identify(): identity_token must be the signed token from your server (three base64url parts joined by dots); ignored.',
    ]);
    expect(readIdentify({ identity_token: JWT, email: 'nope', name: 'x'.repeat(101) }).identity).toEqual({ identityToken: JWT });
    expect(readIdentify({ identity_token: `${JWT}${'a'.repeat(MAX_IDENTITY_TOKEN_LENGTH)}` }).identity).toBeNull();
    expect(readIdentify({ email: `${'a'.repeat(64)}@${'b'.repeat(190)}.com` }).identity).toBeNull();
    expect(readIdentify({ email: 'ada@example.com', token: JWT }).problems).toEqual([
      'identify(): "token" is not an option (use email, name, identity_token); ignored.',
    ]);
  });

  it('ignores the whole call when neither an email nor an identity token is usable', () => {
    for (const input of [undefined, null, 'ada@example.com', [], {}, { name: 'Ada' }, { email: 'ada' }, { identity_token: 12 }]) {
      const result = readIdentify(input);
      expect(result.identity, JSON.stringify(input)).toBeNull();
      expect(result.problems.at(-1), JSON.stringify(input)).toMatch(
        /^identify\(\) (takes an object|needs a valid email or identity_token)/,
      );
    }
  });
});
