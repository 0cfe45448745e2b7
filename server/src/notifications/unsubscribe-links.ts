import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  NOTIFICATION_KINDS,
  NOTIFICATION_LANGUAGES,
  type NotificationKind,
  type NotificationLanguage,
} from '../../../src/core/protocol/notifications.ts';

/** The label that derives the link key from the server's secret, so it signs nothing else. */
const KEY_LABEL = 'ama2 email unsubscribe v1';

/** What a signed unsubscribe link turns off: these kinds' email, for this user. */
export interface UnsubscribeRequest {
  userId: string;
  kinds: NotificationKind[];
  /** The language of the email, for the confirm page. */
  language: NotificationLanguage;
}

/**
 * Signed one-click unsubscribe links (RFC 8058): the user and the kinds in the clear,
 * HMAC-SHA256 over them with a key derived from the server's JWT secret (every process has
 * it). They do not expire: a link in an old email must still work. They can do one thing
 * only, turn email off, so a leaked link harms nothing but that.
 */
export class UnsubscribeLinks {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update(KEY_LABEL).digest();
  }

  /** The token of a link turning `kinds` off for `userId`. */
  token(request: UnsubscribeRequest): string {
    const body = Buffer.from(JSON.stringify({ u: request.userId, k: request.kinds, l: request.language })).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** What a token asks, or null when it was not made by this server (or was changed). */
  read(token: string): UnsubscribeRequest | null {
    const [body, signature, ...rest] = token.split('.');
    if (!body || !signature || rest.length > 0) return null;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { u?: unknown; k?: unknown; l?: unknown };
      const kinds = Array.isArray(parsed.k) ? parsed.k : [];
      if (typeof parsed.u !== 'string' || kinds.length === 0) return null;
      if (!kinds.every((kind) => (NOTIFICATION_KINDS as readonly unknown[]).includes(kind))) return null;
      const language = (NOTIFICATION_LANGUAGES as readonly unknown[]).includes(parsed.l) ? (parsed.l as NotificationLanguage) : 'en';
      return { userId: parsed.u, kinds: kinds as NotificationKind[], language };
    } catch {
      return null;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
