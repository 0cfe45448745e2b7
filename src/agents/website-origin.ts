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
export function checkWebsiteOrigin(text: string, existing: readonly string[] = []): OriginCheck {
  const typed = text.trim();
  if (!typed) return { ok: false, message: `Type a website address, for example ${EXAMPLE}.` };
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(typed)) {
    const host = typed.replace(/^\/+/, '').split(/[/?#]/)[0] || 'shop.example.com';
    return { ok: false, message: `Start the address with https:// (or http://), for example https://${host}.` };
  }
  let url: URL;
  try {
    url = new URL(typed);
  } catch {
    return { ok: false, message: `“${typed}” is not a website address. Write it like ${EXAMPLE}.` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: `Only http:// and https:// websites can be allowed, for example ${EXAMPLE}.` };
  }
  if (!url.hostname) return { ok: false, message: `“${typed}” has no host name. Write it like ${EXAMPLE}.` };
  if (url.username || url.password)
    return { ok: false, message: 'Leave out the user name and password: give only the website, like ' + `${EXAMPLE}.` };
  const afterHost = typed.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  if (afterHost !== '' && afterHost !== '/') {
    return { ok: false, message: `Give only the website, without a path: ${url.origin} instead of ${typed}.` };
  }
  const origin = url.origin;
  if (existing.includes(origin)) return { ok: false, message: `${origin} is already in the list.` };
  if (existing.length >= MAX_ALLOWED_ORIGINS)
    return { ok: false, message: `At most ${MAX_ALLOWED_ORIGINS} websites can be listed. Remove one first.` };
  return { ok: true, origin };
}
