import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SEALED_PREFIX, SealedValueError, SecretBox } from './secret-box.ts';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('seals to a versioned value that holds nothing of the secret, and opens it again', () => {
    const sealed = box.seal('whsec_abc123', 'webhooks.secret:1');
    expect(sealed.startsWith(SEALED_PREFIX)).toBe(true);
    expect(sealed).not.toContain('whsec_abc123');
    expect(Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url').toString('latin1')).not.toContain('abc123');
    expect(box.open(sealed, 'webhooks.secret:1')).toBe('whsec_abc123');
  });

  it('uses a new nonce every time: the same secret seals differently', () => {
    expect(box.seal('ais_same', 'agents.identity_secret:a')).not.toBe(box.seal('ais_same', 'agents.identity_secret:a'));
  });

  it('does not open a value moved to another row or column, changed, or sealed under another key', () => {
    const sealed = box.seal('ais_secret', 'agents.identity_secret:a');
    expect(() => box.open(sealed, 'agents.identity_secret:b')).toThrow(SealedValueError);
    expect(() => box.open(sealed, 'webhooks.secret:a')).toThrow(SealedValueError);
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.at(-1)!;
    expect(() => box.open(flipped, 'agents.identity_secret:a')).toThrow(SealedValueError);
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'agents.identity_secret:a')).toThrow(
      'agents.identity_secret:a does not open with this data encryption key',
    );
    expect(() => box.open('ais_plaintext', 'agents.identity_secret:a')).toThrow(SealedValueError);
    expect(() => box.open('v1:AAAA', 'agents.identity_secret:a')).toThrow('too short');
  });

  it('takes only 32-byte keys', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow('A data encryption key has 32 bytes, this one 16.');
  });
});
