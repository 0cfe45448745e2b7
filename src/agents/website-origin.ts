import { en, type InboxStrings } from '../i18n/catalog-en.ts';

/** The most websites one agent may list (the server refuses more). */
export const MAX_ALLOWED_ORIGINS = 50;

export type OriginCheck = { ok: true; origin: string } | { ok: false; message: string };

const EXAMPLE = 'https://shop.example.com';

/**
 * Reads what an owner typed as a website address and gives back its origin
 * (`scheme://host[:port]`, as the server stores it) or, in words, why it is not one.
 * A bare host gets a hint to add `https://`; a path, query or sign-in part is refused
 * rather than silently dropped, so what is saved is what the owner meant.
 */
export function checkWebsiteOrigin(text: string, existing: readonly string[] = [], t: InboxStrings = en): OriginCheck {
  const words = t.agents.origin;
  const typed = text.trim();
  if (!typed) return { ok: false, message: words.empty(EXAMPLE) };
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(typed)) {
    const host = typed.replace(/^\/+/, '').split(/[/?#]/)[0] || 'shop.example.com';
    return { ok: false, message: words.noScheme(host) };
  }
  let url: URL;
  try {
    url = new URL(typed);
  } catch {
    return { ok: false, message: words.notAddress(typed, EXAMPLE) };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: words.badScheme(EXAMPLE) };
  }
  if (!url.hostname) return { ok: false, message: words.noHost(typed, EXAMPLE) };
  if (url.username || url.password) return { ok: false, message: words.credentials(EXAMPLE) };
  const afterHost = typed.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  if (afterHost !== '' && afterHost !== '/') {
    return { ok: false, message: words.hasPath(url.origin, typed) };
  }
  const origin = url.origin;
  if (existing.includes(origin)) return { ok: false, message: words.duplicate(origin) };
  if (existing.length >= MAX_ALLOWED_ORIGINS) return { ok: false, message: words.tooMany(MAX_ALLOWED_ORIGINS) };
  return { ok: true, origin };
}
