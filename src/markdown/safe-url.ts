/** Schemes a message may link to; everything else (javascript:, data:, vbscript:, file:, …) is shown as text. */
const SAFE_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:', 'mailto:']);

/**
 * The normalized href for a link target written in a message, or `null` when it must not
 * become a link. Parsing with `new URL` and no base does what a browser does with an
 * href (drops tabs and newlines, trims spaces, lowercases the scheme), so obfuscated
 * schemes are judged as the browser would read them; relative and protocol-relative
 * targets have no base to resolve against and are refused.
 */
export function safeHref(target: string | null | undefined): string | null {
  if (!target) return null;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return null;
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
}
