/**
 * Security headers: `nosniff` on every response, and for the pages we serve (the inbox and
 * the widget demo) a strict Content-Security-Policy and friends. The inbox shows text that
 * agents and visitors wrote; the policy is the second wall behind the markdown allowlist:
 * no inline script or style, no eval, nothing loaded or framed from elsewhere.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';

/** A `Host` header we can put in a policy as it is: a name or address and an optional port. */
const PLAIN_HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The Content-Security-Policy of a page, for a request to `host`. `apiOrigins` are other
 * origins the page calls (an API elsewhere, from /config.json); their socket origins are added.
 *
 * - React's `style={…}` props are set through the CSSOM, which `style-src 'self'` allows;
 *   `<style>` elements and `style=` attributes are refused, and the build has none.
 * - `img-src 'self' blob:`: messages never load images from elsewhere (markdown turns them into
 *   links); a message's image files are fetched with the credential in a header and shown from
 *   a `blob:` URL of the page's own making (src/core/attachments/attachment-fetch.ts).
 * - `connect-src` names the page's own socket origins besides `'self'`, for browsers that do
 *   not yet read `'self'` as covering ws: and wss:.
 */
function pageContentSecurityPolicy(host: string | undefined, apiOrigins: readonly string[] = []): string {
  const connect = new Set(["'self'"]);
  if (host && PLAIN_HOST.test(host)) {
    connect.add(`ws://${host}`);
    connect.add(`wss://${host}`);
  }
  for (const origin of apiOrigins) {
    connect.add(origin);
    connect.add(origin.replace(/^http/, 'ws'));
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob:",
    "font-src 'self'",
    // The inbox's service worker (/sw.js, push notifications): from the origin only. Named,
    // not left to the script-src fallback, so a change there never widens where workers come from.
    "worker-src 'self'",
    `connect-src ${[...connect].join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Sets the headers of a page (an HTML document we serve):
 * - the policy above;
 * - `Referrer-Policy: same-origin`: nothing of the inbox's URLs (thread ids) reaches another
 *   site, exactly as with `no-referrer`; requests to its own origin keep their referrer, which
 *   tells the server nothing new, and escape `no-referrer`'s `Origin: null` on non-CORS POSTs
 *   (a plain form submission), which the origin check (CONTRACT §1) would refuse;
 * - `Cross-Origin-Opener-Policy: same-origin`: a page the inbox links to cannot reach back
 *   into it through `window.opener` (links already open with `noopener`);
 * - `X-Frame-Options: DENY` for browsers without `frame-ancestors`.
 */
export function setPageSecurityHeaders(reply: FastifyReply, apiOrigins: readonly string[]): void {
  reply.header('content-security-policy', pageContentSecurityPolicy(reply.request.headers.host, apiOrigins));
  reply.header('referrer-policy', 'same-origin');
  reply.header('cross-origin-opener-policy', 'same-origin');
  reply.header('x-frame-options', 'DENY');
}

/** `X-Content-Type-Options: nosniff` on every response: a browser never guesses a type. */
export function installSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });
}
