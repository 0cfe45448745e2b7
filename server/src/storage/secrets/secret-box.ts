import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Bytes of a data encryption key (AES-256). */
export const DATA_KEY_BYTES = 32;
/** Bytes of the random nonce of each sealed value (96 bits, as GCM wants). */
const NONCE_BYTES = 12;
/** Bytes of the GCM authentication tag. */
const TAG_BYTES = 16;
/**
 * The version of the key a value is sealed with, at the front of every sealed value. A later
 * key gets the next version (`v2:`), so a database can hold both while it is re-sealed.
 */
export const SEALED_PREFIX = 'v1:';

/** A sealed value that this key cannot open: another key, another row, or changed bytes. */
export class SealedValueError extends Error {}

/**
 * Seals secrets before they are stored and opens them when read (AES-256-GCM). The
 * associated data names the column and the row (`webhooks.secret:<id>`), so a sealed value
 * copied into another row or column does not open. A database dump alone reveals no secret:
 * the key is kept apart from it (see data-key.ts).
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== DATA_KEY_BYTES) throw new Error(`A data encryption key has ${DATA_KEY_BYTES} bytes, this one ${key.length}.`);
    this.key = Buffer.from(key);
  }

  /** `v1:` + base64url(nonce ‖ ciphertext ‖ tag), bound to `context`. */
  seal(plaintext: string, context: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return SEALED_PREFIX + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The plaintext of a value {@link seal}ed with this key for `context`; else {@link SealedValueError}. */
  open(sealed: string, context: string): string {
    if (!sealed.startsWith(SEALED_PREFIX))
      throw new SealedValueError(`${context} is not sealed with a key this server has (${SEALED_PREFIX}).`);
    const bytes = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url');
    if (bytes.length < NONCE_BYTES + TAG_BYTES) throw new SealedValueError(`${context} is too short to be a sealed value.`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SealedValueError(`${context} does not open with this data encryption key (another key, or moved or changed bytes).`);
    }
  }
}

/** The associated data of each sealed column: the column and the row's id. */
export const sealedColumn = {
  identitySecret: (agentId: string) => `agents.identity_secret:${agentId}`,
  webhookSecret: (webhookId: string) => `webhooks.secret:${webhookId}`,
  keyCheck: (version: number) => `data_keys.key_check:${version}`,
  vapidPrivateKey: () => 'vapid_keys.private_key:1',
} as const;
