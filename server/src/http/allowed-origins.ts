/** At most this many allowed origins per agent. */
const MAX_ALLOWED_ORIGINS = 50;

export type OriginsCheck = { ok: true; origins: string[] } | { ok: false; message: string };

/**
 * Normalizes an agent's allowed websites to `scheme://host[:port]` (what browsers send as
 * `Origin`): http(s) only, no path, query, fragment or credentials; duplicates removed.
 * The first bad entry is named in the message.
 */
export function normalizeAllowedOrigins(entries: readonly string[]): OriginsCheck {
  const origins: string[] = [];
  for (const entry of entries) {
    const text = entry.trim();
    if (text.includes('*')) return { ok: false, message: `allowed_origins: "${entry}" has a wildcard; list each origin.` };
    const url = URL.parse(text);
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
      return { ok: false, message: `allowed_origins: "${entry}" is not an http(s) origin like https://shop.example.com.` };
    }
    if (url.username || url.password)
      return { ok: false, message: `allowed_origins: "${entry}" must not contain a user name or password.` };
    if (url.pathname !== '/' || url.search || url.hash || /[?#]/.test(text)) {
      return { ok: false, message: `allowed_origins: "${entry}" has a path, query or fragment; give only scheme://host[:port].` };
    }
    if (!origins.includes(url.origin)) origins.push(url.origin);
  }
  if (origins.length > MAX_ALLOWED_ORIGINS) {
    return { ok: false, message: `allowed_origins: at most ${MAX_ALLOWED_ORIGINS} origins, got ${origins.length}.` };
  }
  return { ok: true, origins };
}

/**
 * Whether a public call may come from `origin` (CONTRACT §7): any origin when the list is
 * empty; a request without `Origin` (not a browser page) is judged by its credentials alone.
 */
export function isOriginAllowed(allowedOrigins: readonly string[], origin: string | undefined): boolean {
  if (allowedOrigins.length === 0 || origin === undefined) return true;
  return allowedOrigins.includes(origin.toLowerCase());
}
