import { randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify } from 'jose';
import { isEmail, normalizeEmail } from '../http/validation.ts';

/** Identity secrets look like `ais_<base64url of 32 random bytes>`; the whole string is the HMAC key. */
const IDENTITY_SECRET_PREFIX = 'ais_';
const IDENTITY_SECRET_BYTES = 32;
/** An identity token may be valid for at most this long from now (CONTRACT §7). */
const MAX_IDENTITY_TOKEN_LIFETIME_S = 24 * 60 * 60;
/** Tolerated difference between the website's clock and ours. */
const IDENTITY_CLOCK_SKEW_S = 60;
const MAX_SUB_LENGTH = 255;
const MAX_NAME_LENGTH = 100;

/** A new identity secret for an agent: shown to its owner once. */
export function newIdentitySecret(): string {
  return IDENTITY_SECRET_PREFIX + randomBytes(IDENTITY_SECRET_BYTES).toString('base64url');
}

export interface VerifiedIdentity {
  sub: string;
  email: string | null;
  name: string | null;
}

export type IdentityCheck = { ok: true; identity: VerifiedIdentity } | { ok: false; reason: string };

const invalid = (reason: string): IdentityCheck => ({ ok: false, reason });

/**
 * Verifies an identity token the website's backend signed for a visitor: HS256 with the
 * agent's identity secret, `aud` = the agent's slug, `sub` required, `exp` required and at
 * most 24 h ahead. The reason of a failure is meant for the website's developer.
 */
export async function verifyIdentityToken(
  token: string,
  secret: string | null,
  slug: string,
  nowMs: number = Date.now(),
): Promise<IdentityCheck> {
  if (!secret) return invalid('This agent has no identity secret yet; its owner can create one in the agent settings.');
  const nowSeconds = Math.floor(nowMs / 1000);
  let payload;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      audience: slug,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: IDENTITY_CLOCK_SKEW_S,
      currentDate: new Date(nowMs),
    }));
  } catch (error) {
    return invalid(reasonOf(error, slug));
  }
  if (typeof payload.exp !== 'number' || payload.exp > nowSeconds + MAX_IDENTITY_TOKEN_LIFETIME_S + IDENTITY_CLOCK_SKEW_S) {
    return invalid('The identity token must expire within 24 hours (exp too far ahead).');
  }
  const { sub } = payload;
  if (typeof sub !== 'string' || sub.length < 1 || sub.length > MAX_SUB_LENGTH) {
    return invalid(`The identity token's sub must be a string of 1 to ${MAX_SUB_LENGTH} characters.`);
  }
  const rawEmail = payload.email;
  if (rawEmail !== undefined && rawEmail !== null && (typeof rawEmail !== 'string' || !isEmail(normalizeEmail(rawEmail)))) {
    return invalid("The identity token's email is not a valid email address.");
  }
  const rawName = payload.name;
  if (rawName !== undefined && rawName !== null && (typeof rawName !== 'string' || rawName.trim().length > MAX_NAME_LENGTH)) {
    return invalid(`The identity token's name must be a string of at most ${MAX_NAME_LENGTH} characters.`);
  }
  return {
    ok: true,
    identity: {
      sub,
      email: typeof rawEmail === 'string' ? normalizeEmail(rawEmail) : null,
      name: typeof rawName === 'string' ? rawName.trim() || null : null,
    },
  };
}

function reasonOf(error: unknown, slug: string): string {
  if (error instanceof joseErrors.JWTExpired) return 'The identity token has expired.';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return "The identity token's signature does not match this agent's identity secret.";
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The identity token must be signed with HS256.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return `The identity token is for another agent: its aud must be "${slug}".`;
    if (error.claim === 'sub') return "The identity token has no sub (the website's id for the person).";
    if (error.claim === 'exp') return 'The identity token has no exp; it must expire within 24 hours.';
    return `The identity token's ${error.claim} claim is not valid.`;
  }
  return 'The identity token is not a valid signed JWT.';
}
