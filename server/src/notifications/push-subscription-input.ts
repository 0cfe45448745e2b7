import { badRequest } from '../http/errors.ts';
import { AddressRefused, bareHost, type AddressGuard } from '../webhooks/address-guard.ts';

/** Longest endpoint accepted: real push services' are a few hundred characters. */
export const MAX_PUSH_ENDPOINT_LENGTH = 2_048;
/** RFC 8291: the user agent's key is an uncompressed P-256 point, the auth secret 16 bytes. */
const P256DH_BYTES = 65;
const AUTH_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** A subscription as `PushManager.subscribe().toJSON()` gives it, checked. */
export interface PushSubscriptionInput {
  endpoint: string;
  p256dh: string;
  auth: string;
}

function key(raw: unknown, name: string, bytes: number, what: string): string {
  const value = typeof raw === 'string' ? raw : '';
  const decoded = BASE64URL.test(value) ? Buffer.from(value, 'base64url') : null;
  if (!decoded || decoded.length !== bytes || (bytes === P256DH_BYTES && decoded[0] !== 4)) {
    throw badRequest(`keys.${name} must be ${what} (${bytes} bytes), base64url.`);
  }
  // Stored without padding, as browsers send it.
  return decoded.toString('base64url');
}

/**
 * Checks a new push subscription (CONTRACT §12): an https endpoint (http only with
 * `PUSH_ALLOW_INSECURE_ENDPOINTS`) of bounded length, without credentials, whose host is
 * and resolves to addresses §8's network rules allow (checked again at every send), and
 * keys of the sizes RFC 8291 gives. Every refusal is a 400 that says which field is wrong.
 */
export async function checkPushSubscription(
  body: { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } },
  guard: AddressGuard,
  allowInsecure: boolean,
): Promise<PushSubscriptionInput> {
  const raw = typeof body.endpoint === 'string' ? body.endpoint : '';
  if (raw.length > MAX_PUSH_ENDPOINT_LENGTH) throw badRequest(`endpoint is longer than ${MAX_PUSH_ENDPOINT_LENGTH} characters.`);
  const url = URL.parse(raw);
  if (!url || (url.protocol !== 'https:' && !(allowInsecure && url.protocol === 'http:'))) {
    throw badRequest('endpoint must be an https URL (the push service address the browser gave).');
  }
  if (url.username || url.password) throw badRequest('endpoint must not carry credentials.');
  const p256dh = key(body.keys?.p256dh, 'p256dh', P256DH_BYTES, 'an uncompressed P-256 public key');
  const auth = key(body.keys?.auth, 'auth', AUTH_BYTES, 'the auth secret');
  try {
    await guard.addressesOf(bareHost(url));
  } catch (error) {
    if (error instanceof AddressRefused) throw badRequest(`endpoint is refused: ${error.message}.`);
    throw error;
  }
  return { endpoint: url.href, p256dh, auth };
}

/** What a subscription's owner is shown of its endpoint: the push service's origin, never the path (a credential). */
export const endpointOrigin = (endpoint: string) => new URL(endpoint).origin;
