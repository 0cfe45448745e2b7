import { createECDH, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { decryptAes128gcm } from '../../test/support/push-service.ts';
import { PushEncryptionPool } from './push-encryption-pool.ts';

/** A browser's subscription keys (RFC 8291): its ECDH pair and auth secret. */
function browserKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { ecdh, publicKey: ecdh.getPublicKey(), auth: randomBytes(16) };
}

const OPTIONS = {
  TTL: 60,
  urgency: 'normal',
  topic: 'n1',
  contentEncoding: 'aes128gcm',
  headers: { Authorization: 'vapid t=x, k=y' },
} as const;

describe('PushEncryptionPool', () => {
  const pools: PushEncryptionPool[] = [];
  const pool = (size?: number) => {
    const made = new PushEncryptionPool(size);
    pools.push(made);
    return made;
  };
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((made) => made.stop()));
  });

  it('encrypts on its threads what the subscription decrypts, with a new key pair per message, and the headers web-push sets', async () => {
    const keys = browserKeys();
    const subscription = {
      endpoint: 'https://push.example/send/a',
      keys: { p256dh: keys.publicKey.toString('base64url'), auth: keys.auth.toString('base64url') },
    };
    const encryption = pool(2);
    const payloads = ['{"title":"Größe: 1"}', '{"title":"two"}', '{"title":"three"}'];
    const built = await Promise.all(payloads.map((payload) => encryption.build(subscription, payload, OPTIONS)));
    expect(built.map((details) => decryptAes128gcm(details.body, keys).toString('utf8'))).toEqual(payloads);
    expect(built[0]!.headers).toMatchObject({
      TTL: 60,
      Urgency: 'normal',
      Topic: 'n1',
      'Content-Encoding': 'aes128gcm',
      'Content-Type': 'application/octet-stream',
      Authorization: 'vapid t=x, k=y',
    });
    // RFC 8291 header: salt (16) · record size (4) · key length (1) · the message's own public key (65).
    const senderKeys = new Set(built.map((details) => details.body.subarray(21, 86).toString('hex')));
    expect(senderKeys.size).toBe(3);
  });

  it("rejects with web-push's words when a subscription's key is not a P-256 key, and goes on encrypting", async () => {
    const keys = browserKeys();
    const encryption = pool(1);
    await expect(
      encryption.build(
        { endpoint: 'https://push.example/send/b', keys: { p256dh: 'AAAA', auth: keys.auth.toString('base64url') } },
        'x',
        OPTIONS,
      ),
    ).rejects.toThrow('The subscription p256dh value should be 65 bytes long.');
    const details = await encryption.build(
      {
        endpoint: 'https://push.example/send/b',
        keys: { p256dh: keys.publicKey.toString('base64url'), auth: keys.auth.toString('base64url') },
      },
      'after',
      OPTIONS,
    );
    expect(decryptAes128gcm(details.body, keys).toString('utf8')).toBe('after');
  });

  it('requests made together go to a thread as batches: each gets its own answer, one failing fails only itself', async () => {
    const keys = browserKeys();
    const good = {
      endpoint: 'https://push.example/send/d',
      keys: { p256dh: keys.publicKey.toString('base64url'), auth: keys.auth.toString('base64url') },
    };
    const bad = { endpoint: 'https://push.example/send/e', keys: { p256dh: 'AAAA', auth: keys.auth.toString('base64url') } };
    const encryption = pool(1);
    const payloads = Array.from({ length: 70 }, (_, index) => `{"n":${index}}`);
    const settled = await Promise.allSettled(
      payloads.map((payload, index) => encryption.build(index === 40 ? bad : good, payload, OPTIONS)),
    );
    expect(settled.filter((result) => result.status === 'rejected').map((result) => String(result.reason))).toEqual([
      'Error: The subscription p256dh value should be 65 bytes long.',
    ]);
    expect(
      settled.map((result) => (result.status === 'fulfilled' ? decryptAes128gcm(result.value.body, keys).toString('utf8') : null)),
    ).toEqual(payloads.map((payload, index) => (index === 40 ? null : payload)));
  });

  it('refuses new work once stopped', async () => {
    const encryption = pool(1);
    await encryption.stop();
    await expect(
      encryption.build({ endpoint: 'https://push.example/send/c', keys: { p256dh: 'x', auth: 'y' } }, 'x', OPTIONS),
    ).rejects.toThrow('push encryption stopped');
  });
});
