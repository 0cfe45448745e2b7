import { createECDH } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';

/** The VAPID key pair and contact (RFC 8292) given in the environment. */
export interface ConfiguredVapid {
  publicKey: string;
  privateKey: string;
}

/** The settings of the push and email channels (CONTRACT §12). */
export interface ChannelSettings {
  /** `VAPID_PUBLIC_KEY` + `VAPID_PRIVATE_KEY`, or null: keys generated once and kept (sealed) in the database. */
  vapid: ConfiguredVapid | null;
  /** `VAPID_SUBJECT`: how push services reach the operator (`mailto:` or `https:`). */
  vapidSubject: string;
  /** `PUSH_ALLOW_INSECURE_ENDPOINTS`: http and private-network push endpoints (tests only). */
  pushAllowInsecureEndpoints: boolean;
  /** `SMTP_URL` (`smtp://` or `smtps://`, may hold a password: never print it), or null: `.eml` files in `mailDir`. */
  smtpUrl: string | null;
  /** `MAIL_FROM`: the From of every email. */
  mailFrom: string;
  /** `PUBLIC_URL` without a trailing slash, or null: `http://localhost:<the port listened on>`. */
  publicUrl: string | null;
  /** Where emails are written without `SMTP_URL`: `mail/` in the data directory (beside the SQLite file). */
  mailDir: string;
}

/** Bytes of an uncompressed P-256 point (0x04, x, y) and of its private scalar. */
const P256_PUBLIC_BYTES = 65;
const P256_PRIVATE_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const DEFAULT_MAIL_FROM = 'AMA2 Inbox <notifications@localhost>';

/** An error in these settings; the message never holds a secret's value. */
export class ChannelSettingsError extends Error {}

function parseVapid(env: NodeJS.ProcessEnv): ConfiguredVapid | null {
  const publicKey = env.VAPID_PUBLIC_KEY?.trim() || '';
  const privateKey = env.VAPID_PRIVATE_KEY?.trim() || '';
  if (!publicKey && !privateKey) return null;
  if (!publicKey || !privateKey) {
    throw new ChannelSettingsError(
      'Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (e.g. from "npx web-push generate-vapid-keys"), or neither to let the server generate and keep a pair.',
    );
  }
  const pub = BASE64URL.test(publicKey) ? Buffer.from(publicKey, 'base64url') : Buffer.alloc(0);
  if (pub.length !== P256_PUBLIC_BYTES || pub[0] !== 4) {
    throw new ChannelSettingsError('VAPID_PUBLIC_KEY must be an uncompressed P-256 public key (65 bytes), base64url.');
  }
  const priv = BASE64URL.test(privateKey) ? Buffer.from(privateKey, 'base64url') : Buffer.alloc(0);
  if (priv.length !== P256_PRIVATE_BYTES) {
    throw new ChannelSettingsError('VAPID_PRIVATE_KEY must be a P-256 private key (32 bytes), base64url.');
  }
  let derived: Buffer;
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(priv);
    derived = ecdh.getPublicKey();
  } catch {
    throw new ChannelSettingsError('VAPID_PRIVATE_KEY is not a valid P-256 private key.');
  }
  if (!derived.equals(pub)) throw new ChannelSettingsError('VAPID_PRIVATE_KEY does not belong to VAPID_PUBLIC_KEY.');
  return { publicKey, privateKey };
}

function parsePublicUrl(raw: string | undefined): string | null {
  if (!raw?.trim()) return null;
  const url = URL.parse(raw.trim());
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash) {
    throw new ChannelSettingsError(`PUBLIC_URL must be an http(s) address such as https://chat.example.com, got "${raw}".`);
  }
  return url.href.replace(/\/+$/, '');
}

function parseSmtpUrl(raw: string | undefined): string | null {
  if (!raw?.trim()) return null;
  const url = URL.parse(raw.trim());
  // The URL may carry a password: the message never repeats it.
  if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || !url.hostname) {
    throw new ChannelSettingsError('SMTP_URL must be smtp://[user:password@]host[:port] or smtps://…');
  }
  return url.href;
}

/** The address inside `Name <address>` (or the whole value). */
const addressOf = (mailbox: string) => /<([^<>]+)>\s*$/.exec(mailbox)?.[1] ?? mailbox.trim();

function parseSubject(raw: string | undefined, mailFrom: string, publicUrl: string | null): string {
  if (raw?.trim()) {
    const subject = raw.trim();
    if (!/^mailto:[^@\s]+@[^@\s]+$/.test(subject) && !/^https:\/\/[^\s]+$/.test(subject)) {
      throw new ChannelSettingsError(`VAPID_SUBJECT must be a mailto: or https: URL (RFC 8292), got "${raw}".`);
    }
    return subject;
  }
  if (publicUrl?.startsWith('https://')) return publicUrl;
  return `mailto:${addressOf(mailFrom)}`;
}

function parseFlag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new ChannelSettingsError(`${name} must be "true" or "false", got "${env[name]}".`);
}

/** Reads and checks the push and email settings; `databasePath` places `data/mail/` beside the SQLite file. */
export function parseChannelSettings(env: NodeJS.ProcessEnv, databasePath: string): ChannelSettings {
  const publicUrl = parsePublicUrl(env.PUBLIC_URL);
  const mailFrom = env.MAIL_FROM?.trim() || DEFAULT_MAIL_FROM;
  if (/[\r\n]/.test(mailFrom) || !/^[^@\s<>]+@[^@\s<>]+$/.test(addressOf(mailFrom))) {
    throw new ChannelSettingsError(`MAIL_FROM must be an address such as "Support <support@example.com>", got "${mailFrom}".`);
  }
  return {
    vapid: parseVapid(env),
    vapidSubject: parseSubject(env.VAPID_SUBJECT, mailFrom, publicUrl),
    pushAllowInsecureEndpoints: parseFlag(env, 'PUSH_ALLOW_INSECURE_ENDPOINTS'),
    smtpUrl: parseSmtpUrl(env.SMTP_URL),
    mailFrom,
    publicUrl,
    mailDir: databasePath === ':memory:' ? resolve('data', 'mail') : join(dirname(databasePath), 'mail'),
  };
}
